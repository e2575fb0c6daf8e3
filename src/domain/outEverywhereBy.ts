/**
 * When a revoked user is really out. Apps with Continuous Access Evaluation (Exchange Online,
 * SharePoint Online, Teams, Microsoft Graph) act on a revocation within about 15 minutes; every other
 * app accepts access tokens already issued until they expire.
 */
export const CAE_REACTION_MINUTES = 15;
/** The top of Microsoft's 60–90 minute range: what the bot assumes without an organization policy. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_MINUTES = 90;

/**
 * Where the access-token lifetime came from: the tenant's organization-default policy, Microsoft's
 * default because the tenant has none, or Microsoft's default assumed because the bot could not read
 * the policies (no `Policy.Read.All`, or Graph failed).
 */
export type LifetimeSource = 'policy' | 'default' | 'assumed';

export interface AccessTokenLifetime {
  minutes: number;
  source: LifetimeSource;
}

export interface OutEverywhereBy {
  /** Apps with Continuous Access Evaluation reject old sessions by this time. */
  caeAppsBy: Date;
  /** Every other app, at the latest. */
  allAppsBy: Date;
  lifetime: AccessTokenLifetime;
}

const MINUTE_MS = 60_000;

export function outEverywhereBy(validFrom: Date, lifetime: AccessTokenLifetime): OutEverywhereBy {
  return {
    caeAppsBy: new Date(validFrom.getTime() + CAE_REACTION_MINUTES * MINUTE_MS),
    allAppsBy: new Date(validFrom.getTime() + Math.max(lifetime.minutes, CAE_REACTION_MINUTES) * MINUTE_MS),
    lifetime,
  };
}

/** Microsoft documents 10 minutes to 1 day for AccessTokenLifetime. */
const MIN_LIFETIME_MINUTES = 10;
const MAX_LIFETIME_MINUTES = 24 * 60;
/** A .NET TimeSpan as Entra writes it: `hh:mm:ss`, or `d.hh:mm:ss` for a day or more. */
const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/;

/**
 * The AccessTokenLifetime, in whole minutes, of one tokenLifetimePolicy `definition` entry
 * (a JSON string such as `{"TokenLifetimePolicy":{"Version":1,"AccessTokenLifetime":"00:30:00"}}`).
 * Undefined when the entry does not set it or sets something outside Microsoft's documented range.
 */
export function accessTokenLifetimeMinutes(definition: string): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch {
    return undefined;
  }
  const policy = (parsed as { TokenLifetimePolicy?: unknown } | null)?.TokenLifetimePolicy;
  const value = (policy as { AccessTokenLifetime?: unknown } | null | undefined)?.AccessTokenLifetime;
  if (typeof value !== 'string') return undefined;
  const m = TIMESPAN.exec(value.trim());
  if (!m) return undefined;
  const [, days, hours, minutes, seconds] = m;
  if (Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  const total = Number(days ?? 0) * 1440 + Number(hours) * 60 + Number(minutes) + Number(seconds) / 60;
  if (total < MIN_LIFETIME_MINUTES || total > MAX_LIFETIME_MINUTES) return undefined;
  return Math.ceil(total);
}
