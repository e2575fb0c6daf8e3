import { bareUrl, joinMarkdown, msg, plain, type Markdown } from '../domain/markdown';
import { formatDuration, formatUtc, formatValidFromLine, type LocalZone } from '../domain/timeFormat';
import { num, plural } from '../domain/wording';
import {
  actionOf,
  FAILED_OUTCOMES,
  type DirectoryUser,
  type Person,
  type RequestAction,
  type SignoutRequest,
  type TargetOutcome,
  type ThreadLabel,
} from '../domain/types';

/**
 * Plain-words texts the bot posts. Kept apart so they are easy to review and test. Each is Markdown
 * built with `msg`, so every name, reason, typed value and Graph message in it is escaped.
 */

export const FOREIGN_TENANT = msg`Sorry, I only work for the organization I was set up for, so I can't help with this request.`;

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
export function foreignNotice(w: { tenant: string; start: number; end: number }): Markdown {
  return msg`Refused: an activity ${foreignTenantLabel(w.tenant)} (another organization) at ${utc(w.start)}. Until ${utc(w.end)}, more from it are counted in the audit log, not posted here.`;
}

/** Audit detail of a foreign window: its first activity, or the count of the rest when it closes. */
export function foreignAuditDetail(w: { tenant: string; start: number; end: number }, more?: number): string {
  return more === undefined
    ? `foreign tenant: 1 activity ${foreignTenantLabel(w.tenant)} at ${utc(w.start)}; more until ${utc(w.end)} are counted in one line`
    : `foreign tenant: ${plural(more, 'more activity', 'more activities')} ${foreignTenantLabel(w.tenant)} from ${utc(w.start)} to ${utc(w.end)}`;
}

export const REFUSED = msg`Sorry, you aren't allowed to use Sign-out Bot. It is limited to the IT and security admins your organization has named. If you need a sign-out, ask your security team.`;

/** No admin group or list: said to everyone without naming settings (the log and the help card say more). */
export const UNCONFIGURED = msg`Sorry, nobody can use Sign-out Bot yet: the bot has no admins configured, so it refuses every request. Ask whoever deployed it.`;

/** The admin check failed (Graph or the bot's credential): the reason is in the log, not told to callers. */
export const CHECK_FAILED = msg`Sorry, the bot cannot check who is an admin right now, so it won't act. Try again in a few minutes; if it keeps happening, tell whoever runs the bot (the reason is in its log).`;

/** The store refused a write (a read-only or full disk, storage refusing the bot): nothing was done. */
export const STORE_UNAVAILABLE = msg`Sorry, the bot cannot save anything right now, so it did nothing. Try again in a few minutes; if it keeps happening, tell whoever runs the bot (its log and /healthz say why).`;

/** A stored record that could not be read was moved aside (see src/store/quarantine.ts). */
export function quarantinedNotice(q: { key: string; from: string; to?: string }): Markdown {
  if (!q.to)
    return msg`Warning: Sign-out Bot could not read the stored record ${q.key} and could not move it aside either: it is left at ${q.from} and ignored. Its log says why.`;
  if (q.key === 'index/active')
    return msg`Warning: Sign-out Bot could not read its index of unfinished requests and moved it aside to ${q.to}. It rebuilt the index from the request records, so pending cards and running sign-outs carry on.`;
  const id = q.key.startsWith('request/') ? q.key.slice('request/'.length) : q.key;
  return msg`Warning: Sign-out Bot could not read the stored request ${id} (it is damaged) and moved it aside to ${q.to}. The bot runs on without it: its card no longer works, and if it was a sign-out in progress, it does not resume. Check its users with status and history, and ask again if needed.`;
}

/** Notices that waited for a conversation beyond what is kept (see DeferredNotices). */
export function moreNotices(n: number): Markdown {
  return msg`…and ${plural(n, 'more warning', 'more warnings')} like these: see the bot's log.`;
}

export const NOT_UNDERSTOOD = msg`Sorry, I didn't understand that. Here is what I can do:`;

export const UNKNOWN_CARD = msg`This card is no longer valid: I have no record of its request. Ask again if still needed.`;

