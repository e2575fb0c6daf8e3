import { formatDuration, formatUtc, formatValidFromLine, type LocalZone } from '../core/timeFormat';
import { num, plural } from '../core/wording';
import {
  FAILED_OUTCOMES,
  type DirectoryUser,
  type Person,
  type SignoutRequest,
  type TargetOutcome,
} from '../core/types';

/** Plain-words texts the bot posts. Kept apart so they are easy to review and test. */

export const FOREIGN_TENANT =
  "Sorry, I only work for the organization I was set up for, so I can't help with this request.";

const FOREIGN_LABELS: Record<string, string> = {
  none: 'with no tenant id',
  invalid: 'with a tenant id that is not a GUID',
  conflict: 'whose two tenant ids disagree',
  overflow: 'from more tenants at once than the bot tracks (counted together)',
};

/** Names the tenant of a refused activity by id only: nothing else from another organization is shown. */
export function foreignTenantLabel(tenant: string): string {
  return FOREIGN_LABELS[tenant] ?? `from tenant ${tenant}`;
}

const utc = (ms: number) => formatUtc(new Date(ms).toISOString());

/** The one security-channel notice of a foreign tenant's 10-minute window. */
export function foreignNotice(w: { tenant: string; start: number; end: number }): string {
  return `Refused: an activity ${foreignTenantLabel(w.tenant)} (another organization) at ${utc(w.start)}. Until ${utc(w.end)}, more from it are counted in the audit log, not posted here.`;
}

/** Audit detail of a foreign window: its first activity, or the count of the rest when it closes. */
export function foreignAuditDetail(w: { tenant: string; start: number; end: number }, more?: number): string {
  return more === undefined
    ? `foreign tenant: 1 activity ${foreignTenantLabel(w.tenant)} at ${utc(w.start)}; more until ${utc(w.end)} are counted in one line`
    : `foreign tenant: ${plural(more, 'more activity', 'more activities')} ${foreignTenantLabel(w.tenant)} from ${utc(w.start)} to ${utc(w.end)}`;
}

export const REFUSED =
  "Sorry, you aren't allowed to use Sign-out Bot. It is limited to the IT and security admins your organization has named. If you need a sign-out, ask your security team.";

/** No admin group or list: said to everyone without naming settings (the log and the help card say more). */
export const UNCONFIGURED =
  'Sorry, nobody can use Sign-out Bot yet: the bot has no admins configured, so it refuses every request. Ask whoever deployed it.';

/** The admin check failed (Graph or the bot's credential): the reason is in the log, not told to callers. */
export const CHECK_FAILED =
  "Sorry, the bot cannot check who is an admin right now, so it won't act. Try again in a few minutes; if it keeps happening, tell whoever runs the bot (the reason is in its log).";

export const NOT_UNDERSTOOD = "Sorry, I didn't understand that. Here is what I can do:";

export const UNKNOWN_CARD =
  'This card is no longer valid: I have no record of its request. Ask again if still needed.';

export const OTHER_CONVERSATION =
  'This card belongs to another conversation. Use the card where the request was made.';

export const PICK_FIRST = 'Pick the user you mean on the card first.';

export const NEEDS_APPROVAL =
  'This request needs a second admin: another admin must click Approve. You can still cancel it.';

export const WRONG_CONFIRM_TEXT =
  "That doesn't match. To sign out everyone, type the number of users in the organization or its primary domain, exactly as the card asks.";

export const OWN_REQUEST = "You can't approve your own request: the two-person rule needs another admin.";

export const OWN_REQUEST_REJECT = 'You asked for this one: use Cancel to withdraw it.';

export const NOT_APPROVER = "Sorry, you aren't one of the admins who may approve sign-outs.";

export const REJECT_NEEDS_REASON = 'Please give a reason for rejecting, in the box above the Reject button.';

export function person(u: Pick<DirectoryUser, 'displayName' | 'userPrincipalName'>): string {
  return u.userPrincipalName ? `${u.displayName} (${u.userPrincipalName})` : u.displayName;
}

