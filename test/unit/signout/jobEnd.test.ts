import type { Storage, StoreItems } from 'botbuilder';
import type { SignoutRequest } from '../../../src/domain/types';
import { aJob, jobHarness, NOW, userIds, waitFor, type Harness } from '../../support/jobHarness';

/**
 * Issue 10, items 3-5: a job's outcomes are recorded and audited exactly once, before its end is stored
 * and before Teams hears of it, whatever write fails or hangs in between.
 */

const USERS = userIds(60);

/** A Storage that fails the first write of the request that `when` picks, with `error`. */
function failingOnce(when: (item: Partial<SignoutRequest>) => boolean, error: string) {
  let failed = false;
  return (inner: Storage): Storage => ({
    read: (keys) => inner.read(keys),
    delete: (keys) => inner.delete(keys),
    write: async (changes: StoreItems) => {
      const item = changes['request/r1'];
      if (!failed && item && when(item)) {
        failed = true;
        throw new Error(error);
      }
      return inner.write(changes);
    },
  });
}

async function run(h: Harness, job: SignoutRequest = aJob({ userIds: USERS })): Promise<void> {
  await h.store.create(job);
  h.jobs.start((await h.store.get(job.id))!);
}

describe('the end of a job', () => {
  it('records every outcome when a checkpoint write loses an eTag race', async () => {
    const h = await jobHarness({
      storage: failingOnce(
        (r) => (r.outcomes?.length ?? 0) > 0,
        'Storage: error writing "request/r1" due to eTag conflict.',
      ),
    });
    await run(h);
    await waitFor(() => h.finished.length === 1, 'the job to end');
    expect(h.finished[0].status).toBe('done');
    expect(h.finished[0].outcomes.map((o) => o.userId).sort()).toEqual([...USERS].sort());
  });

  it('audits the outcomes before the job is stored done, and reports it after both', async () => {
    const statusAtAudit: string[] = [];
    const h = await jobHarness();
    h.audit.beforeAppend = async () => void statusAtAudit.push((await h.store.get('r1'))!.status);
    await run(h);
    await waitFor(() => h.finished.length === 1, 'the job to end');
    expect(statusAtAudit).toEqual(['running']);
    expect(h.finished[0]).toMatchObject({ status: 'done', auditedAt: expect.any(String) });
    expect([...h.audit.outcomeLines('r1').values()]).toEqual(USERS.map(() => 1));
    await waitFor(async () => !!(await h.store.get('r1'))?.reportedAt, 'the report to be stored');
    expect((await h.store.listActive()).map((r) => r.id)).toEqual([]);
  });

  it('writes no outcome line twice when the bot died between the audit and the move to done', async () => {
    const h = await jobHarness({
      storage: failingOnce((r) => r.status === 'done', 'EIO: i/o error, write'),
    });
    await run(h);
    await waitFor(() => h.log.includes('sign-out job crashed; will resume on restart'));
    await waitFor(() => !h.jobs.isRunning('r1'));
    const interrupted = (await h.store.get('r1'))!;
    expect(interrupted.status).toBe('running');
    expect(interrupted.auditedAt).toBeUndefined();
    expect((await h.store.listActive()).map((r) => r.id)).toEqual(['r1']);

    h.jobs.start(interrupted, true);
    await waitFor(() => h.finished.length === 1, 'the resumed job to end');
    expect(h.finished[0].status).toBe('done');
    expect([...h.audit.outcomeLines('r1').values()]).toEqual(USERS.map(() => 1));
    expect(USERS.filter((id) => h.graph.revokeCount(id) !== 1)).toEqual([]);
  });

  it('reports a job that ended but whose report was lost, without auditing it again', async () => {
    let connectorDown = true;
    const reported: SignoutRequest[] = [];
    const h = await jobHarness({
      onFinished: async (r) => {
        if (connectorDown) throw new Error('connector down');
        reported.push(r);
      },
    });
    await run(h);
    await waitFor(() => h.log.includes('sign-out job crashed; will resume on restart'));
    await waitFor(() => !h.jobs.isRunning('r1'));
    const unreported = (await h.store.get('r1'))!;
    expect(unreported.status).toBe('done');
    expect(unreported.reportedAt).toBeUndefined();
    expect((await h.store.listActive()).map((r) => r.id)).toEqual(['r1']);

    const again = await jobHarness({ with: h });
    expect(again.jobs.mayTakeOver(unreported)).toBe(false);
    connectorDown = false;
    h.jobs.start(unreported, true);
    await waitFor(async () => !!(await h.store.get('r1'))?.reportedAt, 'the report');
    expect(reported.map((r) => r.status)).toEqual(['done']);
    expect([...h.audit.outcomeLines('r1').values()]).toEqual(USERS.map(() => 1));
    expect((await h.store.listActive()).map((r) => r.id)).toEqual([]);
  });

  it('ends a job as cancelled, audited once, when the cancel comes in while its outcomes are audited', async () => {
    const h = await jobHarness();
    h.audit.beforeAppend = async () => {
      h.audit.beforeAppend = () => undefined;
      await h.store.transition('r1', ['running'], 'cancelled', () => ({
        cancelledBy: { id: 'c', name: 'C' },
      }));
    };
    await run(h);
    await waitFor(() => h.finished.length === 1, 'the job to end');
    expect(h.finished[0]).toMatchObject({ status: 'cancelled', auditedAt: expect.any(String) });
    expect(h.finished[0].outcomes).toHaveLength(USERS.length);
    expect([...h.audit.outcomeLines('r1').values()]).toEqual(USERS.map(() => 1));
    // the cancel's own line, which the runner adds once it sees the cancel
    expect(h.audit.entries.filter((e) => e.event === 'cancelled').map((e) => e.actor)).toEqual([
      { id: 'c', name: 'C' },
    ]);
    await waitFor(() => !h.jobs.isRunning('r1'));
    expect(h.finished).toHaveLength(1);
  });

  it('keeps revoking, auditing and ending while a progress update hangs, and reports once it ends', async () => {
    let progressCalls = 0;
    let answer!: () => void;
    const h = await jobHarness({
      progressIntervalMs: 0,
      onProgress: () => {
        progressCalls++;
        return new Promise<void>((r) => (answer = r));
      },
    });
    await run(h);
    await waitFor(async () => (await h.store.get('r1'))?.status === 'done', 'the job to be done');
    expect([...h.audit.outcomeLines('r1').values()]).toEqual(USERS.map(() => 1));
    // one update in flight at a time, the newer ones waiting in its place
    expect(progressCalls).toBe(1);
    // the final card waits for the progress update on its way, so that it is not overwritten by it
    expect(h.finished).toEqual([]);
    answer();
    await waitFor(() => h.finished.length === 1, 'the report');
    expect(progressCalls).toBe(1);
    // jest's 5 s default, not the job, ran out once on a loaded 2-core machine
  }, 20_000);
});