export const OTHER_CONVERSATION = msg`This card belongs to another conversation. Use the card where the request was made.`;

export const PICK_FIRST = msg`Pick the user you mean on the card first.`;

export const NEEDS_APPROVAL = msg`This request needs a second admin: another admin must click Approve. You can still cancel it.`;

export const WRONG_CONFIRM_TEXT = msg`That doesn't match. To sign out everyone, type the number of users in the organization or its primary domain, exactly as the card asks.`;

export const OWN_REQUEST = msg`You can't approve your own request: the two-person rule needs another admin.`;

export const OWN_REQUEST_REJECT = msg`You asked for this one: use Cancel to withdraw it.`;

export const NOT_APPROVER = msg`Sorry, you aren't one of the admins who may approve sign-outs.`;

export const REJECT_NEEDS_REASON = msg`Please give a reason for rejecting, in the box above the Reject button.`;

export function person(u: Pick<DirectoryUser, 'displayName' | 'userPrincipalName'>): string {
  return u.userPrincipalName ? `${u.displayName} (${u.userPrincipalName})` : u.displayName;
}

/** A list of users, one `- ` line each. */
function userList(users: readonly DirectoryUser[]): Markdown {
  return joinMarkdown(
    users.map((u) => msg`- ${person(u)}`),
    msg`\n`,
  );
}

/** "Did you mean" lines: users whose names start with what was typed, to copy, never acted on. */
function didYouMean(typed: string, like: readonly DirectoryUser[] | undefined): Markdown {
  if (!like?.length) return msg``;
  if (like.length === 1) return msg`\nFor "${typed}", did you mean ${person(like[0])}?`;
  return msg`\nFor "${typed}", did you mean one of these?\n${userList(like)}`;
}

export function notFound(typed: string, like?: readonly DirectoryUser[]): Markdown {
  return msg`I couldn't find a user "${typed}" in the directory. Check the spelling, or use their user principal name (e.g. name@contoso.com) or Entra object id.${didYouMean(typed, like)}`;
}

/** `moreWords`: text followed the name, so a name with spaces may have lost its quotes. */
export function groupNotFound(typed: string, byId: boolean, moreWords = false): Markdown {
  if (byId)
    return msg`There is no group with object id ${typed}, so I did nothing. Copy the id from the group's page in the Entra admin center, or use group:"Group name".`;
  const quotes =
    moreWords && !/\s/.test(typed)
      ? msg` If its name has spaces, put all of it in quotes, e.g. group:"Migration Wave 1".`
      : msg``;
  return msg`I couldn't find a group named "${typed}", so I did nothing. The name must match the group's display name exactly (case does not matter), or use ${'group:<object id>'}.${quotes}`;
}

export function ambiguous(typed: string, users: DirectoryUser[]): Markdown {
  return msg`"${typed}" matches ${users.length} users, and I won't guess. Sign out one of them by user principal name:\n${userList(users.slice(0, 10))}`;
}

export function outcomeLine(
  user: DirectoryUser | undefined,
  o: TargetOutcome,
  zone?: LocalZone,
  action: RequestAction = 'signout',
): Markdown {
  const who = user ? person(user) : o.userId;
  switch (o.kind) {
    case 'unblocked':
      return allowedAgain(who);
    case 'revoked':
      return o.validFrom
        ? msg`Signed out ${who}. ${formatValidFromLine(o.validFrom, zone)}.`
        : msg`Signed out ${who}.`;
    case 'guestSkipped':
      return msg`${who}: ${o.message ?? 'guest account; nothing changed in this organization.'}`;
    default:
      return msg`Could not ${action === 'unblock' ? 'unblock' : 'sign out'} ${who}: ${o.message ?? o.kind}`;
  }
}

/** "Sign-out" or "Unblock", to head a notice about the request. */
function noun(req: Pick<SignoutRequest, 'action'>): string {
  return actionOf(req) === 'unblock' ? 'Unblock' : 'Sign-out';
}

