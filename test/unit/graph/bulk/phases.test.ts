import type { GraphFailure } from '../../../../src/domain/graphErrors';
import type { BatchItemResponse } from '../../../../src/graph/bulk/items';
import {
  PHASES,
  PLAN_ORDER,
  REQUESTS_TO_FINISH,
  firstPhase,
  type Step,
} from '../../../../src/graph/bulk/phases';
import { newUserRun, type Phase, type UserRun } from '../../../../src/graph/bulk/userRun';

/** The phase table on its own: each row's request, what its answers lead to, and its outcomes. */

const ALL: Phase[] = ['block', 'revoke', 'verify', 'read'];
const CTX = { maxAttempts: 3 };
const SENT_AT = Date.UTC(2026, 0, 1, 12, 0, 0, 400);
const ok = (body?: unknown, requestId = 'req-ok'): BatchItemResponse => ({
  id: '1',
  status: 200,
  headers: { 'request-id': requestId },
  body,
});
const readAnswer = (validFrom: string | null, userType = 'Member') =>
  ok({ signInSessionsValidFromDateTime: validFrom, userType }, 'req-read');
const fail = (status: number, code = `Code${status}`, requestId = `req-${status}`): GraphFailure => ({
  status,
  code,
  requestId,
});
const user = (phase: Phase, more: Partial<UserRun> = {}): UserRun => ({
  ...newUserRun('alice', phase),
  ...more,
});

describe('the phase table', () => {
  it('starts a user with the block for --block, else with the revoke', () => {
    expect(firstPhase(true)).toBe('block');
    expect(firstPhase(false)).toBe('revoke');
  });

  it('fills batches nearest the end first, with every phase once', () => {
    expect(PLAN_ORDER).toEqual(['read', 'verify', 'revoke', 'block']);
    expect([...PLAN_ORDER].sort()).toEqual([...ALL].sort());
  });

  it('resends blindly only idempotent requests: the revoke goes to verify first', () => {
    expect(ALL.filter((p) => !PHASES[p].resendable)).toEqual(['revoke']);
    expect(PHASES.revoke.whenUnknown).toBe('verify');
    expect(ALL.map((p) => PHASES[p].request('alice', '3').method)).toEqual(['PATCH', 'POST', 'GET', 'GET']);
  });

  it('says what each request does, for the failure words', () => {
    expect(ALL.map((p) => PHASES[p].action)).toEqual(['block', 'revoke', 'lookup', 'lookup']);
  });

  it('lists, for the ETA, the same requests the table sends when every answer is a 2xx', () => {
    for (const start of ALL) {
      const u = user(start, { firstRevokeAt: SENT_AT, unknownRevokes: start === 'verify' ? 1 : 0 });
      const sent: Phase[] = [];
      let step: Step = { next: start };
      while ('next' in step) {
        u.phase = step.next;
        sent.push(step.next);
        step = PHASES[step.next].succeeded(u, readAnswer('2026-01-01T12:00:00Z'), CTX);
      }
      expect(sent).toEqual(REQUESTS_TO_FINISH[start]);
    }
  });
});

describe('block', () => {
  it('a 2xx marks the user blocked and leads to the revoke', () => {
    const u = user('block');
    expect(PHASES.block.succeeded(u, ok(), CTX)).toEqual({ next: 'revoke' });
    expect(u.blocked).toBe(true);
  });

  it('gives up with the reason, and says sign-in may be blocked when a request of unknown outcome went out', () => {
    const denied = PHASES.block.gaveUp(user('block'), fail(403, 'Authorization_RequestDenied'), false);
    expect(denied).toMatchObject({
      userId: 'alice',
      kind: 'denied',
      code: 'Authorization_RequestDenied',
      requestId: 'req-403',
    });
    expect(denied.message).toMatch(/refused to block sign-in/);
    expect(denied.message).not.toMatch(/did not confirm/);
    const unsure = PHASES.block.gaveUp(user('block', { mayHaveTakenEffect: true }), fail(503), false);
    expect(unsure).toMatchObject({ kind: 'failed', code: 'Code503' });
    expect(unsure.message).toMatch(
      /They were not signed out, and Graph did not confirm whether sign-in is blocked/,
    );
  });

  it('reports a whole-batch 403 as failed, not as this user denied', () => {
    expect(PHASES.block.gaveUp(user('block'), fail(403), true).kind).toBe('failed');
  });

  it('on cancel: not started, unless a block of unknown outcome went out', () => {
    expect(PHASES.block.cancelled(user('block'))).toBeUndefined();
    const o = PHASES.block.cancelled(user('block', { mayHaveTakenEffect: true, last: fail(504) }));
    expect(o).toMatchObject({ kind: 'failed', code: 'Code504', requestId: 'req-504' });
    expect(o!.message).toMatch(/cancelled before Graph confirmed that sign-in is blocked; it may be/);
  });
});

