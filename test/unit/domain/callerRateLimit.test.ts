import { CallerRateLimit } from '../../../src/domain/callerRateLimit';

describe('per-caller rate limit', () => {
  it('allows 60 a minute per caller, then refuses until the window ends', () => {
    const limit = new CallerRateLimit(60, 60_000);
    for (let i = 0; i < 60; i++) expect(limit.allow('sentinel', 1000 + i)).toBe(true);
    expect(limit.allow('sentinel', 2000)).toBe(false);
    expect(limit.retryAfterSeconds('sentinel', 2000)).toBe(59);
    // another caller has its own window
    expect(limit.allow('defender', 2000)).toBe(true);
    expect(limit.allow('sentinel', 61_000)).toBe(true);
  });

  it('keeps at most maxCallers windows: the rest share one overflow window', () => {
    const limit = new CallerRateLimit(2, 60_000, 10);
    for (let i = 0; i < 10; i++) expect(limit.allow(`caller-${i}`, 0)).toBe(true);
    expect(limit.allow('new-1', 1)).toBe(true);
    expect(limit.allow('new-2', 1)).toBe(true);
    expect(limit.allow('new-3', 1)).toBe(false);
    for (let i = 0; i < 10_000; i++) limit.allow(`flood-${i}`, 2);
    expect(limit.size).toBeLessThanOrEqual(11);
    // windows end and free their places
    expect(limit.allow('new-4', 60_001)).toBe(true);
    expect(limit.size).toBe(1);
  });
});
