import type { TokenCredential } from '@azure/identity';
import { GraphApi } from '../../../src/graph/client';
import { GraphTokenLifetime, readOrganizationDefault } from '../../../src/graph/tokenLifetime';
import { makeTestCertificate } from '../../support/cert';
import { DEFAULT_PERMISSIONS, GraphStandIn, type GraphStandInOptions } from '../../support/graphStandIn';
import { type FixtureTokenLifetimePolicy, VERIFY_PERMISSIONS } from '../../support/signInLogStandIn';
import { sampleTenant } from '../../support/tenantFixture';
import { trustingFetch } from '../../support/trustingFetch';

/** tokenLifetime.ts through the real Graph SDK against the Graph stand-in's tokenLifetimePolicies. */

const TOKEN = 'token-lifetime-test-token';
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

const policy = (lifetime: string, isOrganizationDefault = true): FixtureTokenLifetimePolicy => ({
  id: `policy-${lifetime}-${isOrganizationDefault}`,
  displayName: `Access tokens ${lifetime}`,
  isOrganizationDefault,
  definition: [JSON.stringify({ TokenLifetimePolicy: { Version: 1, AccessTokenLifetime: lifetime } })],
});

async function restart(policies: FixtureTokenLifetimePolicy[], o: Partial<GraphStandInOptions> = {}) {
  await standIn?.stop();
  standIn = new GraphStandIn({
    tenant: { ...sampleTenant(), tokenLifetimePolicies: policies },
    tls: cert,
    isValidToken: (t) => t === TOKEN,
    permissions: [...DEFAULT_PERMISSIONS, ...VERIFY_PERMISSIONS],
    ...o,
  });
  graph = new GraphApi(credential, new URL(await standIn.start()).origin, { maxRetries: 0 });
}

afterAll(() => standIn.stop());

const policyCalls = () => standIn.requests.filter((r) => r.path === '/policies/tokenLifetimePolicies');

describe('readOrganizationDefault', () => {
  it("takes the organization default's AccessTokenLifetime, not another policy's", async () => {
    await restart([policy('02:00:00', false), policy('00:30:00')]);
    await expect(readOrganizationDefault(graph)).resolves.toEqual({ minutes: 30, source: 'policy' });
  });

  it('is the 90-minute default without an organization-default policy', async () => {
    await restart([policy('00:30:00', false)]);
    await expect(readOrganizationDefault(graph)).resolves.toEqual({ minutes: 90, source: 'default' });
  });
});

describe('GraphTokenLifetime', () => {
  it('reads Graph at most once an hour, and once for callers asking together', async () => {
    await restart([policy('01:00:00')]);
    let now = 0;
    const reader = new GraphTokenLifetime(graph, { now: () => now });
    const both = await Promise.all([reader.lifetime(), reader.lifetime()]);
    expect(both).toEqual([
      { minutes: 60, source: 'policy' },
      { minutes: 60, source: 'policy' },
    ]);
    now += 59 * 60_000;
    await reader.lifetime();
    expect(policyCalls()).toHaveLength(1);
    now += 2 * 60_000;
    await reader.lifetime();
    expect(policyCalls()).toHaveLength(2);
  });

  it('never caches longer than an hour, whatever it is told', async () => {
    await restart([policy('01:00:00')]);
    let now = 0;
    const reader = new GraphTokenLifetime(graph, { now: () => now, cacheMs: 24 * 3_600_000 });
    await reader.lifetime();
    now += 3_600_001;
    await reader.lifetime();
    expect(policyCalls()).toHaveLength(2);
  });

  it('assumes 90 minutes without Policy.Read.All, says so, and does not ask again within the hour', async () => {
    await restart([policy('00:30:00')], { permissions: DEFAULT_PERMISSIONS });
    let now = 0;
    const failures: unknown[] = [];
    const reader = new GraphTokenLifetime(graph, { now: () => now, onFailure: (e) => failures.push(e) });
    await expect(reader.lifetime()).resolves.toEqual({ minutes: 90, source: 'assumed' });
    now += 30 * 60_000;
    await expect(reader.lifetime()).resolves.toEqual({ minutes: 90, source: 'assumed' });
    expect(policyCalls()).toHaveLength(1);
    expect(failures).toHaveLength(1);
  });

  it('asks again sooner after Graph failed than after it refused', async () => {
    await restart([policy('00:30:00')]);
    standIn.inject({ path: /^\/policies\/tokenLifetimePolicies$/, status: 500, times: 1 });
    let now = 0;
    const reader = new GraphTokenLifetime(graph, { now: () => now, failureCacheMs: 60_000 });
    await expect(reader.lifetime()).resolves.toMatchObject({ source: 'assumed' });
    now += 61_000;
    await expect(reader.lifetime()).resolves.toEqual({ minutes: 30, source: 'policy' });
  });
});
