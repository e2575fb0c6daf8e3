import type { SignoutRequest } from '../../../src/domain/types';
import { aJob, jobHarness, NOW, userIds, waitFor, type Harness } from '../../support/jobHarness';

/** One job, one runner: the claim that keeps two bot instances (or a frozen one) from running a job twice. */

const LEASE_MS = 60_000;
const USERS = userIds(100);

async function started(h: Harness, job: SignoutRequest, resumed = true): Promise<void> {
  await h.store.create(job);
  h.jobs.start((await h.store.get(job.id))!, resumed);
}

const ranOut = (h: Harness) => waitFor(() => !h.jobs.isRunning('r1'), 'the run to end');

describe('job lease', () => {
  it('leaves a job to the live instance that holds it', async () => {
    const h = await jobHarness({ instance: 'B' });
    const fresh = new Date(NOW.getTime() - 5_000).toISOString();
    await started(h, aJob({ runner: { instance: 'A', token: 'a', heartbeatAt: fresh } }));
    await ranOut(h);
    expect(h.graph.batches).toEqual([]);
    expect((await h.store.get('r1'))?.runner?.instance).toBe('A');
    expect(h.jobs.mayTakeOver((await h.store.get('r1'))!)).toBe(false);
  });

  it('takes over a job whose runner stopped renewing its claim, and runs it once', async () => {
    const h = await jobHarness({ instance: 'B' });
    const stale = new Date(NOW.getTime() - LEASE_MS - 1).toISOString();
    await started(h, aJob({ runner: { instance: 'A', token: 'a', heartbeatAt: stale } }));
    await waitFor(() => h.finished.length === 1, 'the job to end');
    expect(aJob().targets.map((t) => h.graph.revokeCount(t.id))).toEqual([1, 1, 1]);
    expect(h.finished[0]).toMatchObject({
      status: 'done',
      runner: { instance: 'B', token: h.jobs.me.token },
    });
  });

  it('waits for the lease after a crash, also when the new process has the same INSTANCE_ID', async () => {
    const h = await jobHarness({ instance: 'A' });
    await started(
      h,
      aJob({ runner: { instance: 'A', token: 'before-the-crash', heartbeatAt: NOW.toISOString() } }),
    );
    await ranOut(h);
    expect(h.graph.batches).toEqual([]);
    expect((await h.store.get('r1'))?.runner?.token).toBe('before-the-crash');
  });

  it('resumes at once a job that a graceful shutdown handed back', async () => {
    const h = await jobHarness({ instance: 'A' });
    await started(h, aJob({ runner: undefined }));
    await waitFor(() => h.finished.length === 1, 'the job to end');
    expect(h.finished[0].status).toBe('done');
  });

  it('stops before its next batch once its last renewal is older than half the lease (a frozen process)', async () => {
    let offset = 0;
    const h = await jobHarness({
      now: () => new Date(NOW.getTime() + offset),
      monotonic: () => offset,
      leaseMs: LEASE_MS,
    });
    // the process is frozen while its first batch is out, and wakes half a lease later
    h.graph.beforeBatch = (_items, n) => void (n === 1 && (offset += LEASE_MS / 2));
    await started(h, aJob({ userIds: USERS }), false);
    await ranOut(h);
    expect(h.graph.batches).toHaveLength(1);
    expect(h.log).toContain(
      'this instance no longer holds the job (another took it over, or its claim lapsed): stopped before its next batch',
    );
    const stopped = (await h.store.get('r1'))!;
    expect(stopped).toMatchObject({ status: 'running', outcomes: [] });
    expect(h.finished).toEqual([]);

    // the same process renews and resumes it at once: the users revoked by that batch are read, not revoked again
    expect(h.jobs.mayTakeOver(stopped)).toBe(true);
    h.jobs.start(stopped, true);
    await waitFor(() => h.finished.length === 1, 'the job to end');
    expect(USERS.filter((id) => h.graph.revokeCount(id) !== 1)).toEqual([]);
    expect(h.finished[0]).toMatchObject({ status: 'done' });
    expect(h.finished[0].outcomes).toHaveLength(USERS.length);
  });

  it('stops when a renewal finds that another instance took the job over, recording nothing more', async () => {
    const h = await jobHarness({ now: () => new Date(), leaseMs: 400 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    h.graph.beforeBatch = () => held;
    await started(h, aJob({ userIds: USERS, startedAt: new Date().toISOString() }), false);
    await waitFor(() => h.graph.batches.length > 0, 'the first batch');
    const sent = h.graph.batches.length;
    await h.store.patch('r1', () => ({
      runner: { instance: 'B', token: 'b', heartbeatAt: new Date(Date.now() + 60_000).toISOString() },
    }));
    await waitFor(() =>
      h.log.includes('this instance no longer holds the job; it stops before its next batch'),
    );
    release();
    await ranOut(h);
    expect(h.graph.batches).toHaveLength(sent);
    const stored = (await h.store.get('r1'))!;
    expect(stored).toMatchObject({ status: 'running', outcomes: [], runner: { instance: 'B' } });
    expect(h.finished).toEqual([]);
  });

  it('refuses the end of a job taken over while it was audited; the new runner writes no line twice', async () => {
    const a = await jobHarness({ instance: 'A' });
    const b = await jobHarness({ instance: 'B', with: a });
    // with clocks far apart, B takes the job over while A still trusts its claim and writes the audit
    a.audit.beforeAppend = async () => {
      a.audit.beforeAppend = () => undefined;
      await a.store.patch('r1', () => ({
        runner: { ...b.jobs.me, heartbeatAt: NOW.toISOString() },
      }));
    };
    await started(a, aJob({ userIds: USERS }), false);
    await ranOut(a);
    expect(a.finished).toEqual([]);
    expect((await a.store.get('r1'))?.status).toBe('running');

    b.jobs.start((await b.store.get('r1'))!, true);
    await waitFor(() => b.finished.length === 1, 'B to end the job');
    expect(b.finished[0]).toMatchObject({ status: 'done', runner: { instance: 'B' } });
    expect([...a.audit.outcomeLines('r1').values()]).toEqual(USERS.map(() => 1));
    expect(USERS.filter((id) => a.graph.revokeCount(id) !== 1)).toEqual([]);
  });
});
