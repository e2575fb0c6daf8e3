import * as crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { closeServer } from './closeServer';

export interface EntraStandInOptions {
  tls: { cert: string; key: string };
  tenantId: string;
  /** registered applications: client id → client secret */
  clients: Record<string, string>;
  /** client id → the PEM certificates uploaded for it, for private_key_jwt (certificate credentials) */
  certificates?: Record<string, string[]>;
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default 3599, what Entra answers */
  tokenLifetimeSeconds?: number;
}

/** An app-only v2 access token for an API (POST /api/alerts), as Entra issues to a managed identity. */
export interface AppTokenOptions {
  /** the API's app id or its api:// URI */
  audience: string;
  /** app roles granted to the caller */
  roles?: string[];
  /** the caller's app id (azp); default a fixed id standing for a Logic App's managed identity */
  clientId?: string;
  /** default this tenant */
  tenantId?: string;
  /** default this tenant's v2 issuer */
  issuer?: string;
  /** seconds from now; negative = already expired. Default 3599 */
  expiresIn?: number;
  /**
   * `published` (default): the key in the tenant's JWKS; `unknown`: a key whose kid is not published;
   * `impostor`: another key that claims the published kid; `none`: unsigned (alg none)
   */
  key?: 'published' | 'unknown' | 'impostor' | 'none';
}

/** The client id a playbook's managed identity has in tests. */
export const PLAYBOOK_CLIENT_ID = '3e5b8c1d-6f2a-4d9e-8b7c-0a1f2e3d4c5b';

interface IssuedToken {
  clientId: string;
  audience: string;
  expiresAt: number;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

/**
 * Microsoft Entra ID's token service, as much of it as MSAL's client-credentials flow uses (through
 * @azure/identity with `authorityHost` and `disableInstanceDiscovery`): the tenant's OpenID
 * configuration, its signing keys, and the v2 token endpoint. Errors carry Entra's AADSTS codes and body.
 * Access tokens are RS256 JWTs signed with the TLS key; the Graph stand-in asks `isValidToken`.
 */
export class EntraStandIn {
  tokenRequests = 0;
  private readonly tokens = new Map<string, IssuedToken>();
  private server?: https.Server;
  private origin = '';
  private readonly signingKey: crypto.KeyObject;
  private readonly kid: string;
  /** signs the tests' `unknown` and `impostor` tokens: never published */
  private readonly otherKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  /** GETs of the OpenID configuration and of the keys, to see a relying party fetched them */
  readonly discoveryRequests: string[] = [];

  constructor(private readonly o: EntraStandInOptions) {
    this.signingKey = crypto.createPrivateKey(o.tls.key);
    this.kid = crypto.createHash('sha256').update(o.tls.cert).digest('base64url').slice(0, 27);
  }

