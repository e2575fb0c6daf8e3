/**
 * What the sign-in logs say happened since a sign-out: the refused attempts with old sessions (the
 * proof that the revocation bit), the new sign-ins (someone signed in again), grouped by app, and a
 * one-line verdict. Pure: src/graph/signInLogs.ts reads the entries.
 */

import { kindOf, newestFirst, placeOf, type SignInEntry } from './signIns';
import { formatShortTime, type LocalZone } from './timeFormat';
import { BASELINE_DAYS, knownPlaces, unusualSignIns, type UnusualSignIn } from './unusualPlaces';

export interface AppActivity {
  app: string;
  /** attempts refused because their session or refresh token was revoked */
  refused: number;
  lastRefusedAt?: string;
  /** successful sign-ins, newest first */
  newSignIns: SignInEntry[];
  /** other failures (wrong password, MFA denied, blocked…) */
  otherFailures: number;
  /** the app's newest entry, for ordering */
  newestAt: string;
}

export interface VerifyReport {
  since: string;
  /** by app, the app with the newest entry first */
  apps: AppActivity[];
  refusedTotal: number;
  newSignIns: SignInEntry[];
  /**
   * Successful token refreshes before the first interactive sign-in since `since`: an app that may have
   * accepted a session from before it. Empty when every success follows a new interactive sign-in.
   */
  acceptedWithoutSignIn: SignInEntry[];
  /** undefined when the days before could not be read */
  unusual?: UnusualSignIn[];
  /** the newest entry the logs returned, for the freshness note */
  newestEntryAt?: string;
  /** the beta (non-interactive) log could not be read: token refreshes are missing */
  nonInteractiveMissing: boolean;
}

export interface VerifyInput {
  /** ISO; entries before it are ignored */
  since: string;
  entries: readonly SignInEntry[];
  nonInteractiveMissing: boolean;
  /** the user's sign-ins in the days before `since`; undefined when they could not be read */
  before?: readonly SignInEntry[];
}

export function buildVerifyReport(input: VerifyInput): VerifyReport {
  const sinceMs = Date.parse(input.since);
  const entries = newestFirst(dedupe(input.entries).filter((e) => Date.parse(e.at) >= sinceMs));
  const byApp = new Map<string, AppActivity>();
  for (const e of entries) {
    let a = byApp.get(e.app);
    if (!a) {
      a = { app: e.app, refused: 0, newSignIns: [], otherFailures: 0, newestAt: e.at };
      byApp.set(e.app, a);
    }
    const kind = kindOf(e);
    if (kind === 'refusedOldSession') {
      a.refused++;
      a.lastRefusedAt ??= e.at;
    } else if (kind === 'newSession') a.newSignIns.push(e);
    else a.otherFailures++;
  }
  const newSignIns = entries.filter((e) => kindOf(e) === 'newSession');
  const firstInteractive = [...newSignIns].reverse().find((e) => e.interactive);
  const acceptedWithoutSignIn = newSignIns.filter(
    (e) => !e.interactive && (!firstInteractive || Date.parse(e.at) < Date.parse(firstInteractive.at)),
  );
  return {
    since: input.since,
    apps: [...byApp.values()],
    refusedTotal: entries.filter((e) => kindOf(e) === 'refusedOldSession').length,
    newSignIns,
    acceptedWithoutSignIn,
    // strictly before: a sign-in at the very second of the sign-out is new, not usual
    unusual: input.before
      ? unusualSignIns(newSignIns, knownPlaces(input.before.filter((e) => Date.parse(e.at) < sinceMs)))
      : undefined,
    newestEntryAt: entries[0]?.at,
    nonInteractiveMissing: input.nonInteractiveMissing,
  };
}

/** The same entry from both logs (Graph may list an entry in each) counts once. */
function dedupe(entries: readonly SignInEntry[]): SignInEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Exchange Online from 203.0.113.7 (Berlin, DE)" */
export function describeSignIn(e: SignInEntry): string {
  const place = placeOf(e);
  const from = e.ipAddress
    ? ` from ${e.ipAddress}${place ? ` (${place})` : ''}`
    : place
      ? ` in ${place}`
      : '';
  return `${e.app}${from}`;
}

/**
 * The verdict in one line, e.g. "No app accepted an old session since 14:02 UTC; 3 attempts with an old
 * session were refused. 1 new sign-in: Exchange Online from 203.0.113.7 (Berlin, DE)." Plain text that
 * holds log values: escape it for markdown, or bind it into a TextRun.
 */
export function verdictText(r: VerifyReport, zone?: LocalZone): string {
  const since = formatShortTime(r.since, zone);
  const parts: string[] = [];
  if (r.acceptedWithoutSignIn.length > 0) {
    const apps = [...new Set(r.acceptedWithoutSignIn.map((e) => e.app))];
    parts.push(
      `${plural(apps.length, 'app')} accepted a token without a new sign-in since ${since} (${apps.join(', ')}): an old session may still work there.`,
    );
  } else {
    parts.push(
      `No app accepted an old session since ${since}${r.refusedTotal ? `; ${plural(r.refusedTotal, 'attempt')} with an old session ${r.refusedTotal === 1 ? 'was' : 'were'} refused` : ''}.`,
    );
  }
  if (r.newSignIns.length === 0) {
    parts.push('No new sign-ins.');
  } else {
    const more = r.newSignIns.length > 1 ? `, and ${r.newSignIns.length - 1} more` : '';
    parts.push(`${plural(r.newSignIns.length, 'new sign-in')}: ${describeSignIn(r.newSignIns[0])}${more}.`);
  }
  const unusual = r.unusual?.length ?? 0;
  if (unusual === 1) {
    parts.push(
      `1 of them is from an IP address or country not seen in the ${BASELINE_DAYS} days before: if that was not the user, block them with signout --block.`,
    );
  } else if (unusual > 1) {
    parts.push(
      `${unusual} of them are from IP addresses or countries not seen in the ${BASELINE_DAYS} days before: if that was not the user, block them with signout --block.`,
    );
  }
  if (r.nonInteractiveMissing) parts.push('Token refreshes could not be read, so this is incomplete.');
  return parts.join(' ');
}

/** Whether the report should offer `signout --block`: someone signed in again from somewhere new. */
export function suggestsBlock(r: VerifyReport): boolean {
  return (r.unusual?.length ?? 0) > 0;
}

/**
 * How fresh the logs are: "Newest log entry: 14:20 UTC. Entries can take several minutes to appear."
 */
export function freshnessText(r: VerifyReport, zone?: LocalZone): string {
  const newest = r.newestEntryAt
    ? `Newest log entry: ${formatShortTime(r.newestEntryAt, zone)}.`
    : 'The logs have no entries for this user in that time.';
  return `${newest} Entries can take several minutes to appear in the sign-in logs.`;
}
