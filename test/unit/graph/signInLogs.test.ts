import type { TokenCredential } from '@azure/identity';
import { GraphApi, GraphCallError } from '../../../src/graph/client';
import {
  readTenantSignIns,
  readTenantUsualSignIns,
  readUserSignIns,
  readUsualSignIns,
} from '../../../src/graph/signInLogs';
import { makeTestCertificate } from '../../support/cert';
import { DEFAULT_PERMISSIONS, type GraphStandInOptions, GraphStandIn } from '../../support/graphStandIn';
import { type FixtureSignIn, VERIFY_PERMISSIONS } from '../../support/signInLogStandIn';
import { lesterUsualSignIns, signInsAfterRevoke } from '../../support/signInStory';
import { SAMPLE, sampleTenant, type Tenant } from '../../support/tenantFixture';
import { buildVerifyReport, suggestsBlock } from '../../../src/domain/verifyReport';
import { trustingFetch } from '../../support/trustingFetch';

/**
 * signInLogs.ts through the real Graph SDK (GraphApi) against the Graph stand-in over https: both logs,
 * the exact filters, paging, throttling retried, the licence and permission errors with request-ids.
 */

const TOKEN = 'sign-in-logs-test-token';
const cert = makeTestCertificate();
const credential: TokenCredential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

const originalFetch = globalThis.fetch;
beforeAll(() => {
  globalThis.fetch = trustingFetch(cert.cert);
});
afterAll(() => {
  globalThis.fetch = originalFetch;
});

let standIn: GraphStandIn;
let graph: GraphApi;

const LESTER = SAMPLE.lester.id;
const REVOKED_AT = new Date('2026-11-29T14:02:00Z');
const at = (minutes: number) => new Date(REVOKED_AT.getTime() + minutes * 60_000).toISOString();

function entry(over: Partial<FixtureSignIn>): FixtureSignIn {
  return {
    userId: LESTER,
    userPrincipalName: SAMPLE.lester.upn,
    createdDateTime: at(5),
    appDisplayName: 'Office 365 Exchange Online',
    interactive: true,
    ...over,
  };
}

async function restart(tenant: Partial<Tenant> = {}, options: Partial<GraphStandInOptions> = {}) {
  await standIn?.stop();
  standIn = new GraphStandIn({
    tenant: { ...sampleTenant(), ...tenant },
    tls: cert,
    isValidToken: (t) => t === TOKEN,
    permissions: [...DEFAULT_PERMISSIONS, ...VERIFY_PERMISSIONS],
    ...options,
  });
  const base = await standIn.start();
  graph = new GraphApi(credential, new URL(base).origin, { maxRetries: 3 });
}

afterAll(() => standIn.stop());

async function failure(p: Promise<unknown>): Promise<GraphCallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphCallError);
  return err as GraphCallError;
}

const signInCalls = () => standIn.requests.filter((r) => r.path === '/auditLogs/signIns');

