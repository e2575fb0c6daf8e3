import type { TokenCredential } from '@azure/identity';
import { GraphApi, GraphCallError } from '../../../src/graph/client';
import { IdentityProtection, isRiskAccessDenied } from '../../../src/graph/riskyUsers';
import { makeTestCertificate } from '../../support/cert';
import { DEFAULT_PERMISSIONS, GraphStandIn } from '../../support/graphStandIn';
import { fixtureGuid, SAMPLE, sampleTenant } from '../../support/tenantFixture';
import { trustingFetch } from '../../support/trustingFetch';

/** src/graph/riskyUsers.ts through the real Graph SDK against the Graph stand-in over https. */

const TOKEN = 'risky-users-test-token';
const cert = makeTestCertificate();
const credential: TokenCredential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const RISK_PERMISSIONS = [
  ...DEFAULT_PERMISSIONS,
  'IdentityRiskyUser.ReadWrite.All',
  'IdentityRiskEvent.Read.All',
];

const originalFetch = globalThis.fetch;
let standIn: GraphStandIn;
let ip: IdentityProtection;

beforeAll(() => {
  globalThis.fetch = trustingFetch(cert.cert);
});
afterAll(async () => {
  globalThis.fetch = originalFetch;
  await standIn.stop();
});
beforeEach(async () => {
  await standIn?.stop();
  standIn = new GraphStandIn({
    tenant: sampleTenant(),
    tls: cert,
    isValidToken: (t) => t === TOKEN,
    permissions: RISK_PERMISSIONS,
  });
  const base = await standIn.start();
  ip = new IdentityProtection(new GraphApi(credential, new URL(base).origin, { maxRetries: 0 }));
});

describe('Identity Protection reader', () => {
  it('lists users at risk at the threshold or above, with the filter Graph documents', async () => {
    const high = await ip.listAtRisk('high');
    expect(high.map((u) => u.id)).toEqual([SAMPLE.riskyKat.id]);
    expect(high[0]).toEqual({
      id: SAMPLE.riskyKat.id,
      userPrincipalName: SAMPLE.riskyKat.upn,
      displayName: SAMPLE.riskyKat.name,
      riskLevel: 'high',
      riskState: 'atRisk',
      riskDetail: 'none',
      riskLastUpdatedDateTime: '2026-11-22T06:41:12.3456789Z',
    });
    const request = standIn.requests.find((r) => r.path === '/identityProtection/riskyUsers')!;
    expect(request.query.$filter).toBe("riskState eq 'atRisk' and riskLevel eq 'high'");
    // the dismissed user is never listed; medium appears from the medium threshold
    expect((await ip.listAtRisk('medium')).map((u) => u.id).sort()).toEqual(
      [SAMPLE.riskyKat.id, SAMPLE.riskyMona.id].sort(),
    );
  });

  it('follows every page', async () => {
    for (let i = 0; i < 230; i++) {
      standIn.setRisk(fixtureGuid(`nobody-${i}`), { riskLevel: 'high', riskState: 'atRisk' });
    }
    expect((await ip.listAtRisk('high')).length).toBe(231);
    expect(standIn.requests.filter((r) => r.path === '/identityProtection/riskyUsers').length).toBe(3);
  });

  it('reads one user, and undefined for a user Identity Protection never held at risk', async () => {
    expect((await ip.getRiskyUser(SAMPLE.dismissedBen.id))?.riskState).toBe('dismissed');
    expect(await ip.getRiskyUser(SAMPLE.lester.id)).toBeUndefined();
  });

  it('returns the five most recent detections, newest first, with type, time, IP and location', async () => {
    const found = await ip.recentDetections(SAMPLE.riskyKat.id);
    expect(found.map((d) => d.detectedDateTime)).toEqual([
      '2026-11-22T06:40:59Z',
      '2026-11-22T06:38:02Z',
      '2026-11-22T05:10:45Z',
      '2026-11-22T05:02:11Z',
      '2026-11-21T23:00:00Z',
    ]);
    expect(found[0]).toEqual({
      riskEventType: 'passwordSpray',
      detectedDateTime: '2026-11-22T06:40:59Z',
      ipAddress: '203.0.113.77',
      location: 'Seattle, Washington, US',
    });
    expect(found[2].location).toBe('DE');
    expect(found[4].location).toBe('');
    const request = standIn.requests.find((r) => r.path === '/identityProtection/riskDetections')!;
    expect(request.query.$filter).toBe(`userId eq '${SAMPLE.riskyKat.id}'`);
  });

  it('confirms compromised and dismisses', async () => {
    await ip.confirmCompromised(SAMPLE.riskyKat.id);
    expect(standIn.riskyUser(SAMPLE.riskyKat.id)).toMatchObject({
      riskState: 'confirmedCompromised',
      riskLevel: 'high',
    });
    await ip.dismiss(SAMPLE.riskyKat.id);
    expect(standIn.riskyUser(SAMPLE.riskyKat.id)).toMatchObject({
      riskState: 'dismissed',
      riskLevel: 'none',
    });
    const posts = standIn.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path)).toEqual([
      '/identityProtection/riskyUsers/confirmCompromised',
      '/identityProtection/riskyUsers/dismiss',
    ]);
  });

  it('a missing permission and a tenant without P2 are both 403s, which the poll treats alike', async () => {
    standIn.setPermissions(DEFAULT_PERMISSIONS);
    const noPermission = await ip.listAtRisk('high').catch((e: unknown) => e);
    expect(noPermission).toBeInstanceOf(GraphCallError);
    expect((noPermission as GraphCallError).code).toBe('Authorization_RequestDenied');
    expect(isRiskAccessDenied(noPermission)).toBe(true);

    standIn.setPermissions(RISK_PERMISSIONS);
    standIn.setIdentityProtectionLicensed(false);
    const unlicensed = await ip.listAtRisk('high').catch((e: unknown) => e);
    expect((unlicensed as GraphCallError).code).toBe('Authentication_RequestFromNonPremiumTenantOrB2CTenant');
    expect(isRiskAccessDenied(unlicensed)).toBe(true);
    expect(isRiskAccessDenied(new GraphCallError(500, 'x', 'y'))).toBe(false);
  });

  it('needs ReadWrite to answer, and IdentityRiskEvent.Read.All for detections', async () => {
    standIn.setPermissions([...DEFAULT_PERMISSIONS, 'IdentityRiskyUser.Read.All']);
    expect(await ip.listAtRisk('high')).toHaveLength(1);
    await expect(ip.confirmCompromised(SAMPLE.riskyKat.id)).rejects.toMatchObject({ status: 403 });
    await expect(ip.recentDetections(SAMPLE.riskyKat.id)).rejects.toMatchObject({ status: 403 });
  });
});