export function targetsSummary(req: Pick<SignoutRequest, 'targets'>): string {
  const [first] = req.targets;
  if (req.targets.length === 1 && first) return person(first);
  return `${req.targets.length} users`;
}

/**
 * Where a request was asked: the place as Teams names it (escaped) and the bot's own link to it. A
 * request stored before issue 9 holds the label as one string, shown escaped as a whole.
 */
export function threadText(thread: ThreadLabel | string | undefined): Markdown {
  if (thread === undefined) return msg`an unknown conversation`;
  if (typeof thread === 'string') return plain(thread);
  return thread.link ? msg`${thread.place} (${bareUrl(thread.link)})` : msg`${thread.place}`;
}

export function requestedNotice(req: SignoutRequest, thread: ThreadLabel | string | undefined): Markdown {
  if (actionOf(req) === 'unblock')
    return msg`Unblock requested: ${req.requester.name} asked to allow ${targetsSummary(req)} to sign in again. Reason: ${req.reason || 'none given'}. In ${threadText(thread)}.`;
  return msg`Sign-out requested: ${req.requester.name} asked to sign out ${targetsSummary(req)}. Reason: ${req.reason || 'none given'}. In ${threadText(thread)}.`;
}

export function refusedNotice(
  caller: Person | undefined,
  what: string,
  why: string,
  thread: ThreadLabel | string | undefined,
): Markdown {
  const who = caller ? msg`${caller.name} (${caller.id})` : msg`an unidentified caller`;
  return msg`Refused: ${who} tried to ${what} (${why}). In ${threadText(thread)}.`;
}

const NOTICE_OUTCOME_LINES = 20;

export function endedNotice(
  req: SignoutRequest,
  thread: ThreadLabel | string | undefined,
  zone?: LocalZone,
): Markdown {
  const by = req.confirmedBy ?? req.cancelledBy;
  const counts = req.targets.length > 1 ? msg` (${tallyText(req)})` : msg``;
  const byWhom = by ? msg`, ${req.status === 'cancelled' ? 'cancelled' : 'confirmed'} by ${by.name}` : msg``;
  const head = msg`${noun(req)} ${req.status}: ${targetsSummary(req)}${counts}, requested by ${req.requester.name}${byWhom}.`;
  const byId = new Map(req.targets.map((t) => [t.id, t]));
  // failures first: they are what the security team has to follow up
  const failedFirst = [
    ...req.outcomes.filter((o) => FAILED_OUTCOMES.includes(o.kind)),
    ...req.outcomes.filter((o) => !FAILED_OUTCOMES.includes(o.kind)),
  ];
  const lines = failedFirst
    .slice(0, NOTICE_OUTCOME_LINES)
    .map((o) => msg`- ${outcomeLine(byId.get(o.userId), o, zone, actionOf(req))}`);
  if (req.outcomes.length > NOTICE_OUTCOME_LINES)
    lines.push(
      msg`- …and ${num(req.outcomes.length - NOTICE_OUTCOME_LINES)} more (all of them in the thread's CSV)`,
    );
  if (req.error) lines.push(plain(req.error));
  return joinMarkdown([head, ...lines, msg`In ${threadText(thread)}.`], msg`\n\n`);
}

