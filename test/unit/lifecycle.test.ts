import {
  canTransition,
  decideCancel,
  decideConfirm,
  endedBeforeSteps,
  isFinal,
  isSettled,
  needsRunner,
} from '../../src/domain/requestLifecycle';
import type { RequestStatus } from '../../src/domain/types';
import { aRequest } from '../support/requests';

const at = (iso: string) => new Date(iso);
const req = (status: RequestStatus) => aRequest({ status });

describe('request state machine', () => {
  it.each([
    ['pending', 'running', true],
    ['pending', 'approved', true],
    ['approved', 'running', true],
    ['running', 'done', true],
    ['running', 'failed', true],
    ['pending', 'cancelled', true],
    ['pending', 'expired', true],
    ['pending', 'done', false],
    ['running', 'pending', false],
    ['running', 'expired', false],
    ['done', 'running', false],
    ['cancelled', 'running', false],
    ['expired', 'running', false],
  ] as [RequestStatus, RequestStatus, boolean][])('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('knows the final states', () => {
    expect(['done', 'failed', 'cancelled', 'expired'].every((s) => isFinal(s as RequestStatus))).toBe(true);
    expect(['pending', 'approved', 'running'].some((s) => isFinal(s as RequestStatus))).toBe(false);
  });

  it('starts a pending request before expiry, expires it at and after expiry', () => {
    expect(decideConfirm(req('pending'), at('2026-11-22T12:14:59.999Z'))).toBe('start');
    expect(decideConfirm(req('pending'), at('2026-11-22T12:15:00.000Z'))).toBe('expire');
    expect(decideCancel(req('pending'), at('2026-11-22T12:20:00Z'))).toBe('expire');
  });

  it('does nothing for a click on a request that already moved on', () => {
    for (const s of ['running', 'done', 'failed', 'cancelled', 'expired', 'rejected'] as RequestStatus[]) {
      expect(decideConfirm(req(s), at('2026-11-22T12:01:00Z'))).toBe('nothing');
      expect(decideCancel(req(s), at('2026-11-22T12:01:00Z'))).toBe('nothing');
    }
  });
});

describe('cancel while running', () => {
  const user = (id: string) => ({ id, displayName: id, userPrincipalName: `${id}@contoso.com` });
  it('stops a running bulk job, but not a single sign-out already under way', () => {
    const now = new Date('2026-11-22T12:01:00Z');
    expect(decideCancel(aRequest({ status: 'running', targets: [user('a'), user('b')] }), now)).toBe('stop');
    expect(decideCancel(aRequest({ status: 'running', targets: [user('a')] }), now)).toBe('nothing');
  });
});

describe('the end of a request, in steps', () => {
  const at = '2026-11-22T12:00:00Z';
  const claim = { instance: 'web1', token: 't', heartbeatAt: at };

  it('is settled only once its end is reported, and needs a runner until then', () => {
    for (const status of ['done', 'failed', 'cancelled', 'expired', 'rejected'] as const) {
      const ended = aRequest({ status, finishedAt: at, runner: claim });
      expect([isSettled(ended), needsRunner(ended)]).toEqual([false, true]);
      const audited = { ...ended, auditedAt: at };
      expect([isSettled(audited), needsRunner(audited)]).toEqual([false, true]);
      const reported = { ...audited, reportedAt: at };
      expect([isSettled(reported), needsRunner(reported)]).toEqual([true, false]);
    }
    expect(needsRunner(aRequest({ status: 'running' }))).toBe(true);
    expect(needsRunner(aRequest({ status: 'pending' }))).toBe(false);
    expect(needsRunner(aRequest({ status: 'approved' }))).toBe(false);
  });

  it("tells an end of a version before issue 10 (audited and reported at once) from today's", () => {
    expect(endedBeforeSteps(aRequest({ status: 'expired', finishedAt: at }))).toBe(true);
    expect(
      endedBeforeSteps(
        aRequest({ status: 'done', finishedAt: at, runner: { instance: 'h', heartbeatAt: at } }),
      ),
    ).toBe(true);
    // today: held by the process that stored it, audited, or (a stopped job) not finished before its audit
    expect(endedBeforeSteps(aRequest({ status: 'expired', finishedAt: at, runner: claim }))).toBe(false);
    expect(endedBeforeSteps(aRequest({ status: 'done', finishedAt: at, auditedAt: at }))).toBe(false);
    expect(endedBeforeSteps(aRequest({ status: 'cancelled', startedAt: at }))).toBe(false);
    expect(endedBeforeSteps(aRequest({ status: 'running', startedAt: at }))).toBe(false);
  });
});
