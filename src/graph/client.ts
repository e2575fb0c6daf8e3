import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  ResponseType,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { Config } from '../config';
import { parseRetryAfter } from '../domain/retryAfter';

export function createCredential(
  config: Pick<Config, 'credential' | 'disableInstanceDiscovery'>,
): TokenCredential {
  const c = config.credential;
  const options = { authorityHost: 'authorityHost' in c ? c.authorityHost : undefined };
  const discovery = { disableInstanceDiscovery: config.disableInstanceDiscovery };
  switch (c.kind) {
    case 'secret':
      return new ClientSecretCredential(c.tenantId, c.clientId, c.clientSecret, { ...options, ...discovery });
    case 'certificate':
      return new ClientCertificateCredential(c.tenantId, c.clientId, c.certificatePath, {
        ...options,
        ...discovery,
      });
    case 'managedIdentity':
      return c.clientId
        ? new ManagedIdentityCredential({ clientId: c.clientId })
        : new ManagedIdentityCredential();
  }
}

export interface GraphClientOptions {
  /** retries of 429/503/504 by the SDK, honouring Retry-After */
  maxRetries?: number;
  /** a Retry-After longer than this (seconds) is not waited for: the call fails as throttled */
  maxRetryAfterSeconds?: number;
  /** per call, retries included */
  timeoutMs?: number;
  /** the time in ms, to read a Retry-After given as an HTTP date (default Date.now) */
  now?: () => number;
}

/** A failed Graph call, in Graph's own terms. `status` 0 means Graph was not reached. */
export class GraphCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GraphCallError';
  }
}

export interface GraphResponse<T> {
  status: number;
  body: T;
  requestId?: string;
}

/**
 * The one seam through which the bot talks to Microsoft Graph: the SDK client with the credential,
 * the configured root (national clouds, stand-ins) trusted for the bearer token, bounded retries, and
 * errors turned into GraphCallError carrying Graph's code and request-id.
 */
export class GraphApi {
  readonly client: Client;
  private readonly timeoutMs: number;
  /** for requests that must not be resent when their outcome is unknown: retried on 429 only */
  private readonly throttlingOnly: RetryHandlerOptions;
  private readonly now: () => number;

  constructor(credential: TokenCredential, graphBaseUrl: string, o: GraphClientOptions = {}) {
    const root = new URL(graphBaseUrl);
    const authProvider = new TokenCredentialAuthenticationProvider(credential, {
      scopes: [`${root.origin}/.default`],
    });
    const maxRetryAfter = o.maxRetryAfterSeconds ?? 30;
    this.now = o.now ?? Date.now;
    // seconds or an HTTP date: the SDK reads both, and would sleep up to 180 s for a date far ahead
    const acceptableWait = (res: Response | undefined) => {
      const after = parseRetryAfter(res?.headers?.get('Retry-After'), this.now());
      return after === undefined || after <= maxRetryAfter * 1000;
    };
    // the SDK's RetryHandler resends 429, 503 and 504 for every method, POST included
    const retry = new RetryHandlerOptions(3, o.maxRetries ?? 3, (_delay, _attempt, _req, _opts, res) =>
      acceptableWait(res),
    );
    this.throttlingOnly = new RetryHandlerOptions(
      3,
      o.maxRetries ?? 3,
      (_delay, _attempt, _req, _opts, res) => res?.status === 429 && acceptableWait(res),
    );
    const auth = new AuthenticationHandler(authProvider);
    const retryHandler = new RetryHandler(retry);
    const redirect = new RedirectHandler();
    const telemetry = new TelemetryHandler();
    auth.setNext(retryHandler);
    retryHandler.setNext(redirect);
    redirect.setNext(telemetry);
    telemetry.setNext(new HTTPMessageHandler());
    this.client = Client.initWithMiddleware({
      middleware: auth,
      baseUrl: `${root.origin}${root.pathname.replace(/\/$/, '')}/`,
      defaultVersion: 'v1.0',
      customHosts: new Set([root.hostname]),
    });
    this.timeoutMs = o.timeoutMs ?? 30_000;
  }

  /**
   * `idempotent: false` marks a request that must not be sent twice when its outcome is unknown (a
   * revoke): the SDK then retries it on 429 only, never on 503/504, and the caller checks instead.
   */
  async call<T = unknown>(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    o: {
      body?: unknown;
      headers?: Record<string, string>;
      idempotent?: boolean;
      /** the API version of a relative path (default v1.0); an absolute URL (a nextLink) keeps its own */
      version?: 'v1.0' | 'beta';
    } = {},
  ): Promise<GraphResponse<T>> {
    let request = this.client
      .api(path)
      .responseType(ResponseType.RAW)
      .option('signal', AbortSignal.timeout(this.timeoutMs));
    if (o.version && !/^https:\/\//i.test(path)) request = request.version(o.version);
    if (o.idempotent === false) request = request.middlewareOptions([this.throttlingOnly]);
    for (const [name, value] of Object.entries(o.headers ?? {})) request = request.header(name, value);
    let res: Response;
    try {
      res =
        method === 'GET'
          ? await request.get()
          : method === 'POST'
            ? await request.post(o.body ?? {})
            : await request.patch(o.body ?? {});
    } catch (err) {
      throw toUnreachable(err);
    }
    const requestId = res.headers.get('request-id') ?? undefined;
    const text = await res.text();
    const body = parseJson(text);
    if (res.ok) return { status: res.status, body: (body ?? text) as T, requestId };
    const error = (
      body as { error?: { code?: string; message?: string; innerError?: Record<string, string> } }
    )?.error;
    const retryAfterMs = parseRetryAfter(res.headers.get('Retry-After'), this.now());
    throw new GraphCallError(
      res.status,
      error?.code ?? `HTTP${res.status}`,
      error?.message ?? res.statusText,
      error?.innerError?.['request-id'] ?? requestId,
      retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
    );
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toUnreachable(err: unknown): GraphCallError {
  if (err instanceof GraphCallError) return err;
  const e = err as {
    name?: string;
    code?: unknown;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  // the SDK wraps @azure/identity's errors in a GraphError whose code is the original error's name
  const credentialErrors = [
    'AuthenticationError',
    'AuthenticationRequiredError',
    'CredentialUnavailableError',
    'AggregateAuthenticationError',
  ];
  const aadsts = /AADSTS\d+/.exec(e?.message ?? '')?.[0];
  if (credentialErrors.includes(e?.name ?? '') || credentialErrors.includes(String(e?.code)) || aadsts) {
    return new GraphCallError(
      0,
      'AuthenticationFailed',
      `the bot could not get a token for Microsoft Graph${aadsts ? ` (${aadsts})` : ''}`,
    );
  }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new GraphCallError(0, 'Timeout', 'Microsoft Graph did not answer in time');
  }
  const detail = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? 'unknown error';
  return new GraphCallError(0, 'Unreachable', `Microsoft Graph could not be reached (${detail})`);
}
