import { odataString } from '../domain/odata';
import type { SignInEntry } from '../domain/signIns';
import { parseInstant } from '../domain/timeFormat';
import { GraphCallError, type GraphApi } from './client';

/**
 * Reads the Entra sign-in logs (AuditLog.Read.All and Directory.Read.All; Entra ID P1 or P2):
 * interactive sign-ins from v1.0 `/auditLogs/signIns`, and token refreshes (where a revoked session
 * shows up) from the beta endpoint with `signInEventTypes/any(t: t eq 'nonInteractiveUser')`, which v1.0
 * does not serve. Every page is followed through `@odata.nextLink`; throttling is retried by the SDK
 * (GraphApi). A failure of the interactive read throws a GraphCallError; a failure of the beta read
 * only marks the token refreshes missing.
 */

export interface SignInRead {
  entries: SignInEntry[];
  /** why the non-interactive entries are missing, when the beta read failed */
  nonInteractiveFailure?: GraphCallError;
}

/** Everything a window of the log holds for one user, both kinds. */
export async function readUserSignIns(
  graph: GraphApi,
  userId: string,
  window: { from: Date; to?: Date },
): Promise<SignInRead> {
  return readBoth(graph, `userId eq ${odataString(userId)} and ${timeFilter(window)}`);
}

/**
 * The user's successful interactive sign-ins in a window: the places they usually sign in from. One
 * v1.0 read; the token refreshes of a week would be far more entries for little more knowledge.
 */
export async function readUsualSignIns(
  graph: GraphApi,
  userId: string,
  window: { from: Date; to: Date },
): Promise<SignInEntry[]> {
  return pages(
    graph,
    `userId eq ${odataString(userId)} and ${timeFilter(window)} and status/errorCode eq 0`,
    'v1.0',
  );
}

/** The whole tenant's sign-ins in a window, both kinds, in one paged read each (multi-target follow-ups). */
export async function readTenantSignIns(
  graph: GraphApi,
  window: { from: Date; to?: Date },
): Promise<SignInRead> {
  return readBoth(graph, timeFilter(window));
}

/** Everyone's successful interactive sign-ins in a window: the places a multi-target job's users usually use. */
export async function readTenantUsualSignIns(
  graph: GraphApi,
  window: { from: Date; to: Date },
): Promise<SignInEntry[]> {
  return pages(graph, `${timeFilter(window)} and status/errorCode eq 0`, 'v1.0');
}

const NON_INTERACTIVE = "signInEventTypes/any(t: t eq 'nonInteractiveUser')";

async function readBoth(graph: GraphApi, filter: string): Promise<SignInRead> {
  const beta = pages(graph, `${filter} and ${NON_INTERACTIVE}`, 'beta').then(
    (entries) => ({ entries }),
    (err: unknown) => ({ err }),
  );
  const interactive = await pages(graph, filter, 'v1.0');
  const other = await beta;
  if ('err' in other) {
    if (!(other.err instanceof GraphCallError)) throw other.err;
    return { entries: interactive, nonInteractiveFailure: other.err };
  }
  return { entries: [...interactive, ...other.entries] };
}

/** `createdDateTime ge 2026-11-29T14:02:00Z [and createdDateTime le …]`, to the second (Graph filters it with eq, ge and le only). */
function timeFilter(w: { from: Date; to?: Date }): string {
  const at = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `createdDateTime ge ${at(w.from)}${w.to ? ` and createdDateTime le ${at(w.to)}` : ''}`;
}

interface RawSignIn {
  id?: unknown;
  createdDateTime?: unknown;
  userId?: unknown;
  userPrincipalName?: unknown;
  userDisplayName?: unknown;
  appDisplayName?: unknown;
  appId?: unknown;
  ipAddress?: unknown;
  clientAppUsed?: unknown;
  isInteractive?: unknown;
  authenticationRequirement?: unknown;
  status?: { errorCode?: unknown; failureReason?: unknown } | null;
  location?: { city?: unknown; countryOrRegion?: unknown } | null;
  deviceDetail?: { displayName?: unknown; operatingSystem?: unknown; browser?: unknown } | null;
}

interface Page {
  value?: unknown;
  '@odata.nextLink'?: unknown;
}

async function pages(graph: GraphApi, filter: string, version: 'v1.0' | 'beta'): Promise<SignInEntry[]> {
  const entries: SignInEntry[] = [];
  let next: string | undefined = `/auditLogs/signIns?$filter=${encodeURIComponent(filter)}`;
  while (next) {
    const page: { body: Page } = await graph.call<Page>('GET', next, { version });
    if (!Array.isArray(page.body?.value)) {
      throw new GraphCallError(
        502,
        'UnexpectedResponse',
        'Microsoft Graph answered the sign-in log read without a list',
      );
    }
    for (const raw of page.body.value as RawSignIn[]) {
      const entry = toSignInEntry(raw, version === 'v1.0');
      if (entry) entries.push(entry);
    }
    next = typeof page.body['@odata.nextLink'] === 'string' ? page.body['@odata.nextLink'] : undefined;
  }
  return entries;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/** One log entry as the report reads it; undefined for an entry without an id or a readable time. */
export function toSignInEntry(raw: RawSignIn, interactiveLog: boolean): SignInEntry | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const id = text(raw.id);
  const created = text(raw.createdDateTime);
  if (!id || !created) return undefined;
  let at: string;
  try {
    at = parseInstant(created).toISOString();
  } catch {
    return undefined;
  }
  const device = raw.deviceDetail ?? undefined;
  const deviceText =
    text(device?.displayName) ??
    [text(device?.operatingSystem), text(device?.browser)].filter(Boolean).join(', ');
  const errorCode = Number(raw.status?.errorCode ?? 0);
  const requirement = text(raw.authenticationRequirement);
  return {
    id,
    at,
    userId: text(raw.userId) ?? '',
    userPrincipalName: text(raw.userPrincipalName),
    userDisplayName: text(raw.userDisplayName),
    app: text(raw.appDisplayName) ?? text(raw.appId) ?? 'Unknown app',
    ipAddress: text(raw.ipAddress),
    city: text(raw.location?.city),
    countryOrRegion: text(raw.location?.countryOrRegion),
    device: deviceText || undefined,
    clientApp: text(raw.clientAppUsed),
    errorCode: Number.isFinite(errorCode) ? errorCode : -1,
    failureReason: text(raw.status?.failureReason),
    interactive: typeof raw.isInteractive === 'boolean' ? raw.isInteractive : interactiveLog,
    mfa: requirement ? requirement === 'multiFactorAuthentication' : undefined,
  };
}
