import type { RequestStore } from '../../../src/store/requestStore';
import { aJob, jobHarness, NOW, userIds, waitFor } from '../../support/jobHarness';

/**
 * A cancel that lands after a bulk job's last revoke and after its outcomes are audited, but before the
 * job stores itself done (found by the lifecycle property test): the job's final compare-and-swap
 * loses, and the job must still end as cancelled, audit the cancel, and report the end once (card,
 * thread, security channel) with every revoke, instead of leaving it unreported or its users unaudited.
 * (jobEnd.test.ts covers a cancel that comes in while the outcomes are being audited.)
 */

const USERS = userIds(2);

it('ends a bulk job whose move to done loses to a cancel: cancelled, audited and reported once', async () => {
  const h = await jobHarness();
  await h.store.create(aJob({ userIds: USERS }));
  // the admin's cancel is stored between the job's audit append and its move to done
  const store = h.store;
  const transition = store.transition.bind(store);
  let cancelled = false;
  (store as { transition: RequestStore['transition'] }).transition = async (id, from, to, patch) => {
    if ((to === 'done' || to === 'failed') && !cancelled) {
      cancelled = true;
      await transition(id, ['running'], 'cancelled', () => ({ cancelledBy: { id: 'b', name: 'B' } }));
    }
    return transition(id, from, to, patch);
  };

  h.jobs.start((await store.get('r1'))!);
  await waitFor(() => h.finished.length === 1, 'the report');
  await waitFor(() => !h.jobs.isRunning('r1'), 'the runner to end');

  expect(cancelled).toBe(true);
  expect(h.finished).toHaveLength(1);
  expect(h.finished[0]).toMatchObject({
    status: 'cancelled',
    finishedAt: NOW.toISOString(),
    auditedAt: NOW.toISOString(),
  });
  expect(h.finished[0].outcomes.map((o) => [o.userId, o.kind])).toEqual(USERS.map((id) => [id, 'revoked']));
  expect(USERS.map((id) => h.graph.revokeCount(id))).toEqual([1, 1]);
  // one line for each outcome and one for the cancel, which the job's end audits
  expect([...h.audit.outcomeLines('r1').values()]).toEqual([1, 1]);
  expect(h.audit.entries.filter((e) => e.event === 'cancelled').map((e) => e.actor)).toEqual([
    { id: 'b', name: 'B' },
  ]);
  const after = await store.get('r1');
  expect(after?.reportedAt).toBe(NOW.toISOString());
  expect(await store.listActive()).toEqual([]);
});
