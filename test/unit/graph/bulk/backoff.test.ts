import { RETRY_BACKOFF_MAX_MS, THROTTLE_BACKOFF_MAX_MS, backoff } from '../../../../src/graph/bulk/backoff';

describe('backoff', () => {
  it('doubles from one second per attempt, half fixed and half random', () => {
    expect([1, 2, 3, 4].map((a) => backoff(a, RETRY_BACKOFF_MAX_MS, () => 0))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3, 4].map((a) => backoff(a, RETRY_BACKOFF_MAX_MS, () => 0.999999))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
  });

  it('never waits longer than its cap', () => {
    expect(backoff(30, RETRY_BACKOFF_MAX_MS, () => 0.999999)).toBe(RETRY_BACKOFF_MAX_MS);
    expect(backoff(30, THROTTLE_BACKOFF_MAX_MS, () => 0)).toBe(THROTTLE_BACKOFF_MAX_MS / 2);
  });
});