  /** @returns the authority host, e.g. https://localhost:PORT */
  async start(): Promise<string> {
    const server = https.createServer({ cert: this.o.tls.cert, key: this.o.tls.key }, (req, res) => {
      this.handle(req, res).catch((err: unknown) =>
        send(res, 500, { error: 'server_error', error_description: String(err) }),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port ?? 0, this.o.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.origin = `https://localhost:${(server.address() as AddressInfo).port}`;
    return this.origin;
  }

  get authorityHost(): string {
    return this.origin;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  /** Issued here, not expired, not revoked by expireTokens(), and for `audience` when one is given. */
  isValidToken(token: string, audience?: string): boolean {
    const issued = this.tokens.get(token);
    return (
      !!issued && issued.expiresAt > Date.now() && (audience === undefined || issued.audience === audience)
    );
  }

  /** Every token issued so far stops being valid (as after its lifetime), to test re-acquisition. */
  expireTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const [tenant, ...rest] = url.pathname.split('/').filter(Boolean);
    const route = `${req.method} /${rest.join('/')}`;
    const correlationId = header(req, 'client-request-id') ?? crypto.randomUUID();
    const known = [
      'GET /v2.0/.well-known/openid-configuration',
      'GET /discovery/v2.0/keys',
      'POST /oauth2/v2.0/token',
    ];
    if (!known.includes(route)) {
      send(res, 404, {
        error: 'not_found',
        error_description: `The stand-in does not serve ${req.method} ${url.pathname}`,
      });
      return;
    }
    if (tenant?.toLowerCase() !== this.o.tenantId.toLowerCase()) {
      const text =
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into ` +
        `the correct cloud. Check with your subscription administrator, this may happen if there are no ` +
        `active subscriptions for the tenant.`;
      send(res, 400, aadError('invalid_tenant', 90002, text, correlationId));
      return;
    }
    if (route === 'GET /v2.0/.well-known/openid-configuration') {
      this.discoveryRequests.push(route);
      send(res, 200, this.openIdConfiguration());
    } else if (route === 'GET /discovery/v2.0/keys') {
      this.discoveryRequests.push(route);
      send(res, 200, this.keys());
    } else {
      this.tokenRequests++;
      const form = new URLSearchParams(await readBody(req));
      const { status, body } = this.token(form, header(req, 'authorization'), correlationId);
      send(res, status, body);
    }
  }

  private openIdConfiguration(): Record<string, unknown> {
    const base = `${this.origin}/${this.o.tenantId}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    };
  }

  private keys(): Record<string, unknown> {
    const jwk = crypto.createPublicKey(this.signingKey).export({ format: 'jwk' });
    return { keys: [{ kty: jwk.kty, use: 'sig', kid: this.kid, n: jwk.n, e: jwk.e, alg: 'RS256' }] };
  }

  private token(
    form: URLSearchParams,
    authorization: string | undefined,
    correlationId: string,
  ): { status: number; body: Record<string, unknown> } {
    const fail = (status: number, error: string, code: number, text: string) => ({
      status,
      body: aadError(error, code, text, correlationId),
    });
    const basic = parseBasic(authorization);
    const grantType = form.get('grant_type');
    const clientId = form.get('client_id') ?? basic?.id;
    const secret = form.get('client_secret') ?? basic?.secret;

    if (!grantType) {
      return fail(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    }
    if (grantType !== 'client_credentials') {
      return fail(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'.`,
      );
    }
    if (!clientId) {
      return fail(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'.",
      );
    }
    if (!(clientId in this.o.clients) && !(clientId in (this.o.certificates ?? {}))) {
      const text =
        `Application with identifier '${clientId}' was not found in the directory '${this.o.tenantId}'. This can ` +
        `happen if the application has not been installed by the administrator of the tenant or consented to by ` +
        `any user in the tenant. You may have sent your authentication request to the wrong tenant.`;
      return fail(400, 'unauthorized_client', 700016, text);
    }
    const assertion = form.get('client_assertion');
    if (assertion !== null || form.get('client_assertion_type') !== null) {
      const problem = this.checkAssertion(clientId, form.get('client_assertion_type'), assertion ?? '');
      if (problem) return fail(401, 'invalid_client', problem.code, problem.text);
    } else if (!secret) {
      const text =
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.";
      return fail(401, 'invalid_client', 7000218, text);
    } else if (secret !== this.o.clients[clientId]) {
      const text =
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret ` +
        `value, not the client secret ID, for a secret added to app '${clientId}'.`;
      return fail(401, 'invalid_client', 7000215, text);
    }
    const resources = (form.get('scope') ?? '').split(' ').filter((s) => s && !OIDC_SCOPES.has(s));
    if (resources.length !== 1 || !resources[0].endsWith('/.default')) {
      const text =
        `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have ` +
        `a scope value with /.default suffixed to the resource identifier (application ID URI).`;
      return fail(400, 'invalid_scope', 1002012, text);
    }

    const lifetime = this.o.tokenLifetimeSeconds ?? 3599;
    const audience = resources[0].slice(0, -'/.default'.length);
    const accessToken = this.sign(clientId, audience, lifetime);
    this.tokens.set(accessToken, { clientId, audience, expiresAt: Date.now() + lifetime * 1000 });
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: accessToken,
      },
    };
  }

  /**
   * A client assertion (RFC 7523) as MSAL makes it from a certificate: RS256 with `x5t` (SHA-1
   * thumbprint) or PS256 with `x5t#S256`, signed by the private key of a certificate uploaded for the
   * app, for this token endpoint, issued and subject to the client id, and within its time range.
   */
  private checkAssertion(
    clientId: string,
    type: string | null,
    assertion: string,
  ): { code: number; text: string } | undefined {
    if (type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return {
        code: 7000219,
        text: "'client_assertion_type' must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.",
      };
    }
    const [head, body, signature, extra] = assertion.split('.');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      if (!head || !body || !signature || extra !== undefined) throw new Error('not three parts');
      header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return { code: 50027, text: 'JWT token is invalid or malformed.' };
    }
    const certificates = (this.o.certificates?.[clientId] ?? []).map(
      (pem) => new crypto.X509Certificate(pem),
    );
    const byThumbprint = (c: crypto.X509Certificate) =>
      typeof header['x5t#S256'] === 'string'
        ? crypto.createHash('sha256').update(c.raw).digest('base64url') === header['x5t#S256']
        : crypto.createHash('sha1').update(c.raw).digest('base64url') === header.x5t;
    const certificate = certificates.find(byThumbprint);
    const used = String(header['x5t#S256'] ?? header.x5t ?? '');
    if (!certificate) {
      const thumbprint = Buffer.from(used, 'base64url').toString('hex').toUpperCase();
      return {
        code: 700027,
        text: `Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
      };
    }
    const key = certificate.publicKey;
    const signed = Buffer.from(`${head}.${body}`);
    const sig = Buffer.from(signature, 'base64url');
    const valid =
      header.alg === 'RS256'
        ? crypto.verify('sha256', signed, key, sig)
        : header.alg === 'PS256' &&
          crypto.verify(
            'sha256',
            signed,
            { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
            sig,
          );
    if (!valid) {
      return {
        code: 700027,
        text: 'Client assertion contains an invalid signature. [Reason - The signature is not valid.]',
      };
    }
    const audience = `${this.origin}/${this.o.tenantId}/oauth2/v2.0/token`;
    if (claims.aud !== audience) {
      return {
        code: 50027,
        text: `Invalid JWT token. The audience '${String(claims.aud)}' is not '${audience}'.`,
      };
    }
    if (claims.iss !== clientId || claims.sub !== clientId) {
      return {
        code: 700021,
        text: "Client assertion application identifier doesn't match 'client_id' parameter.",
      };
    }
    const now = Math.floor(Date.now() / 1000);
    const skew = 300;
    if (
      typeof claims.exp !== 'number' ||
      claims.exp + skew < now ||
      (typeof claims.nbf === 'number' && claims.nbf - skew > now)
    ) {
      return { code: 700024, text: 'Client assertion is not within its valid time range.' };
    }
    return undefined;
  }

  /**
   * An app-only v2 access token for an API, as Entra issues one to a client (a Logic App's managed
   * identity) that holds the given app roles: RS256 with this tenant's published key unless told otherwise.
   */
  signAppToken(o: AppTokenOptions): string {
    const now = Math.floor(Date.now() / 1000);
    const tenant = o.tenantId ?? this.o.tenantId;
    const clientId = o.clientId ?? PLAYBOOK_CLIENT_ID;
    const claims: Record<string, unknown> = {
      aud: o.audience,
      iss: o.issuer ?? `${this.origin}/${tenant}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + (o.expiresIn ?? 3599),
      azp: clientId,
      azpacr: '2',
      idtyp: 'app',
      oid: uuidFrom(`mi:${clientId}`),
      sub: uuidFrom(`mi:${clientId}`),
      tid: tenant,
      uti: crypto.randomBytes(16).toString('base64url'),
      ver: '2.0',
    };
    if (o.roles) claims.roles = o.roles;
    const key = o.key ?? 'published';
    if (key === 'none') return `${b64url({ typ: 'JWT', alg: 'none' })}.${b64url(claims)}.`;
    const kid = key === 'unknown' ? 'not-a-published-kid' : this.kid;
    const unsigned = `${b64url({ typ: 'JWT', alg: 'RS256', kid })}.${b64url(claims)}`;
    const signer = key === 'published' ? this.signingKey : this.otherKey;
    return `${unsigned}.${crypto.sign('sha256', Buffer.from(unsigned), signer).toString('base64url')}`;
  }

  /** Shaped like an app-only v1 access token for Graph. */
  private sign(clientId: string, audience: string, lifetime: number): string {
    const now = Math.floor(Date.now() / 1000);
    const issuer = `https://sts.windows.net/${this.o.tenantId}/`;
    const header = { typ: 'JWT', alg: 'RS256', kid: this.kid };
    const servicePrincipal = uuidFrom(`sp:${clientId}`);
    const claims = {
      aud: audience,
      iss: issuer,
      iat: now,
      nbf: now,
      exp: now + lifetime,
      app_displayname: 'Sign-out Bot',
      appid: clientId,
      appidacr: '1',
      idp: issuer,
      idtyp: 'app',
      oid: servicePrincipal,
      sub: servicePrincipal,
      tid: this.o.tenantId,
      uti: crypto.randomBytes(16).toString('base64url'),
      ver: '1.0',
    };
    const unsigned = `${b64url(header)}.${b64url(claims)}`;
    const signature = crypto.sign('sha256', Buffer.from(unsigned), this.signingKey).toString('base64url');
    return `${unsigned}.${signature}`;
  }
}

function aadError(error: string, code: number, text: string, correlationId: string): Record<string, unknown> {
  const traceId = crypto.randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store, no-cache',
    'x-ms-request-id': crypto.randomUUID(),
  });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseBasic(authorization: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic (.+)$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const [id, ...secret] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
  return { id: decodeURIComponent(id), secret: decodeURIComponent(secret.join(':')) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function uuidFrom(seed: string): string {
  const h = crypto.createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
