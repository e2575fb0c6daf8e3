import type { Storage, StoreItems } from 'botbuilder';
import { limitsForTenantSize } from '../../../src/graph/throttleLimits';
import { aJob, jobHarness, userIds, waitFor } from '../../support/jobHarness';

/**
 * A Storage whose writes of the request's record that carry outcomes (checkpoints) wait, or fail, as
 * the test says; other writes (the claim, parts) pass.
 */
function checkpointGate(inner: Storage, mode: { hold?: Promise<void>; fail?: boolean }): Storage {
  const isCheckpoint = (changes: StoreItems) => {
    const item = changes['request/r1'] as { outcomes?: unknown[]; outcomeParts?: unknown[] } | undefined;
    return !!item && ((item.outcomes?.length ?? 0) > 0 || !!item.outcomeParts);
  };
  return {
    read: (keys) => inner.read(keys),
    delete: (keys) => inner.delete(keys),
    write: async (changes) => {
      if (isCheckpoint(changes)) {
        if (mode.fail) throw new Error('disk full');
        await mode.hold;
      }
      return inner.write(changes);
    },
  };
}

describe('runBulkJob', () => {
  it('keeps sending batches while a checkpoint is slow, and stores every outcome once it lands', async () => {
    let release!: () => void;
    const mode = { hold: new Promise<void>((r) => (release = r)) };
    const h = await jobHarness({ storage: (s) => checkpointGate(s, mode), progressIntervalMs: 0 });
    const ids = userIds(400);
    await h.store.create(aJob({ userIds: ids }));
    const run = h.jobs.start((await h.store.get('r1'))!);
    // every user is revoked while the first checkpoint is still held
    await waitFor(() => ids.every((id) => h.graph.revokeCount(id) === 1), 'every revoke');
    expect((await h.store.get('r1'))?.outcomes).toEqual([]);
    release();
    await run;
    const req = await h.store.get('r1');
    expect(req?.status).toBe('done');
    expect(req?.outcomes.map((o) => o.userId).sort()).toEqual([...ids].sort());
    expect([...h.audit.outcomeLines('r1').values()]).toEqual(ids.map(() => 1));
  });

  it('stops the job when a checkpoint fails, leaving it to resume', async () => {
    const h = await jobHarness({ storage: (s) => checkpointGate(s, { fail: true }), progressIntervalMs: 0 });
    await h.store.create(aJob({ userIds: userIds(400) }));
    await h.jobs.start((await h.store.get('r1'))!);
    expect(h.log).toContain('sign-out job crashed; will resume on restart');
    expect((await h.store.get('r1'))?.status).toBe('running');
    expect(h.finished).toEqual([]);
  });

  it('paces two jobs at once against one budget: the tenant quota, not one each', async () => {
    // room for 30 writes and almost no refill: two jobs of 20 users each fit only if each has its own
    const limits = { ...limitsForTenantSize(0), writes: 30, writeWindowMs: 24 * 3_600_000 };
    const h = await jobHarness({ limits, progressIntervalMs: 0 });
    const ids = userIds(40);
    const [a, b] = [ids.slice(0, 20), ids.slice(20)];
    await h.store.create(aJob({ id: 'r1', userIds: a }));
    await h.store.create(aJob({ id: 'r2', userIds: b }));
    const runs = [h.jobs.start((await h.store.get('r1'))!), h.jobs.start((await h.store.get('r2'))!)];
    const revoked = () => [...a, ...b].filter((id) => h.graph.revokeCount(id) > 0).length;
    // one job's batch of 20 spends the shared bucket (30 less the 3% margin); the other's 20 must wait.
    // With a bucket each, both batches go at once: 40.
    await waitFor(() => revoked() >= 20, 'a batch of revokes');
    await new Promise((r) => setTimeout(r, 300));
    expect(revoked()).toBe(20);
    expect([a, b].map((ids) => ids.filter((id) => h.graph.revokeCount(id) > 0).length).sort()).toEqual([
      0, 20,
    ]);
    h.jobs.stop('r1');
    h.jobs.stop('r2');
    await Promise.all(runs);
  });
});
