import * as fs from 'node:fs';
import { createLocalJWKSet, exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import { ALERTS_ROLE, AlertTokenValidator } from '../../../src/alerts/alertToken';

const TENANT = '9f3c2a10-0000-4000-8000-000000000001';
const BOT = '2b7e1d90-0000-4000-8000-000000000002';
const CALLER = '7c1f0e55-0000-4000-8000-000000000003';
const AUTHORITY = 'https://login.example';
const ISSUER = `${AUTHORITY}/${TENANT}/v2.0`;

let published: { privateKey: KeyLike; publicKey: KeyLike };
let other: { privateKey: KeyLike; publicKey: KeyLike };
let jwks: { keys: object[] };

beforeAll(async () => {
  published = await generateKeyPair('RS256');
  other = await generateKeyPair('RS256');
  jwks = { keys: [{ ...(await exportJWK(published.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
});

interface TokenOptions {
  claims?: Record<string, unknown>;
  key?: KeyLike;
  kid?: string;
  expiresIn?: number;
  issuer?: string;
  audience?: string;
}

async function token(o: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    tid: TENANT,
    azp: CALLER,
    oid: 'aaaa0000-0000-4000-8000-00000000000a',
    roles: [ALERTS_ROLE],
    ...o.claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? 'k1', typ: 'JWT' })
    .setIssuer(o.issuer ?? ISSUER)
    .setAudience(o.audience ?? BOT)
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (o.expiresIn ?? 3600))
    .sign(o.key ?? published.privateKey);
}

function validator(fetchJson?: (url: string) => Promise<unknown>) {
  const fetched: string[] = [];
  const v = new AlertTokenValidator({
    tenantId: TENANT,
    appId: BOT,
    authorityHost: AUTHORITY,
    keySetFor: () => createLocalJWKSet(jwks as never),
    fetchJson:
      fetchJson ??
      (async (url) => {
        fetched.push(url);
        return { issuer: ISSUER, jwks_uri: `${AUTHORITY}/${TENANT}/discovery/v2.0/keys` };
      }),
  });
  return { v, fetched };
}

describe('alert access tokens', () => {
  it('accepts a token of the tenant for the bot with the role, and names the caller', async () => {
    const { v, fetched } = validator();
    expect(await v.check(`Bearer ${await token()}`)).toEqual({
      ok: true,
      caller: { appId: CALLER, objectId: 'aaaa0000-0000-4000-8000-00000000000a' },
    });
    expect(await v.check(`Bearer ${await token({ audience: `api://${BOT}` })}`)).toMatchObject({ ok: true });
    expect(fetched).toEqual([`${AUTHORITY}/${TENANT}/v2.0/.well-known/openid-configuration`]);
  });

  it('401 without a well-formed bearer token', async () => {
    const { v } = validator();
    for (const header of [undefined, '', 'Basic abc', 'Bearer', 'Bearer a b', 'Bearer not.a.jwt']) {
      expect(await v.check(header)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('401 for a wrong signature, another issuer, audience or tenant, or an expired token', async () => {
    const { v } = validator();
    const cases = [
      await token({ key: other.privateKey }),
      await token({ key: other.privateKey, kid: 'unknown' }),
      await token({ issuer: `${AUTHORITY}/another-tenant/v2.0` }),
      await token({ issuer: `https://sts.windows.net/${TENANT}/` }),
      await token({ audience: 'https://graph.microsoft.com' }),
      await token({ audience: `api://${CALLER}` }),
      await token({ claims: { tid: '00000000-0000-4000-8000-000000000000' } }),
      await token({ expiresIn: -600 }),
    ];
    for (const t of cases) expect(await v.check(`Bearer ${t}`)).toMatchObject({ ok: false, status: 401 });
  });

  it('401 for an unsigned token (alg none)', async () => {
    const { v } = validator();
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, aud: BOT, tid: TENANT, azp: CALLER, roles: [ALERTS_ROLE], iat: now, exp: now + 3600 })}.`;
    expect(await v.check(`Bearer ${unsigned}`)).toMatchObject({ ok: false, status: 401 });
  });

  it('403 for a valid token without the role Alerts.Submit', async () => {
    const { v } = validator();
    for (const roles of [[], ['Alerts.Read'], 'Alerts.Submit', undefined]) {
      expect(await v.check(`Bearer ${await token({ claims: { roles } })}`)).toMatchObject({
        ok: false,
        status: 403,
      });
    }
  });

  it('503 while the OpenID configuration cannot be read, and asks again next time', async () => {
    let fail = true;
    const { v } = validator(async () => {
      if (fail) throw new Error('ECONNREFUSED');
      return { issuer: ISSUER, jwks_uri: `${AUTHORITY}/${TENANT}/discovery/v2.0/keys` };
    });
    expect(await v.check(`Bearer ${await token()}`)).toMatchObject({ ok: false, status: 503 });
    fail = false;
    expect(await v.check(`Bearer ${await token()}`)).toMatchObject({ ok: true });
  });

  it('refuses an OpenID configuration that names another tenant or a non-https key set', async () => {
    for (const doc of [
      { issuer: `${AUTHORITY}/other/v2.0`, jwks_uri: `${AUTHORITY}/${TENANT}/keys` },
      { issuer: ISSUER, jwks_uri: `http://login.example/${TENANT}/keys` },
    ]) {
      const { v } = validator(async () => doc);
      expect(await v.check(`Bearer ${await token()}`)).toMatchObject({ ok: false, status: 503 });
    }
  });
});

it('asks for the app role that appPackage/aad.manifest.json declares, for applications only', () => {
  const manifest = JSON.parse(fs.readFileSync(`${__dirname}/../../../appPackage/aad.manifest.json`, 'utf8'));
  const role = manifest.appRoles.find((r: { value: string }) => r.value === ALERTS_ROLE);
  expect(role).toMatchObject({ allowedMemberTypes: ['Application'], isEnabled: true });
  expect(manifest.identifierUris).toEqual(['api://${{BOT_ID}}']);
  expect(manifest.api.requestedAccessTokenVersion).toBe(2);
});
