import type { TokenCredential } from '@azure/identity';
import { GraphApi, GraphCallError } from '../../src/graph/client';
import { revokeTookEffect, revokeUserSessions } from '../../src/graph/revoke';
import { makeTestCertificate } from '../support/cert';
import { GraphStandIn } from '../support/graphStandIn';
import { SAMPLE, sampleTenant } from '../support/tenantFixture';
import { trustingFetch } from '../support/trustingFetch';

/**
 * Issue 10: the single-user revoke through the real Graph SDK (default retries) against the stand-in.
 * The SDK's RetryHandler resends 503/504 for every method; a revoke must never be resent blindly.
 */

const TOKEN = 'revoke-test-token';
const cert = makeTestCertificate();
const credential: TokenCredential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const originalFetch = globalThis.fetch;
let standIn: GraphStandIn;
let graph: GraphApi;
const target = SAMPLE.lester;
const REVOKE = new RegExp(`^/users/${target.id}/revokeSignInSessions$`);
const READ = new RegExp(`^/users/${target.id}$`);
const fast = { backoffMs: () => 0 };

beforeAll(() => {
  globalThis.fetch = trustingFetch(cert.cert);
});
afterAll(async () => {
  globalThis.fetch = originalFetch;
  await standIn?.stop();
});
beforeEach(async () => {
  await standIn?.stop();
  standIn = new GraphStandIn({ tenant: sampleTenant(), tls: cert, isValidToken: (t) => t === TOKEN });
  graph = new GraphApi(credential, new URL(await standIn.start()).origin);
});

const posts = () => standIn.requests.filter((r) => r.method === 'POST' && REVOKE.test(r.path));
const reads = () => standIn.requests.filter((r) => r.method === 'GET' && READ.test(r.path));

describe('revokeUserSessions', () => {
  it('revokes and reads back the new valid-from', async () => {
    const outcome = await revokeUserSessions(graph, target.id, fast);
    expect(outcome).toMatchObject({
      kind: 'revoked',
      validFrom: standIn.user(target.id)!.signInSessionsValidFromDateTime,
    });
    expect(standIn.revokeCount(target.id)).toBe(1);
  });

  it.each([
    ['a 503', { status: 503 }],
    ['a 504', { status: 504 }],
    ['a lost connection', { status: 0, unreachable: true }],
  ])(
    'records a revoke Graph carried out before answering with %s, instead of sending it again',
    async (_what, f) => {
      standIn.inject({ method: 'POST', path: REVOKE, afterEffect: true, ...f });
      const outcome = await revokeUserSessions(graph, target.id, fast);

      expect(standIn.revokeCount(target.id)).toBe(1);
      expect(posts()).toHaveLength(1);
      expect(reads()).toHaveLength(1);
      expect(outcome).toMatchObject({
        kind: 'revoked',
        validFrom: standIn.user(target.id)!.signInSessionsValidFromDateTime,
      });
    },
  );

  it('sends the revoke again only after reading that the first did not take effect', async () => {
    standIn.inject({ method: 'POST', path: REVOKE, status: 503 });
    const outcome = await revokeUserSessions(graph, target.id, fast);

    expect(outcome.kind).toBe('revoked');
    expect(standIn.revokeCount(target.id)).toBe(1);
    expect(
      standIn.requests.filter((r) => REVOKE.test(r.path) || READ.test(r.path)).map((r) => r.method),
    ).toEqual(['POST', 'GET', 'POST', 'GET']);
  });

  it('gives up after three checked attempts, with Graph’s error, having revoked nobody', async () => {
    standIn.inject({ method: 'POST', path: REVOKE, status: 503, times: Infinity });
    const err = await revokeUserSessions(graph, target.id, fast).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(GraphCallError);
    expect(err).toMatchObject({ status: 503 });
    expect(posts()).toHaveLength(3);
    expect(reads()).toHaveLength(3);
    expect(standIn.revokeCount(target.id)).toBe(0);
  });

  it('says the user may be signed out when neither the revoke nor the check is answered', async () => {
    standIn.inject({ method: 'POST', path: REVOKE, status: 503, afterEffect: true });
    standIn.inject({ method: 'GET', path: READ, status: 500, times: Infinity });
    const outcome = await revokeUserSessions(graph, target.id, fast);

    expect(outcome).toMatchObject({ kind: 'failed', code: 'ServiceUnavailable' });
    expect(outcome.message).toMatch(/did not confirm the sign-out.*may already be signed out/);
    expect(standIn.revokeCount(target.id)).toBe(1);
    expect(posts()).toHaveLength(1);
  });

  it('still lets the SDK retry a 429, which Graph did not carry out', async () => {
    standIn.inject({ method: 'POST', path: REVOKE, status: 429, retryAfterSeconds: 0 });
    const outcome = await revokeUserSessions(graph, target.id, fast);

    expect(outcome.kind).toBe('revoked');
    expect(posts().map((r) => r.status)).toEqual([429, 200]);
    expect(reads()).toHaveLength(1);
  });

  it.each([
    ['an HTTP date a year ahead', () => new Date(Date.now() + 365 * 24 * 3600_000).toUTCString()],
    ['an hour in seconds', () => '3600'],
  ])(
    'fails at once as throttled when Retry-After is %s, instead of waiting',
    async (_what, retryAfter) => {
      standIn.inject({ method: 'POST', path: REVOKE, status: 429, retryAfter: retryAfter() });
      await expect(revokeUserSessions(graph, target.id, fast)).rejects.toMatchObject({
        status: 429,
        code: 'TooManyRequests',
      });
      expect(posts().map((r) => r.status)).toEqual([429]);
      expect(standIn.revokeCount(target.id)).toBe(0);
    },
    10_000,
  );

  it('reads an HTTP date Retry-After into the error, in whole seconds', async () => {
    standIn.inject({
      method: 'GET',
      path: READ,
      status: 429,
      retryAfter: new Date(Date.now() + 3600_000).toUTCString(),
    });
    const failure = await graph.call('GET', `/users/${target.id}`).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(GraphCallError);
    expect((failure as GraphCallError).retryAfterSeconds).toBeGreaterThan(3590);
    expect((failure as GraphCallError).retryAfterSeconds).toBeLessThanOrEqual(3600);
  });

  it('reports a revoke whose read-back fails as revoked, without a time', async () => {
    standIn.inject({ method: 'GET', path: READ, status: 500 });
    const outcome = await revokeUserSessions(graph, target.id, fast);

    expect(outcome).toMatchObject({ kind: 'revoked', code: 'InternalServerError' });
    expect(outcome.validFrom).toBeUndefined();
    expect(outcome.message).toMatch(/revoked, but the new valid-from time could not be read back/);
  });
});

describe('revokeTookEffect', () => {
  it('compares to the second, as Graph keeps valid-from', () => {
    const sent = Date.parse('2026-11-22T12:00:05.700Z');
    expect(revokeTookEffect('2026-11-22T12:00:05Z', sent)).toBe(true);
    expect(revokeTookEffect('2026-11-22T12:00:06Z', sent)).toBe(true);
    expect(revokeTookEffect('2026-11-22T12:00:04Z', sent)).toBe(false);
    expect(revokeTookEffect(null, sent)).toBe(false);
    expect(revokeTookEffect('not a date', sent)).toBe(false);
  });
});