/** "Did you mean" lines: users whose names start with what was typed, to copy, never acted on. */
function didYouMean(typed: string, like: readonly DirectoryUser[] | undefined): string {
  if (!like?.length) return '';
  if (like.length === 1) return `\nFor "${typed}", did you mean ${person(like[0])}?`;
  return `\nFor "${typed}", did you mean one of these?\n${like.map((u) => `- ${person(u)}`).join('\n')}`;
}

export function notFound(typed: string, like?: readonly DirectoryUser[]): string {
  return `I couldn't find a user "${typed}" in the directory. Check the spelling, or use their user principal name (e.g. name@contoso.com) or Entra object id.${didYouMean(typed, like)}`;
}

/** `moreWords`: text followed the name, so a name with spaces may have lost its quotes. */
export function groupNotFound(typed: string, byId: boolean, moreWords = false): string {
  if (byId)
    return `There is no group with object id ${typed}, so I did nothing. Copy the id from the group's page in the Entra admin center, or use group:"Group name".`;
  const quotes =
    moreWords && !/\s/.test(typed)
      ? ' If its name has spaces, put all of it in quotes, e.g. group:"Migration Wave 1".'
      : '';
  return `I couldn't find a group named "${typed}", so I did nothing. The name must match the group's display name exactly (case does not matter), or use group:<object id>.${quotes}`;
}

export function ambiguous(typed: string, users: DirectoryUser[]): string {
  const list = users
    .slice(0, 10)
    .map((u) => `- ${person(u)}`)
    .join('\n');
  return `"${typed}" matches ${users.length} users, and I won't guess. Sign out one of them by user principal name:\n${list}`;
}

export function outcomeLine(user: DirectoryUser | undefined, o: TargetOutcome, zone?: LocalZone): string {
  const who = user ? person(user) : o.userId;
  switch (o.kind) {
    case 'revoked':
      return o.validFrom
        ? `Signed out ${who}. ${formatValidFromLine(o.validFrom, zone)}.`
        : `Signed out ${who}.`;
    case 'guestSkipped':
      return `${who}: ${o.message ?? 'guest account; nothing changed in this organization.'}`;
    default:
      return `Could not sign out ${who}: ${o.message ?? o.kind}`;
  }
}

export function targetsSummary(req: Pick<SignoutRequest, 'targets'>): string {
  const [first] = req.targets;
  if (req.targets.length === 1 && first) return person(first);
  return `${req.targets.length} users`;
}

export function requestedNotice(req: SignoutRequest, thread: string): string {
  return `Sign-out requested: ${req.requester.name} asked to sign out ${targetsSummary(req)}. Reason: ${req.reason || 'none given'}. In ${thread}.`;
}

export function refusedNotice(caller: Person | undefined, what: string, why: string, thread: string): string {
  return `Refused: ${caller ? `${caller.name} (${caller.id})` : 'an unidentified caller'} tried to ${what} (${why}). In ${thread}.`;
}

const NOTICE_OUTCOME_LINES = 20;

export function endedNotice(req: SignoutRequest, thread: string, zone?: LocalZone): string {
  const by = req.confirmedBy ?? req.cancelledBy;
  const counts = req.targets.length > 1 ? ` (${tallyText(req)})` : '';
  const head = `Sign-out ${req.status}: ${targetsSummary(req)}${counts}, requested by ${req.requester.name}${by ? `, ${req.status === 'cancelled' ? 'cancelled' : 'confirmed'} by ${by.name}` : ''}.`;
  const byId = new Map(req.targets.map((t) => [t.id, t]));
  // failures first: they are what the security team has to follow up
  const failedFirst = [
    ...req.outcomes.filter((o) => FAILED_OUTCOMES.includes(o.kind)),
    ...req.outcomes.filter((o) => !FAILED_OUTCOMES.includes(o.kind)),
  ];
  const lines = failedFirst
    .slice(0, NOTICE_OUTCOME_LINES)
    .map((o) => `- ${outcomeLine(byId.get(o.userId), o, zone)}`);
  if (req.outcomes.length > NOTICE_OUTCOME_LINES)
    lines.push(
      `- …and ${num(req.outcomes.length - NOTICE_OUTCOME_LINES)} more (all of them in the thread's CSV)`,
    );
  if (req.error) lines.push(req.error);
  return [head, ...lines, `In ${thread}.`].join('\n\n');
}

