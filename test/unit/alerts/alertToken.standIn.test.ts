import * as https from 'node:https';
import { createRemoteJWKSet } from 'jose';
import { ALERTS_ROLE, AlertTokenValidator } from '../../../src/alerts/alertToken';
import { makeTestCertificate } from '../../support/cert';
import { EntraStandIn, PLAYBOOK_CLIENT_ID } from '../../support/entraStandIn';
import { SAMPLE } from '../../support/tenantFixture';
import { trustingFetch } from '../../support/trustingFetch';

/**
 * The token check against the Entra stand-in over https: the tenant's OpenID configuration and its key
 * set are fetched as in production (jose's remote key set), and the stand-in signs the tokens.
 */

const BOT = '2b7e1d90-0000-4000-8000-000000000002';
const cert = makeTestCertificate();
let entra: EntraStandIn;
let validator: AlertTokenValidator;

beforeAll(async () => {
  entra = new EntraStandIn({ tls: cert, tenantId: SAMPLE.tenantId, clients: {} });
  const authorityHost = await entra.start();
  const fetchWithCa = trustingFetch(cert.cert);
  validator = new AlertTokenValidator({
    tenantId: SAMPLE.tenantId,
    appId: BOT,
    authorityHost,
    fetchJson: async (url) => (await fetchWithCa(url)).json(),
    keySetFor: (uri) => createRemoteJWKSet(uri, { agent: new https.Agent({ ca: cert.cert }) }),
  });
});
afterAll(() => entra.stop());

const check = (token: string) => validator.check(`Bearer ${token}`);

it('accepts a token the tenant signed for the bot with Alerts.Submit, after fetching its keys', async () => {
  const token = entra.signAppToken({ audience: `api://${BOT}`, roles: [ALERTS_ROLE] });
  expect(await check(token)).toMatchObject({ ok: true, caller: { appId: PLAYBOOK_CLIENT_ID } });
  expect(entra.discoveryRequests).toEqual([
    'GET /v2.0/.well-known/openid-configuration',
    'GET /discovery/v2.0/keys',
  ]);
});

it('refuses every forged, foreign or stale token with 401, and a token without the role with 403', async () => {
  for (const key of ['unknown', 'impostor', 'none'] as const) {
    expect(await check(entra.signAppToken({ audience: BOT, roles: [ALERTS_ROLE], key }))).toMatchObject({
      status: 401,
    });
  }
  expect(
    await check(entra.signAppToken({ audience: BOT, roles: [ALERTS_ROLE], expiresIn: -3600 })),
  ).toMatchObject({
    status: 401,
  });
  expect(
    await check(entra.signAppToken({ audience: 'https://graph.microsoft.com', roles: [ALERTS_ROLE] })),
  ).toMatchObject({ status: 401 });
  expect(
    await check(
      entra.signAppToken({ audience: BOT, roles: [ALERTS_ROLE], tenantId: SAMPLE.foreignTenantId }),
    ),
  ).toMatchObject({ status: 401 });
  expect(await check(entra.signAppToken({ audience: BOT }))).toMatchObject({ status: 403 });
});
