import { usersPerSecondCeiling, compressLimits } from '../../../../src/graph/throttleLimits';
import { LIMITS, setup, users } from '../../../support/simGraph';

/**
 * Slow Graph: every batch takes 2.5 s against Graph's limits compressed ×10 (a pace of 200 users/s). A
 * fixed 8 batches in flight caps the run at 8 × 10 users ÷ 2.5 s; the adaptive limit keeps the pace.
 */
const limits = compressLimits(LIMITS, 10);

async function sustainedRate(concurrency?: number) {
  const { graph, start, timed } = setup({ limits, latencyMs: 2_500 });
  const result = await start({ userIds: users(6_000), ...(concurrency ? { concurrency } : {}) });
  expect(result.progress.revoked).toBe(6_000);
  expect(graph.throttled).toBe(0);
  expect(graph.violations).toEqual([]);
  const half = timed.slice(3_000);
  return {
    rate: ((half.length - 1) * 1000) / (half[half.length - 1].at - half[0].at),
    maxInFlight: graph.maxInFlight,
  };
}

describe('runBulkRevoke against a slow Graph', () => {
  it('puts more batches in flight as the round trip grows, and keeps the paced rate', async () => {
    const ceiling = usersPerSecondCeiling(limits);
    const adaptive = await sustainedRate();
    expect(adaptive.maxInFlight).toBeGreaterThan(8);
    expect(adaptive.rate).toBeGreaterThanOrEqual(0.95 * ceiling);

    const fixed = await sustainedRate(8);
    expect(fixed.maxInFlight).toBe(8);
    expect(fixed.rate).toBeLessThan(0.5 * ceiling);
  });
});
