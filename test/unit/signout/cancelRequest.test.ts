import type { NewAuditEntry } from '../../../src/domain/audit';
import type { RequestStatus } from '../../../src/domain/types';
import { cancelRequest } from '../../../src/signout/cancelRequest';
import type { AuditSink } from '../../../src/store/auditLog';
import { aRequest } from '../../support/requests';
import { anInfo, fakeJobs, requestDeps } from '../../support/serviceFakes';

const MEGAN = { id: 'b', name: 'Megan' };
const twoUsers = ['u1', 'u2'].map((id) => ({ id, displayName: id, userPrincipalName: `${id}@contoso.com` }));
const inConv = { reference: { conversation: { id: 'conv' } } };

/**
 * Cancel stops a running bulk job as soon as the cancel is stored: the job's scheduler must not get to
 * send another batch while anything else is written. The cancel's audit line is written by the job's
 * runner, with the job's outcomes (JobEnd), so the click writes none: an audit log that hangs neither
 * delays the stop nor the click's answer.
 */
it('stops the job as soon as the cancel is stored, and leaves the audit line to the job', async () => {
  const events: string[] = [];
  const hang = (entries: { event: string }[]) => {
    events.push(...entries.map((e) => `audit ${e.event} started`));
    return new Promise<void>(() => undefined);
  };
  const audit = {
    append: (entry: NewAuditEntry) => hang([entry]),
    appendMany: hang,
  } as unknown as AuditSink;
  const jobs = { ...fakeJobs(), stop: (id: string) => void events.push(`stop ${id}`) };
  const { deps, store } = await requestDeps({ audit, jobs });
  await store.create(
    aRequest({
      status: 'running',
      startedAt: '2026-11-22T12:01:00.000Z',
      targets: twoUsers,
      conversation: inConv,
    }),
  );

  const answer = await cancelRequest(deps, anInfo(), MEGAN, 'r1');
  expect('card' in answer).toBe(true);
  expect(events).toEqual(['stop r1']);
  expect((await store.get('r1'))?.status).toBe('cancelled');
});

it('cancels a pending request with this process holding its end, and hands it to the runner to audit and report', async () => {
  const { deps, store, jobs, audit } = await requestDeps();
  await store.create(aRequest({ targets: twoUsers, conversation: inConv }));
  const answer = await cancelRequest(deps, anInfo(), MEGAN, 'r1');
  expect('card' in answer).toBe(true);
  const stored = await store.get('r1');
  expect(stored).toMatchObject({ status: 'cancelled', cancelledBy: MEGAN, runner: { instance: 'test' } });
  expect(jobs.started.map((r) => r.id)).toEqual(['r1']);
  expect(jobs.stopped).toEqual([]);
  expect(audit.lines).toEqual([]);
});

it.each<[RequestStatus]>([['done'], ['cancelled'], ['rejected']])(
  'changes nothing on a request already %s, and shows its card as it is',
  async (status) => {
    const { deps, store, jobs } = await requestDeps();
    await store.create(aRequest({ status, finishedAt: '2026-11-22T12:02:00.000Z', conversation: inConv }));
    const answer = await cancelRequest(deps, anInfo(), MEGAN, 'r1');
    expect('card' in answer).toBe(true);
    expect((await store.get('r1'))?.status).toBe(status);
    expect(jobs.started).toEqual([]);
    expect(jobs.stopped).toEqual([]);
  },
);

it('expires a request whose card is out of time instead of cancelling it', async () => {
  const { deps, store, clock } = await requestDeps();
  await store.create(aRequest({ conversation: inConv }));
  clock.now = new Date('2026-11-22T12:16:00.000Z');
  await cancelRequest(deps, anInfo(), MEGAN, 'r1');
  expect((await store.get('r1'))?.status).toBe('expired');
});

it('refuses a click from another conversation, and a request it does not know, changing nothing', async () => {
  const { deps, store, jobs } = await requestDeps();
  await store.create(aRequest({ conversation: inConv }));
  const elsewhere = await cancelRequest(deps, anInfo({ conversationId: 'other' }), MEGAN, 'r1');
  expect('message' in elsewhere && elsewhere.message.text).toMatch(/conversation/i);
  const unknown = await cancelRequest(deps, anInfo(), MEGAN, 'r2');
  expect('message' in unknown).toBe(true);
  expect((await store.get('r1'))?.status).toBe('pending');
  expect(jobs.started).toEqual([]);
});
