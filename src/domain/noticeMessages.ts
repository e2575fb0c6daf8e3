import { bareUrl, joinMarkdown, msg, plain, type Markdown } from './markdown';
import { outcomeLine, tallyText, targetsSummary } from './outcomeMessages';
import { isMultiTarget } from './requestSize';
import { formatInstant, type LocalZone } from './timeFormat';
import { num, plural } from './wording';
import { actionOf, FAILED_OUTCOMES, type Person, type SignoutRequest, type ThreadLabel } from './types';

/** Notices for the security channel: a request made, approved or rejected, ended; the bot's own warnings. */

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

/** "Sign-out" or "Unblock", to head a notice about the request. */
function noun(req: Pick<SignoutRequest, 'action'>): string {
  return actionOf(req) === 'unblock' ? 'Unblock' : 'Sign-out';
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
  const when = req.schedule ? msg` Scheduled for ${formatInstant(req.schedule.at)}.` : msg``;
  return msg`Sign-out requested: ${req.requester.name} asked to sign out ${targetsSummary(req)}.${when} Reason: ${req.reason || 'none given'}. In ${threadText(thread)}.`;
}

const NOTICE_OUTCOME_LINES = 20;

export function endedNotice(
  req: SignoutRequest,
  thread: ThreadLabel | string | undefined,
  zone?: LocalZone,
): Markdown {
  const by = req.confirmedBy ?? req.cancelledBy;
  const counts = isMultiTarget(req) ? msg` (${tallyText(req)})` : msg``;
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