describe('readUserSignIns', () => {
  it('reads interactive entries from v1.0 and token refreshes from beta with the exact filters', async () => {
    await restart({
      signIns: [
        entry({ createdDateTime: at(-30), appDisplayName: 'Before' }),
        entry({ createdDateTime: at(3), interactive: false, errorCode: 50173, appDisplayName: 'Teams' }),
        entry({ createdDateTime: at(9), ipAddress: '203.0.113.7', city: 'Berlin', countryOrRegion: 'DE' }),
        entry({ userId: SAMPLE.admin.id, createdDateTime: at(4), appDisplayName: 'Someone else' }),
      ],
    });
    const read = await readUserSignIns(graph, LESTER, { from: REVOKED_AT });
    expect(read.nonInteractiveFailure).toBeUndefined();
    expect(read.entries.map((e) => [e.app, e.interactive, e.errorCode])).toEqual([
      ['Office 365 Exchange Online', true, 0],
      ['Teams', false, 50173],
    ]);
    const berlin = read.entries[0];
    expect(berlin).toMatchObject({ ipAddress: '203.0.113.7', city: 'Berlin', countryOrRegion: 'DE' });
    expect(berlin.at).toBe(at(9));
    expect(
      signInCalls()
        .map((r) => r.query.$filter)
        .sort(),
    ).toEqual([
      `userId eq '${LESTER}' and createdDateTime ge 2026-11-29T14:02:00Z`,
      `userId eq '${LESTER}' and createdDateTime ge 2026-11-29T14:02:00Z and signInEventTypes/any(t: t eq 'nonInteractiveUser')`,
    ]);
  });

  it('follows @odata.nextLink through every page of both logs', async () => {
    const many = Array.from({ length: 7 }, (_, i) =>
      entry({ createdDateTime: at(i + 1), interactive: i % 2 === 0, appDisplayName: `App ${i}` }),
    );
    await restart({ signIns: many }, { signInPageSize: 2 });
    const read = await readUserSignIns(graph, LESTER, { from: REVOKED_AT });
    expect(read.entries.map((e) => e.app).sort()).toEqual(many.map((e) => e.appDisplayName).sort());
    // 4 interactive in pages of 2 (2 calls), 3 non-interactive (2 calls)
    expect(signInCalls()).toHaveLength(4);
    expect(signInCalls().filter((r) => r.query.$skiptoken)).toHaveLength(2);
  });

  it('retries a throttled read as every Graph call is (Retry-After)', async () => {
    await restart({ signIns: [entry({})] });
    standIn.inject({ path: /^\/auditLogs\/signIns$/, status: 429, retryAfterSeconds: 1, times: 1 });
    const read = await readUserSignIns(graph, LESTER, { from: REVOKED_AT });
    expect(read.entries).toHaveLength(1);
    expect(signInCalls().map((r) => r.status)).toContain(429);
  });

  it('keeps the interactive entries and says the rest is missing when beta fails', async () => {
    await restart({ signIns: [entry({})] });
    standIn.inject({ version: 'beta', path: /^\/auditLogs\/signIns$/, status: 500, times: Infinity });
    const read = await readUserSignIns(graph, LESTER, { from: REVOKED_AT });
    expect(read.nonInteractiveFailure).toBeInstanceOf(GraphCallError);
    expect(read.nonInteractiveFailure?.status).toBe(500);
    expect(read.nonInteractiveFailure?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(read.entries).toHaveLength(1);
  });

  it('explains a tenant without P1/P2: 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant', async () => {
    await restart({ signIns: [entry({})], signInLogsLicensed: false });
    const err = await failure(readUserSignIns(graph, LESTER, { from: REVOKED_AT }));
    expect(err.status).toBe(403);
    expect(err.code).toBe('Authentication_RequestFromNonPremiumTenantOrB2CTenant');
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a missing AuditLog.Read.All is 403 Authorization_RequestDenied', async () => {
    await restart({ signIns: [entry({})] }, { permissions: DEFAULT_PERMISSIONS });
    const err = await failure(readUserSignIns(graph, LESTER, { from: REVOKED_AT }));
    expect(err.status).toBe(403);
    expect(err.code).toBe('Authorization_RequestDenied');
  });

  it('quotes the user id, so a quote in it cannot widen the filter', async () => {
    await restart({ signIns: [entry({})] });
    const read = await readUserSignIns(graph, "x' or userId eq '" + LESTER, { from: REVOKED_AT });
    expect(read.entries).toEqual([]);
  });
});

describe('readUsualSignIns', () => {
  it('reads only successful interactive sign-ins of the window before, up to its end', async () => {
    await restart({
      signIns: [
        entry({ createdDateTime: at(-60 * 24), ipAddress: '198.51.100.1' }),
        entry({ createdDateTime: at(-60), ipAddress: '198.51.100.2', errorCode: 50126 }),
        entry({ createdDateTime: at(-30), ipAddress: '198.51.100.3', interactive: false }),
        entry({ createdDateTime: at(5), ipAddress: '203.0.113.7' }),
        entry({ createdDateTime: at(-60 * 24 * 8), ipAddress: '198.51.100.9' }),
      ],
    });
    const before = await readUsualSignIns(graph, LESTER, {
      from: new Date(REVOKED_AT.getTime() - 7 * 86_400_000),
      to: REVOKED_AT,
    });
    expect(before.map((e) => e.ipAddress)).toEqual(['198.51.100.1']);
    expect(signInCalls()[0].query.$filter).toBe(
      `userId eq '${LESTER}' and createdDateTime ge 2026-11-22T14:02:00Z and createdDateTime le 2026-11-29T14:02:00Z and status/errorCode eq 0`,
    );
  });
});

describe('readTenantSignIns', () => {
  it("reads everyone's entries in the window, both kinds, without a per-user filter", async () => {
    await restart({
      signIns: [
        entry({}),
        entry({ userId: SAMPLE.admin.id, interactive: false, errorCode: 50173 }),
        entry({ userId: SAMPLE.admin.id, createdDateTime: at(-5) }),
      ],
    });
    const read = await readTenantSignIns(graph, { from: REVOKED_AT, to: new Date(at(60)) });
    expect(read.entries.map((e) => e.userId).sort()).toEqual([LESTER, SAMPLE.admin.id].sort());
    expect(signInCalls().every((r) => !/userId/.test(r.query.$filter))).toBe(true);
  });

  it("reads everyone's successful interactive sign-ins of the week before in one v1.0 read", async () => {
    await restart({
      signIns: [
        entry({ createdDateTime: at(-60) }),
        entry({ userId: SAMPLE.admin.id, createdDateTime: at(-120), errorCode: 50126 }),
        entry({ userId: SAMPLE.admin.id, createdDateTime: at(-180) }),
      ],
    });
    const before = await readTenantUsualSignIns(graph, {
      from: new Date(REVOKED_AT.getTime() - 7 * 86_400_000),
      to: REVOKED_AT,
    });
    expect(before.map((e) => e.userId).sort()).toEqual([LESTER, SAMPLE.admin.id].sort());
    expect(signInCalls()).toHaveLength(1);
  });
});

describe('the stand-in refuses what Graph refuses', () => {
  it('v1.0 has no signInEventTypes filter', async () => {
    await restart();
    const err = await failure(
      graph.call(
        'GET',
        `/auditLogs/signIns?$filter=${encodeURIComponent("signInEventTypes/any(t: t eq 'nonInteractiveUser')")}`,
      ),
    );
    expect(err.status).toBe(400);
    expect(err.message).toContain('signInEventTypes');
  });

  it('an unquoted string or an unsupported operator is a 400', async () => {
    await restart();
    for (const filter of [`userId eq ${LESTER}`, "userId ne 'x'", "appDisplayName eq 'a''"]) {
      const err = await failure(
        graph.call('GET', `/auditLogs/signIns?$filter=${encodeURIComponent(filter)}`),
      );
      expect(err.status).toBe(400);
    }
  });
});

describe("the playground's story for Lester", () => {
  it('shows refused refreshes and a new sign-in from a new country within a minute of the sign-out', async () => {
    let now = new Date('2026-11-29T14:02:00Z');
    await restart({ signIns: lesterUsualSignIns(now) }, { now: () => now, signInsAfterRevoke });
    await graph.call('POST', `/users/${LESTER}/revokeSignInSessions`);
    await graph.call('POST', `/users/${SAMPLE.admin.id}/revokeSignInSessions`);
    const validFrom = new Date(standIn.user(LESTER)!.signInSessionsValidFromDateTime);
    // nothing is dated after Graph's clock
    expect((await readUserSignIns(graph, LESTER, { from: validFrom })).entries).toEqual([]);
    now = new Date(validFrom.getTime() + 60_000);
    const read = await readUserSignIns(graph, LESTER, { from: validFrom });
    const before = await readUsualSignIns(graph, LESTER, {
      from: new Date(validFrom.getTime() - 7 * 86_400_000),
      to: validFrom,
    });
    const report = buildVerifyReport({
      since: validFrom.toISOString(),
      entries: read.entries,
      nonInteractiveMissing: false,
      before,
    });
    expect(report.refusedTotal).toBe(2);
    expect(report.newSignIns.map((e) => e.city)).toEqual(['São Paulo']);
    expect(suggestsBlock(report)).toBe(true);
    expect((await readUserSignIns(graph, SAMPLE.admin.id, { from: validFrom })).entries).toEqual([]);
  });
});
