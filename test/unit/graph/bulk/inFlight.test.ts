import { InFlightLimit, MAX_IN_FLIGHT, MIN_IN_FLIGHT } from '../../../../src/graph/bulk/inFlight';
import { compressLimits, limitsForTenantSize } from '../../../../src/graph/throttleLimits';

/** Graph's large-tenant limits: 3,000 writes per 150 s binds (20 users/s). */
const LIMITS = limitsForTenantSize(100_000);
/** A steady-state batch: 10 revokes of new users (1 write, 1 RU each) and 10 reads (1 RU each). */
const MIXED = { resourceUnits: 20, writes: 10 };

/** Feeds `n` batches of `cost` answering after `roundTripMs`, on a clock the test moves. */
function run(limit: InFlightLimit, n: number, roundTripMs: (i: number) => number, cost = MIXED): void {
  let now = 1_000_000;
  for (let i = 0; i < n; i++) {
    limit.sent(cost);
    limit.answered(now, now + roundTripMs(i));
    now += 50;
  }
}

describe('InFlightLimit', () => {
  it('starts at the minimum until a batch has answered', () => {
    const limit = new InFlightLimit(LIMITS, 0.05);
    expect(limit.current()).toBe(MIN_IN_FLIGHT);
    limit.sent(MIXED);
    expect(limit.current()).toBe(MIN_IN_FLIGHT);
  });

  it('covers the paced rate times the measured round trip, with headroom', () => {
    // ×10: 190 writes/s after the 5% margin, so 19 mixed batches per second
    const limit = new InFlightLimit(compressLimits(LIMITS, 10), 0.05);
    run(limit, 200, () => 1_000);
    expect(limit.batchesPerSecond()).toBeCloseTo(19, 5);
    expect(limit.current()).toBe(Math.ceil(19 * 1 * 1.5) + 1); // 30
    // the round trip grows to 2 s, then 3 s: the limit follows, up to the cap
    run(limit, 200, () => 2_000);
    expect(limit.current()).toBe(Math.ceil(19 * 2 * 1.5) + 1); // 58
    run(limit, 200, () => 3_000);
    expect(limit.current()).toBe(MAX_IN_FLIGHT);
  });

  it('keeps the minimum when the round trip is short', () => {
    const limit = new InFlightLimit(compressLimits(LIMITS, 10), 0.05);
    run(limit, 100, () => 240);
    expect(limit.current()).toBe(MIN_IN_FLIGHT);
  });

  it('needs fewer batches at Graph’s real pace: 2 s round trips at 20 users/s', () => {
    const limit = new InFlightLimit(LIMITS, 0.05, { min: 1, max: 64 });
    run(limit, 100, () => 2_000);
    // 1.9 batches/s × 2 s × 1.5 + 1
    expect(limit.current()).toBe(Math.ceil(1.9 * 2 * 1.5) + 1);
  });

  it('uses the average batch: batches of --block users (two writes each) pay for fewer per second', () => {
    const limit = new InFlightLimit(compressLimits(LIMITS, 10), 0.05, { min: 1, max: 1000 });
    run(limit, 200, () => 1_000, { resourceUnits: 20, writes: 20 });
    expect(limit.batchesPerSecond()).toBeCloseTo(9.5, 5);
    expect(limit.current()).toBe(Math.ceil(9.5 * 1.5) + 1);
  });

  it('follows a round trip that varies from 1 to 4 s by its average', () => {
    const limit = new InFlightLimit(LIMITS, 0.05, { min: 1, max: 1000 });
    run(limit, 2000, (i) => 1_000 + ((i * 7919) % 3001));
    // average 2.5 s: 1.9 × 2.5 × 1.5 + 1 ≈ 8, give or take the average's spread
    expect(limit.current()).toBeGreaterThanOrEqual(7);
    expect(limit.current()).toBeLessThanOrEqual(10);
  });
});
