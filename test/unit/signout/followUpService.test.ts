import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SignoutRequest } from '../../../src/domain/types';
import { createLogger } from '../../../src/log';
import { FollowUpService } from '../../../src/signout/followUpService';
import { OutcomeFollowUps } from '../../../src/signout/outcomeFollowUps';
import { FileStorage } from '../../../src/store/fileStorage';
import { FollowUpStore } from '../../../src/store/followUpStore';
import { RequestStore } from '../../../src/store/requestStore';
import { aUser, fakeChecker } from '../../support/botFakes';
import { aRequest } from '../../support/requests';
import { fakePort } from '../../support/serviceFakes';

const VALID_FROM = '2026-11-22T12:36:01Z';
const lester = aUser('u1', { displayName: 'Lester Young' });
const at = (minutes: number) => new Date(Date.parse(VALID_FROM) + minutes * 60_000);

async function setUp(o: { checker?: ReturnType<typeof fakeChecker>; offsets?: number[] } = {}) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signout-followup-svc-'));
  const storage = await new FileStorage(dir).init();
  const store = await new RequestStore(storage).init();
  const followUps = await new FollowUpStore(storage).init();
  const port = fakePort();
  const checked = o.checker ?? fakeChecker({ card: { verify: 'card' } });
  const clock = { now: at(0) };
  const make = (instance: string) =>
    new FollowUpService({
      followUps,
      store,
      checker: checked.checker,
      port,
      offsets: o.offsets ?? [15, 90],
      instance,
      leaseMs: 60_000,
      log: createLogger('silent'),
      now: () => clock.now,
    });
  return { store, followUps, port, asked: checked.asked, clock, service: make('a'), other: make('b') };
}

const signedOut = (over: Partial<SignoutRequest> = {}) =>
  aRequest({
    status: 'done',
    startedAt: VALID_FROM,
    targets: [lester],
    outcomes: [{ userId: 'u1', kind: 'revoked', validFrom: VALID_FROM }],
    conversation: {
      reference: { conversation: { id: 'conv' }, serviceUrl: 'https://smba.example', bot: { id: 'bot' } },
    },
    ...over,
  });

describe('FollowUpService', () => {
  it("posts each follow-up in the request's thread once it is due, and only once", async () => {
    const { store, service, port, asked, clock } = await setUp();
    const req = signedOut();
    await store.create(req);
    await service.schedule(req);
    clock.now = at(14);
    await service.postDue();
    expect(port.said.threadCards).toEqual([]);
    clock.now = at(15);
    await service.postDue();
    await service.postDue();
    expect(port.said.threadCards).toEqual([{ requestId: req.id, card: { verify: 'card' } }]);
    expect(asked).toMatchObject([
      { userId: 'u1', since: at(0).toISOString(), o: { heading: 'Follow-up 15 minutes after the sign-out' } },
    ]);
    clock.now = at(91);
    await service.postDue();
    expect(port.said.threadCards).toHaveLength(2);
    expect(port.said.notices).toEqual([]);
  });

  it('tells the security channel when someone signed in again', async () => {
    const { store, service, port, clock } = await setUp({
      checker: fakeChecker({ card: {}, newSignIns: 1 }),
    });
    const req = signedOut();
    await store.create(req);
    await service.schedule(req);
    clock.now = at(15);
    await service.postDue();
    expect(port.said.notices).toHaveLength(1);
    expect(port.said.notices[0].text).toMatch(
      /^Follow-up 15 minutes after the sign-out of Lester Young \(u1@contoso\.com\): No app accepted an old session since 12:36 UTC\. 1 new sign-in: Exchange Online\.$/,
    );
  });

  it('lets one of two instances post a follow-up', async () => {
    const { store, service, other, port, clock } = await setUp({ offsets: [15] });
    const req = signedOut();
    await store.create(req);
    await service.schedule(req);
    clock.now = at(16);
    await Promise.all([service.postDue(), other.postDue()]);
    expect(port.said.threadCards).toHaveLength(1);
  });

  it('posts the problem once when the logs cannot be read', async () => {
    const { store, service, port, clock } = await setUp({
      checker: fakeChecker({ problem: 'The sign-in logs need Microsoft Entra ID P1 or P2.' }),
      offsets: [15],
    });
    const req = signedOut();
    await store.create(req);
    await service.schedule(req);
    clock.now = at(16);
    await service.postDue();
    await service.postDue();
    expect(port.said.thread.map((t) => t.text)).toEqual([
      'Follow-up 15 minutes after the sign-out: The sign-in logs need Microsoft Entra ID P1 or P2.',
    ]);
  });

  it('gives a job one follow-up from one tenant-wide read, and schedules nothing when off', async () => {
    const { store, service, port, asked, clock } = await setUp();
    const targets = [lester, aUser('u2')];
    const job = signedOut({
      targets,
      outcomes: targets.map((t, i) => ({
        userId: t.id,
        kind: 'revoked' as const,
        validFrom: at(i).toISOString(),
      })),
    });
    await store.create(job);
    await service.schedule(job);
    clock.now = at(91);
    await service.postDue();
    expect(asked).toHaveLength(1);
    expect(asked[0].users).toHaveLength(2);
    // kept with the request for the job's CSV
    expect((await store.get(job.id))?.signInCheck?.users.map((u) => u.userId)).toEqual(['u1', 'u2']);
    expect(port.said.thread[0].text).toMatch(/^\*\*Follow-up 1 hour 30 minutes after the sign-out\*\*/);
    const off = await setUp({ offsets: [] });
    await off.store.create(signedOut());
    await off.service.schedule(signedOut());
    expect(await off.followUps.pending()).toEqual([]);
  });
});

describe('OutcomeFollowUps', () => {
  it('stores the lifetime with the request and schedules its follow-ups before reporting, once', async () => {
    const { store, followUps, service } = await setUp();
    const req = signedOut();
    await store.create(req);
    const reported: SignoutRequest[] = [];
    let reads = 0;
    const reports = new OutcomeFollowUps(
      { progress: async () => undefined, finished: async (r) => void reported.push(r) },
      {
        store,
        lifetime: { lifetime: async () => (reads++, { minutes: 60, source: 'policy' }) },
        followUps: service,
      },
    );
    await reports.finished(req);
    expect(reported[0].tokenLifetime).toEqual({ minutes: 60, source: 'policy' });
    expect((await store.get(req.id))?.tokenLifetime).toEqual({ minutes: 60, source: 'policy' });
    expect(await followUps.pending()).toHaveLength(2);
    // reported again after a crash: nothing changes
    await reports.finished((await store.get(req.id))!);
    expect(reads).toBe(1);
    expect(await followUps.pending()).toHaveLength(2);
  });

  it('does neither for an unblock or a request that never ran', async () => {
    const { store, followUps, service } = await setUp();
    const reports = new OutcomeFollowUps(
      { progress: async () => undefined, finished: async () => undefined },
      { store, lifetime: { lifetime: async () => ({ minutes: 60, source: 'policy' }) }, followUps: service },
    );
    const unblock = signedOut({ action: 'unblock', outcomes: [{ userId: 'u1', kind: 'unblocked' }] });
    await store.create(unblock);
    await reports.finished(unblock);
    const never = signedOut({ id: 'other', startedAt: undefined, status: 'cancelled', outcomes: [] });
    await store.create(never);
    await reports.finished(never);
    expect(await followUps.pending()).toEqual([]);
    expect((await store.get(unblock.id))?.tokenLifetime).toBeUndefined();
  });
});
