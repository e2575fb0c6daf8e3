import { systemClock } from '../../../../src/graph/bulk/clock';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_PAUSE_MS, settingsOf } from '../../../../src/graph/bulk/options';

const base = {
  userIds: [],
  transport: async () => [],
  limits: { resourceUnits: 1, ruWindowMs: 1, writes: 1, writeWindowMs: 1 },
};

describe('settingsOf', () => {
  it('fills in the defaults', () => {
    expect(settingsOf(base)).toEqual({
      clock: systemClock,
      concurrency: DEFAULT_CONCURRENCY,
      maxAttempts: 5,
      maxThrottledMs: 15 * 60_000,
      batchTimeoutMs: 120_000,
      maxPauseMs: DEFAULT_MAX_PAUSE_MS,
      progressIntervalMs: 3000,
      safetyMargin: 0.03,
      random: Math.random,
    });
    expect(DEFAULT_CONCURRENCY).toBe(8);
    expect(DEFAULT_MAX_PAUSE_MS).toBe(5 * 60_000);
  });

  it('runs at least one batch and one attempt, in whole numbers, and never pauses for less than nothing', () => {
    expect(settingsOf({ ...base, concurrency: 0, maxAttempts: -3, maxPauseMs: -5 })).toMatchObject({
      concurrency: 1,
      maxAttempts: 1,
      maxPauseMs: 0,
    });
    expect(settingsOf({ ...base, concurrency: 2.7, maxAttempts: 3.9 })).toMatchObject({
      concurrency: 2,
      maxAttempts: 3,
    });
  });
});
