import { afterFailure, afterSuccess, type AttemptPolicy } from '../../../../src/graph/bulk/attempts';
import type { AttemptFailure } from '../../../../src/graph/bulk/failures';
import { newUserRun, type Phase, type UserRun } from '../../../../src/graph/bulk/userRun';

/** What one answer does to one user: the decisions the run loop only carries out. */

const POLICY: AttemptPolicy = { maxAttempts: 3, maxThrottledMs: 60_000, random: () => 0.5 };
const NOW = 100_000;
const user = (phase: Phase, more: Partial<UserRun> = {}): UserRun => ({
  ...newUserRun('bob', phase),
  ...more,
});
const failure = (status: number, more: Partial<AttemptFailure> = {}): AttemptFailure => ({
  status,
  code: `Code${status}`,
  requestId: `req-${status}`,
  ...more,
});

describe('afterSuccess', () => {
  it("moves the user to the phase the table names, starting that phase's request afresh", () => {
    const u = user('block', { failures: 2, throttledSince: 5, mayHaveTakenEffect: true });
    expect(afterSuccess(u, { id: '1', status: 204 }, POLICY)).toEqual({});
    expect(u).toMatchObject({ phase: 'revoke', blocked: true, failures: 0, mayHaveTakenEffect: false });
    expect(u.throttledSince).toBeUndefined();
  });

  it("returns the user's outcome when the step was the last", () => {
    const u = user('read');
    const body = { signInSessionsValidFromDateTime: '2026-01-01T00:00:00Z', userType: 'Member' };
    expect(afterSuccess(u, { id: '1', status: 200, body }, POLICY)).toMatchObject({
      outcome: { userId: 'bob', kind: 'revoked', validFrom: '2026-01-01T00:00:00Z' },
    });
  });
});

describe('afterFailure', () => {
  it('sends a throttled request again at once, without counting it as an attempt', () => {
    const u = user('revoke');
    expect(afterFailure(u, failure(429, { retryAfterMs: 5000 }), NOW, false, POLICY)).toEqual({});
    expect(u).toMatchObject({ phase: 'revoke', failures: 0, throttledSince: NOW, last: { status: 429 } });
    expect(u.last).not.toHaveProperty('retryAfterMs');
    afterFailure(u, failure(429), NOW + 1000, false, POLICY);
    expect(u.throttledSince).toBe(NOW);
  });

  it('gives up on a request throttled for maxThrottledMs', () => {
    const u = user('revoke', { throttledSince: NOW - POLICY.maxThrottledMs });
    const next = afterFailure(u, failure(429, { code: 'TooManyRequests' }), NOW, false, POLICY);
    expect(next).toMatchObject({ outcome: { kind: 'failed', code: 'TooManyRequests' } });
    expect('outcome' in next && next.outcome.message).toMatch(/throttling/);
  });

  it('checks a revoke of unknown outcome before anything else, after a backoff', () => {
    const u = user('revoke', { failures: 1 });
    expect(afterFailure(u, failure(503), NOW, false, POLICY)).toEqual({ notBefore: NOW + 750 });
    expect(u).toMatchObject({
      phase: 'verify',
      unknownRevokes: 1,
      failures: 0,
      lastRevokeFailure: { status: 503 },
    });
    const again = user('revoke', { unknownRevokes: 1 });
    expect(afterFailure(again, failure(0, { code: 'Timeout' }), NOW, true, POLICY)).toEqual({
      notBefore: NOW + 1500,
    });
    expect(again.phase).toBe('verify');
  });

  it('resends an idempotent request in the same phase after a growing backoff, then gives up', () => {
    const u = user('read');
    expect(afterFailure(u, failure(500), NOW, false, POLICY)).toEqual({ notBefore: NOW + 750 });
    expect(afterFailure(u, failure(500), NOW, false, POLICY)).toEqual({ notBefore: NOW + 1500 });
    expect(u).toMatchObject({ phase: 'read', failures: 2 });
    expect(afterFailure(u, failure(500), NOW, false, POLICY)).toMatchObject({
      outcome: { kind: 'revoked', code: 'Code500' },
    });
  });

  it('remembers that a block of unknown outcome may have taken effect', () => {
    const u = user('block');
    afterFailure(u, failure(504), NOW, false, POLICY);
    expect(u.mayHaveTakenEffect).toBe(true);
    const refused = user('block');
    afterFailure(refused, failure(409), NOW, false, POLICY);
    expect(refused.mayHaveTakenEffect).toBe(false);
  });

  it('gives up at once on a refusal, as this user only when the answer was its own', () => {
    expect(afterFailure(user('revoke'), failure(404), NOW, false, POLICY)).toMatchObject({
      outcome: { kind: 'notFound', code: 'Code404', requestId: 'req-404' },
    });
    expect(afterFailure(user('revoke'), failure(404), NOW, true, POLICY)).toMatchObject({
      outcome: { kind: 'failed' },
    });
    expect(afterFailure(user('revoke'), failure(400), NOW, false, POLICY)).toHaveProperty('outcome');
  });

  it('clears the throttled time once the request gets another answer', () => {
    const u = user('read', { throttledSince: NOW - 10 });
    afterFailure(u, failure(500), NOW, false, POLICY);
    expect(u.throttledSince).toBeUndefined();
  });
});