describe('the end of a request that never ran', () => {
  const at = NOW.toISOString();
  const megan = { id: 'm', name: 'Megan' };
  const ends: [string, Partial<SignoutRequest>][] = [
    ['cancelled', { status: 'cancelled', cancelledBy: megan }],
    ['expired', { status: 'expired' }],
    ['rejected', { status: 'rejected', rejectedBy: megan, rejectionReason: 'wrong user' }],
  ];

  it.each(ends)('%s: audits it once, then reports it, then leaves the active index', async (event, over) => {
    const h = await jobHarness();
    const end = aJob({ ...over, startedAt: undefined, finishedAt: at, runner: h.jobs.claimNow() });
    await h.store.create(end);
    await h.jobs.start(end);
    expect(h.audit.entries.map((e) => [e.event, e.requestId])).toEqual([[event, 'r1']]);
    expect(h.finished.map((r) => [r.status, !!r.auditedAt, !!r.reportedAt])).toEqual([[event, true, false]]);
    expect((await h.store.get('r1'))?.reportedAt).toBe(at);
    expect(await h.store.listActive()).toEqual([]);
  });

  it.each(ends)(
    '%s: a crash after its audit line has the next runner report it without a second line',
    async (event, over) => {
      const crashed = await jobHarness({
        onFinished: async () => {
          throw new Error('killed while reporting');
        },
      });
      const end = aJob({ ...over, startedAt: undefined, finishedAt: at, runner: crashed.jobs.claimNow() });
      await crashed.store.create(end);
      await crashed.jobs.start(end);
      const interrupted = (await crashed.store.get('r1'))!;
      expect(interrupted.reportedAt).toBeUndefined();
      expect((await crashed.store.listActive()).map((r) => r.id)).toEqual(['r1']);

      // another process: it may take the end over once the claim is a lease old
      const later = () => new Date(NOW.getTime() + 61_000);
      const next = await jobHarness({ with: crashed, now: later });
      expect(next.jobs.mayTakeOver(interrupted)).toBe(true);
      await next.jobs.start(interrupted, true);
      expect(next.finished.map((r) => r.status)).toEqual([event]);
      expect(crashed.audit.entries.map((e) => e.event)).toEqual([event]);
      expect(await next.store.listActive()).toEqual([]);
    },
  );

  it('after a crash, reads the log back only to the request, not the whole year before it', async () => {
    const h = await jobHarness();
    const old = { event: 'revoked', tenantId: 't', requestId: 'old', actor: {}, targets: [{ id: 'x' }] };
    for (let i = 0; i < 1000; i++) h.audit.entries.push({ ...old, at: '2025-11-22T12:00:00.000Z' } as never);
    const chunks: number[] = [];
    const read = h.audit.readNewestFirst.bind(h.audit);
    h.audit.readNewestFirst = async function* () {
      for await (const chunk of read()) {
        chunks.push(chunk.length);
        yield chunk;
      }
    };
    const done = aJob({ userIds: userIds(3) });
    await h.store.create(done);
    await h.jobs.start(done, true);
    expect(h.finished.map((r) => r.status)).toEqual(['done']);
    expect([...h.audit.outcomeLines('r1').values()]).toEqual([1, 1, 1]);
    expect(chunks).toEqual([100]);
  });
});