export function outcomeLines(req: SignoutRequest, zone?: LocalZone): string {
  const byId = new Map(req.targets.map((t) => [t.id, t]));
  const lines = req.outcomes.map((o) => outcomeLine(byId.get(o.userId), o, zone));
  if (req.error && !lines.length) lines.push(req.error);
  return lines.join('\n\n');
}

export function tally(req: Pick<SignoutRequest, 'outcomes' | 'targets'>) {
  const count = (k: string) => req.outcomes.filter((o) => o.kind === k).length;
  const revoked = count('revoked');
  const skipped = count('guestSkipped');
  const failed = req.outcomes.length - revoked - skipped;
  return { revoked, skipped, failed, notStarted: req.targets.length - req.outcomes.length };
}

/** '12 signed out, 0 failed, 1 guest skipped[, 3 not started]' */
export function tallyText(req: Pick<SignoutRequest, 'outcomes' | 'targets'>): string {
  const t = tally(req);
  const parts = [
    `${num(t.revoked)} signed out`,
    `${num(t.failed)} failed`,
    plural(t.skipped, 'guest skipped', 'guests skipped'),
  ];
  if (t.notStarted) parts.push(`${num(t.notStarted)} not started`);
  return parts.join(', ');
}

export function bulkSummary(req: SignoutRequest): string {
  const ms =
    req.startedAt && req.finishedAt ? Math.max(0, Date.parse(req.finishedAt) - Date.parse(req.startedAt)) : 0;
  const head = req.status === 'cancelled' ? 'Bulk sign-out stopped' : 'Bulk sign-out finished';
  return `${head} (${req.source ?? `${req.targets.length} users`}): ${tallyText(req)}, in ${formatDuration(ms)}.`;
}

export function approvalNotice(
  req: SignoutRequest,
  verdict: 'approved' | 'rejected',
  by: Person,
  thread: string,
): string {
  const why = verdict === 'rejected' && req.rejectionReason ? ` Reason: ${req.rejectionReason}.` : '';
  return `Sign-out ${verdict}: ${by.name} ${verdict} ${req.requester.name}'s request to sign out ${targetsSummary(req)}.${why} In ${thread}.`;
}

/** `like`: suggestions for some of the typed values (see Directory.suggest). */
export function notFoundList(
  what: string[],
  like: ReadonlyMap<string, readonly DirectoryUser[]> = new Map(),
): string {
  const list = what
    .slice(0, 10)
    .map((w) => `"${w}"`)
    .join(', ');
  const more = what.length > 10 ? ` and ${what.length - 10} more` : '';
  const hints = what.map((w) => didYouMean(w, like.get(w))).join('');
  return `I couldn't find ${list}${more} in the directory, so I did nothing. Check the spelling, or use user principal names or object ids, and ask again.${hints}`;
}

export function ambiguousInList(typed: string[]): string {
  return `${typed.map((t) => `"${t}"`).join(', ')} ${typed.length === 1 ? 'matches' : 'match'} several users, and I won't guess. Use their user principal names and ask again.`;
}

export function ambiguousGroup(typed: string, count: number): string {
  return `${count} groups are named "${typed}", and I won't guess. Use the group's object id: signout group:<id>.`;
}

export function noUsers(source: string): string {
  return `${source} has no users, so there is nobody to sign out.`;
}

export function unblocked(user: DirectoryUser): string {
  return `Sign-in is allowed again for ${person(user)} (accountEnabled = true). Sessions revoked earlier stay revoked: they sign in afresh.`;
}

/** The audit log's outcome of an unblock that found sign-in already allowed. */
export const NOT_BLOCKED_OUTCOME = 'Sign-in was not blocked; nothing changed';

export function notBlocked(user: DirectoryUser): string {
  return `Sign-in is not blocked for ${person(user)}, so there was nothing to unblock and nothing changed.`;
}

export function unblockedNotice(by: Person, user: DirectoryUser, thread: string, changed = true): string {
  return changed
    ? `Unblocked: ${by.name} allowed ${person(user)} to sign in again. In ${thread}.`
    : `Unblock asked: ${by.name} asked to unblock ${person(user)}, whose sign-in was not blocked; nothing changed. In ${thread}.`;
}
