import {
  accessTokenLifetimeMinutes,
  DEFAULT_ACCESS_TOKEN_LIFETIME_MINUTES,
  type AccessTokenLifetime,
} from '../domain/outEverywhereBy';
import { GraphCallError, type GraphApi } from './client';

/**
 * The tenant's access-token lifetime, for "out everywhere by": the AccessTokenLifetime of the
 * organization-default tokenLifetimePolicy (`GET /policies/tokenLifetimePolicies`, Policy.Read.All).
 * Without such a policy Microsoft's default applies (source 'default'); when the policies cannot be read
 * (no permission, Graph failing) the bot assumes that default and says so (source 'assumed').
 */
export interface TokenLifetimeSource {
  /** Never throws. */
  lifetime(): Promise<AccessTokenLifetime>;
}

export interface TokenLifetimeOptions {
  /** how long an answer is kept; at most an hour (the rule) */
  cacheMs?: number;
  /** how long a failed read is kept before asking Graph again (a throttled Graph must not be hammered) */
  failureCacheMs?: number;
  now?: () => number;
  /** told once per failed read, e.g. to log it */
  onFailure?: (err: unknown) => void;
}

const HOUR_MS = 3_600_000;

interface Policy {
  definition?: unknown;
  isOrganizationDefault?: unknown;
}

export class GraphTokenLifetime implements TokenLifetimeSource {
  private cached?: { value: AccessTokenLifetime; until: number };
  private inFlight?: Promise<AccessTokenLifetime>;
  private readonly cacheMs: number;
  private readonly failureCacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly graph: GraphApi,
    private readonly o: TokenLifetimeOptions = {},
  ) {
    this.cacheMs = Math.min(o.cacheMs ?? HOUR_MS, HOUR_MS);
    this.failureCacheMs = Math.min(o.failureCacheMs ?? 5 * 60_000, this.cacheMs);
    this.now = o.now ?? Date.now;
  }

  lifetime(): Promise<AccessTokenLifetime> {
    if (this.cached && this.now() < this.cached.until) return Promise.resolve(this.cached.value);
    this.inFlight ??= this.read().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async read(): Promise<AccessTokenLifetime> {
    try {
      const value = await readOrganizationDefault(this.graph);
      this.cached = { value, until: this.now() + this.cacheMs };
      return value;
    } catch (err) {
      this.o.onFailure?.(err);
      const value: AccessTokenLifetime = {
        minutes: DEFAULT_ACCESS_TOKEN_LIFETIME_MINUTES,
        source: 'assumed',
      };
      // without the permission, asking again within the hour changes nothing
      const denied = err instanceof GraphCallError && err.status === 403;
      this.cached = { value, until: this.now() + (denied ? this.cacheMs : this.failureCacheMs) };
      return value;
    }
  }
}

/** One read of the policies, every page; throws GraphCallError when Graph refuses or fails. */
export async function readOrganizationDefault(graph: GraphApi): Promise<AccessTokenLifetime> {
  let next: string | undefined = '/policies/tokenLifetimePolicies';
  while (next) {
    const page: { body: { value?: unknown; '@odata.nextLink'?: unknown } } = await graph.call('GET', next);
    const policies = Array.isArray(page.body?.value) ? (page.body.value as Policy[]) : [];
    const orgDefault = policies.find((p) => p?.isOrganizationDefault === true);
    if (orgDefault) {
      const definitions = Array.isArray(orgDefault.definition) ? orgDefault.definition : [];
      for (const d of definitions) {
        const minutes = typeof d === 'string' ? accessTokenLifetimeMinutes(d) : undefined;
        if (minutes !== undefined) return { minutes, source: 'policy' };
      }
      break;
    }
    next = typeof page.body?.['@odata.nextLink'] === 'string' ? page.body['@odata.nextLink'] : undefined;
  }
  return { minutes: DEFAULT_ACCESS_TOKEN_LIFETIME_MINUTES, source: 'default' };
}
