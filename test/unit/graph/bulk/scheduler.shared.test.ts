import { DEFAULT_SAFETY_MARGIN, runBulkRevoke, SharedBudgets } from '../../../../src/graph/bulk';
import { compressLimits, usersPerSecondCeiling } from '../../../../src/graph/throttleLimits';
import { LIMITS, setup, users } from '../../../support/simGraph';

/**
 * Two bulk jobs at once in one tenant: Graph's write quota is the tenant's, so jobs that each pace
 * against a quota of their own send twice what Graph allows and meet 429s; with the process's shared
 * budgets they split the quota and meet none.
 */
const limits = compressLimits(LIMITS, 10);

async function twoJobsAtOnce(shared: boolean) {
  const { clock, graph } = setup({ limits });
  const budgets = new SharedBudgets(limits, () => clock.now(), DEFAULT_SAFETY_MARGIN);
  const job = (prefix: string) =>
    runBulkRevoke({
      userIds: users(3_000, prefix),
      transport: graph.transport,
      limits,
      clock,
      random: () => 0.5,
      ...(shared ? { budgets: budgets.for('contoso') } : {}),
    });
  const started = clock.now();
  const [a, b] = await clock.run(Promise.all([job('a'), job('b')]));
  return { graph, a, b, seconds: (clock.now() - started) / 1000 };
}

describe('bulk jobs at once in one tenant', () => {
  it('share the tenant budgets: no 429, every user revoked, at the pace of one quota', async () => {
    const { graph, a, b, seconds } = await twoJobsAtOnce(true);
    expect(a.progress.revoked).toBe(3_000);
    expect(b.progress.revoked).toBe(3_000);
    expect(graph.throttled).toBe(0);
    expect(graph.violations).toEqual([]);
    // 6,000 writes where the quota starts with 3,000: 3,000 more at the pace of one quota (simulated
    // time), neither faster (twice the quota) nor much slower (jobs waiting on each other)
    const minimum = (6_000 - limits.writes) / usersPerSecondCeiling(limits);
    expect(seconds).toBeGreaterThanOrEqual(minimum * 0.95);
    expect(seconds).toBeLessThanOrEqual(minimum * 1.15);
  });

  it('each paced alone, they exceed the quota and Graph throttles them', async () => {
    const { graph, a, b } = await twoJobsAtOnce(false);
    expect(a.progress.revoked + b.progress.revoked).toBe(6_000);
    expect(graph.throttled).toBeGreaterThan(0);
  });

  it('gives one budget per tenant, the same to every job of that tenant', () => {
    const budgets = new SharedBudgets(limits, () => 0, DEFAULT_SAFETY_MARGIN);
    expect(budgets.for('contoso')).toBe(budgets.for('contoso'));
    expect(budgets.for('fabrikam')).not.toBe(budgets.for('contoso'));
  });
});