export function outcomeLines(req: SignoutRequest, zone?: LocalZone): Markdown {
  const byId = new Map(req.targets.map((t) => [t.id, t]));
  const lines = req.outcomes.map((o) => outcomeLine(byId.get(o.userId), o, zone, actionOf(req)));
  if (req.error && !lines.length) lines.push(plain(req.error));
  return joinMarkdown(lines, msg`\n\n`);
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

export function bulkSummary(req: SignoutRequest): Markdown {
  const ms =
    req.startedAt && req.finishedAt ? Math.max(0, Date.parse(req.finishedAt) - Date.parse(req.startedAt)) : 0;
  const head = req.status === 'cancelled' ? 'Bulk sign-out stopped' : 'Bulk sign-out finished';
  return msg`${head} (${req.source ?? `${req.targets.length} users`}): ${tallyText(req)}, in ${formatDuration(ms)}.`;
}

export function approvalNotice(
  req: SignoutRequest,
  verdict: 'approved' | 'rejected',
  by: Person,
  thread: ThreadLabel | string | undefined,
): Markdown {
  const why = verdict === 'rejected' && req.rejectionReason ? msg` Reason: ${req.rejectionReason}.` : msg``;
  const what = actionOf(req) === 'unblock' ? 'unblock' : 'sign out';
  return msg`${noun(req)} ${verdict}: ${by.name} ${verdict} ${req.requester.name}'s request to ${what} ${targetsSummary(req)}.${why} In ${threadText(thread)}.`;
}

/** `like`: suggestions for some of the typed values (see Directory.suggest). */
export function notFoundList(
  what: string[],
  like: ReadonlyMap<string, readonly DirectoryUser[]> = new Map(),
): Markdown {
  const list = quotedList(what.slice(0, 10));
  const more = what.length > 10 ? msg` and ${what.length - 10} more` : msg``;
  const hints = joinMarkdown(
    what.map((w) => didYouMean(w, like.get(w))),
    msg``,
  );
  return msg`I couldn't find ${list}${more} in the directory, so I did nothing. Check the spelling, or use user principal names or object ids, and ask again.${hints}`;
}

/** "a", "b", "c": each typed value quoted and escaped on its own. */
function quotedList(typed: readonly string[]): Markdown {
  return joinMarkdown(
    typed.map((t) => msg`"${t}"`),
    msg`, `,
  );
}

export function ambiguousInList(typed: string[]): Markdown {
  return msg`${quotedList(typed)} ${typed.length === 1 ? 'matches' : 'match'} several users, and I won't guess. Use their user principal names and ask again.`;
}

export function ambiguousGroup(typed: string, count: number): Markdown {
  return msg`${count} groups are named "${typed}", and I won't guess. Use the group's object id: signout group:${'<id>'}.`;
}

export function noUsers(source: string): Markdown {
  return msg`${source} has no users, so there is nobody to sign out.`;
}

function allowedAgain(who: string): Markdown {
  return msg`Sign-in is allowed again for ${who} (accountEnabled = true). Sessions revoked earlier stay revoked: they sign in afresh.`;
}

/** The audit log's outcome of an unblock that found sign-in already allowed. */
export const NOT_BLOCKED_OUTCOME = 'Sign-in was not blocked; nothing changed';

export function notBlocked(user: DirectoryUser): Markdown {
  return msg`Sign-in is not blocked for ${person(user)}, so there was nothing to unblock and nothing changed.`;
}

export function unblockedNotice(
  by: Person,
  user: DirectoryUser,
  thread: ThreadLabel | string | undefined,
  changed = true,
): Markdown {
  return changed
    ? msg`Unblocked: ${by.name} allowed ${person(user)} to sign in again. In ${threadText(thread)}.`
    : msg`Unblock asked: ${by.name} asked to unblock ${person(user)}, whose sign-in was not blocked; nothing changed. In ${threadText(thread)}.`;
}

const ENTRA_HINT =
  "The bot only reverses blocks it made itself, so that it never re-enables an account someone disabled on purpose (a leaver, an account under investigation). If this account should sign in again, check why it was blocked and enable it in the Microsoft Entra admin center (the user's properties, Account enabled).";

/** `unblock` of a disabled account whose current block the bot's audit log does not show as its own. */
export function notBlockedByBot(user: DirectoryUser): Markdown {
  return msg`I won't unblock ${person(user)}, and I changed nothing: their sign-in is blocked, but not by this bot (its audit log has no block of theirs that is still in force). ${ENTRA_HINT}`;
}

/**
 * The same check when the unblock was confirmed: something changed since the request was made. Plain
 * words, kept as the outcome's message and escaped wherever it is shown.
 */
export function noLongerBlockedByBot(user: DirectoryUser): string {
  return `By the time this was confirmed, the bot's audit log no longer showed a block of ${person(user)} by the bot that is still in force (it was unblocked since this request was made), so nothing was changed. ${ENTRA_HINT}`;
}
