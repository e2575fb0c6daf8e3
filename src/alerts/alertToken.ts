import type * as Jose from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import type { AlertCaller } from '../domain/webhookAlert';

/**
 * Checks the Entra ID access token of POST /api/alerts: signed by a key of the tenant's published key
 * set (the `jwks_uri` of its OpenID configuration under the authority host), issued by that tenant
 * (issuer and `tid`), for the bot's app (`BOT_ID` or `api://BOT_ID`), not expired, RS256, and carrying
 * the app role Alerts.Submit. The app asks for v2 tokens (aad.manifest.json), so one issuer applies.
 */

export const ALERTS_ROLE = 'Alerts.Submit';
const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';
/** Entra's and Microsoft's guidance for clock skew between the token service and a resource. */
const CLOCK_TOLERANCE_SECONDS = 300;
/** The OpenID configuration changes rarely (its keys rotate, the document does not). */
const METADATA_TTL_MS = 24 * 3600_000;
const FETCH_TIMEOUT_MS = 10_000;

/** jose (80 modules) is loaded with the first alert: a bot that is never sent one never needs it. */
let joseModule: Promise<typeof Jose> | undefined;
const loadJose = (): Promise<typeof Jose> => (joseModule ??= import('jose'));

export type TokenCheck =
  | { ok: true; caller: AlertCaller }
  /** 401: no valid token; 403: valid, without the role; 503: the keys could not be fetched */
  | { ok: false; status: 401 | 403 | 503; reason: string };

export interface AlertTokenOptions {
  tenantId: string;
  /** BOT_ID */
  appId: string;
  /** AZURE_AUTHORITY_HOST; default Microsoft's public cloud */
  authorityHost?: string;
  /** tests: the key set for a jwks_uri (default: jose's remote key set, fetched over https) */
  keySetFor?: (jwksUri: URL) => JWTVerifyGetKey;
  /** tests: how the OpenID configuration is fetched (default: fetch) */
  fetchJson?: (url: string) => Promise<unknown>;
}

interface Metadata {
  issuer: string;
  keys: JWTVerifyGetKey;
  at: number;
}

export class AlertTokenValidator {
  private metadata?: Promise<Metadata>;
  private readonly configUrl: string;

  constructor(private readonly o: AlertTokenOptions) {
    const authority = (o.authorityHost ?? PUBLIC_AUTHORITY).replace(/\/+$/, '');
    this.configUrl = `${authority}/${o.tenantId}/v2.0/.well-known/openid-configuration`;
  }

  async check(authorization: string | undefined): Promise<TokenCheck> {
    const token = /^Bearer\s+([A-Za-z0-9_.-]+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) return { ok: false, status: 401, reason: 'no bearer token' };
    let meta: Metadata;
    try {
      meta = await this.readMetadata();
    } catch (err) {
      return { ok: false, status: 503, reason: `OpenID configuration unavailable: ${messageOf(err)}` };
    }
    const jose = await loadJose();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jose.jwtVerify(token, meta.keys, {
        issuer: meta.issuer,
        audience: [this.o.appId, `api://${this.o.appId}`],
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (err) {
      if (keysUnavailable(jose, err)) {
        return { ok: false, status: 503, reason: `signing keys unavailable: ${messageOf(err)}` };
      }
      return { ok: false, status: 401, reason: messageOf(err) };
    }
    if (String(payload.tid ?? '').toLowerCase() !== this.o.tenantId.toLowerCase()) {
      return { ok: false, status: 401, reason: 'token of another tenant' };
    }
    const appId = String(payload.azp ?? payload.appid ?? '');
    if (!appId) return { ok: false, status: 401, reason: 'token without a client (azp)' };
    const caller: AlertCaller = {
      appId: appId.toLowerCase(),
      objectId: typeof payload.oid === 'string' ? payload.oid.toLowerCase() : undefined,
    };
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    if (!roles.includes(ALERTS_ROLE)) {
      return { ok: false, status: 403, reason: `token without the app role ${ALERTS_ROLE}` };
    }
    return { ok: true, caller };
  }

  private readMetadata(): Promise<Metadata> {
    const cached = this.metadata;
    if (cached) {
      return cached.then((m) => (Date.now() - m.at < METADATA_TTL_MS ? m : this.fetchMetadata()));
    }
    return this.fetchMetadata();
  }

  private fetchMetadata(): Promise<Metadata> {
    const loading = (async () => {
      const doc = (await (this.o.fetchJson ?? fetchJson)(this.configUrl)) as Record<string, unknown>;
      const issuer = typeof doc?.issuer === 'string' ? doc.issuer : '';
      const jwksUri = typeof doc?.jwks_uri === 'string' ? new URL(doc.jwks_uri) : undefined;
      if (!issuer.toLowerCase().includes(this.o.tenantId.toLowerCase())) {
        throw new Error('its issuer does not name the tenant');
      }
      if (jwksUri?.protocol !== 'https:') throw new Error('its jwks_uri is not an https URL');
      const keys = this.o.keySetFor
        ? this.o.keySetFor(jwksUri)
        : (await loadJose()).createRemoteJWKSet(jwksUri, { timeoutDuration: FETCH_TIMEOUT_MS });
      return { issuer, keys, at: Date.now() };
    })();
    this.metadata = loading;
    // a failure is not kept: the next request asks again
    loading.catch(() => {
      if (this.metadata === loading) this.metadata = undefined;
    });
    return loading;
  }
}

async function fetchJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

/** The key set could not be fetched or read (as opposed to a token no key verifies). */
function keysUnavailable(jose: typeof Jose, err: unknown): boolean {
  if (!(err instanceof jose.errors.JOSEError)) return true;
  return ['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC'].includes(err.code);
}

function messageOf(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return [e?.code, e?.message?.split('\n')[0]].filter(Boolean).join(': ') || 'unknown error';
}
