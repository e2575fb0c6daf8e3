import { MAX_TIMER_MS, systemClock } from '../../../../src/graph/bulk/clock';

describe('systemClock.sleep', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });
  const DAY = 24 * 3600_000;

  it('sleeps longer than one Node timer can hold (2^31-1 ms, about 24.8 days) in chunks', async () => {
    jest.useFakeTimers();
    const setTimer = jest.spyOn(global, 'setTimeout');
    let woke = false;
    void systemClock.sleep(30 * DAY).then(() => (woke = true));

    await jest.advanceTimersByTimeAsync(1000);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(30 * DAY - 2000);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(woke).toBe(true);
    const delays = setTimer.mock.calls.map(([, ms]) => ms ?? 0);
    expect(delays.length).toBeGreaterThan(1);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it('ends a long sleep on abort, and a sleep of nothing at once', async () => {
    jest.useFakeTimers();
    const ctl = new AbortController();
    let woke = false;
    void systemClock.sleep(40 * DAY, ctl.signal).then(() => (woke = true));
    await jest.advanceTimersByTimeAsync(26 * DAY);
    expect(woke).toBe(false);
    ctl.abort();
    await jest.advanceTimersByTimeAsync(0);
    expect(woke).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    let nothing = false;
    void systemClock.sleep(Number.NaN).then(() => (nothing = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(nothing).toBe(true);
  });
});