describe('revoke', () => {
  it('notes when the first revoke went out, and keeps that time on resends', () => {
    const u = user('revoke');
    PHASES.revoke.sent!(u, 1000);
    PHASES.revoke.sent!(u, 5000);
    expect(u.firstRevokeAt).toBe(1000);
  });

  it("a 2xx keeps Graph's request-id and leads to the read", () => {
    const u = user('revoke');
    expect(PHASES.revoke.succeeded(u, ok({ value: true }, 'req-revoke'), CTX)).toEqual({ next: 'read' });
    expect(u.revokeRequestId).toBe('req-revoke');
  });

  it('gives up as not found or denied for this user, but as failed for a whole batch', () => {
    expect(PHASES.revoke.gaveUp(user('revoke'), fail(404, 'Request_ResourceNotFound'), false).kind).toBe(
      'notFound',
    );
    expect(PHASES.revoke.gaveUp(user('revoke'), fail(403), false).kind).toBe('denied');
    expect(PHASES.revoke.gaveUp(user('revoke'), fail(404), true).kind).toBe('failed');
  });

  it('says the bot checked when earlier revokes of unknown outcome were verified', () => {
    const o = PHASES.revoke.gaveUp(user('revoke', { unknownRevokes: 2 }), fail(503), false);
    expect(o.message).toMatch(/The bot checked: they were not signed out\.$/);
    expect(PHASES.revoke.gaveUp(user('revoke'), fail(503), false).message).not.toMatch(/checked/);
  });

  it('on cancel: blocked but not revoked is reported; never sent is not started', () => {
    const blocked = PHASES.revoke.cancelled(user('revoke', { blocked: true }));
    expect(blocked).toMatchObject({ kind: 'failed' });
    expect(blocked!.message).toMatch(
      /Sign-in is blocked, but the run was cancelled before their sessions were revoked/,
    );
    expect(PHASES.revoke.cancelled(user('revoke'))).toBeUndefined();
    const checked = PHASES.revoke.cancelled(
      user('revoke', { unknownRevokes: 1, lastRevokeFailure: fail(502) }),
    );
    expect(checked).toMatchObject({ kind: 'failed', code: 'Code502', requestId: 'req-502' });
    expect(checked!.message).toMatch(/cancelled before this sign-out could be retried; the bot checked/);
  });
});

describe('verify', () => {
  const unsure = () =>
    user('verify', {
      firstRevokeAt: SENT_AT,
      unknownRevokes: 1,
      lastRevokeFailure: fail(503, 'ServiceUnavailable'),
    });

  it('takes a valid-from in the same second as the first revoke, or later, as that revoke', () => {
    const u = unsure();
    expect(PHASES.verify.succeeded(u, readAnswer('2026-01-01T12:00:00Z'), CTX)).toEqual({
      outcome: { userId: 'alice', kind: 'revoked', validFrom: '2026-01-01T12:00:00Z', requestId: 'req-503' },
    });
  });

  it('sends the user back to the revoke when the valid-from is older, until the revokes run out', () => {
    const old = readAnswer('2026-01-01T11:59:59Z');
    expect(PHASES.verify.succeeded(unsure(), old, CTX)).toEqual({ next: 'revoke' });
    expect(PHASES.verify.succeeded(unsure(), readAnswer(null), CTX)).toEqual({ next: 'revoke' });
    const spent = { ...unsure(), unknownRevokes: CTX.maxAttempts };
    const step = PHASES.verify.succeeded(spent, old, CTX);
    expect(step).toMatchObject({ outcome: { kind: 'failed', code: 'ServiceUnavailable' } });
    expect('outcome' in step && step.outcome.message).toMatch(/The bot checked: they were not signed out\./);
  });

  it('settles a guest at once: a revoke changes nothing in this tenant', () => {
    const step = PHASES.verify.succeeded(unsure(), readAnswer(null, 'Guest'), CTX);
    expect(step).toMatchObject({ outcome: { kind: 'guestSkipped' } });
  });

  it('when the check itself fails, or is cancelled, says the sign-out may have taken effect', () => {
    const gave = PHASES.verify.gaveUp(unsure(), fail(500), false);
    expect(gave).toMatchObject({ kind: 'failed', code: 'ServiceUnavailable', requestId: 'req-503' });
    const cancelled = PHASES.verify.cancelled(unsure());
    expect(cancelled!.message).toMatch(/could check whether this sign-out took effect; it may have/);
  });
});

describe('read', () => {
  it('ends the user revoked with the valid-from read back and the revoke request-id', () => {
    const u = user('read', { revokeRequestId: 'req-revoke' });
    expect(PHASES.read.succeeded(u, readAnswer('2026-01-01T12:00:01Z'), CTX)).toEqual({
      outcome: {
        userId: 'alice',
        kind: 'revoked',
        validFrom: '2026-01-01T12:00:01Z',
        requestId: 'req-revoke',
      },
    });
    expect(PHASES.read.succeeded(u, readAnswer(null, 'Guest'), CTX)).toMatchObject({
      outcome: { kind: 'guestSkipped', message: expect.stringMatching(/home tenant/) },
    });
  });

  it('still reports revoked when the read-back fails or is cancelled, without a time', () => {
    const u = user('read', { revokeRequestId: 'req-revoke' });
    const gave = PHASES.read.gaveUp(u, fail(500), false);
    expect(gave).toMatchObject({ kind: 'revoked', code: 'Code500', requestId: 'req-500' });
    expect(gave.validFrom).toBeUndefined();
    expect(gave.message).toMatch(/revoked, but the new valid-from time could not be read back/);
    const cancelled = PHASES.read.cancelled(u);
    expect(cancelled).toMatchObject({ kind: 'revoked', requestId: 'req-revoke' });
    expect(cancelled!.message).toMatch(/cancelled before the new valid-from time was read back/);
  });
});
