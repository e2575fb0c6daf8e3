/**
 * `history [user] [n]`: the audit log read back as actions an admin recognises. Pure.
 *
 * One action is one of:
 * - a sign-out request with everything that happened to it (its entries share a requestId): who asked,
 *   whom, who confirmed, approved, rejected or cancelled it, and the outcome counted over its targets;
 * - an unblock request (its `requested` entry has `action: 'unblock'`), the same way, ending in
 *   `unblocked` or `failed`;
 * - a refused attempt (`refused`), on its own even when it names a request (e.g. approving one's own);
 * - a block or unblock that is not part of a request.
 * `status` entries are look-ups and `downloaded` entries are uses of a CSV link, not actions on users:
 * both are left out (the audit export has them). So is a request whose `requested` line is not in the
 * log (asked before the log was rotated, or torn by a crash): history ranks a request by that line, and
 * a reader going backwards could never tell where it belongs. A request is ranked by its newest
 * `requested` line (the bot writes one), the first that reader meets.
 *
 * Conventions read from the entries (written by the bot, see src/bot/signoutService.ts):
 * - a `requested` entry carries `source`, `block` and `approvalWhy` as fields of their own
 *   (`requestedFields`). One written before issue 9 has only a `detail` string that joined them with
 *   `; `; it is shown as it is, never split, so a group named `x; approval: …` cannot invent details;
 * - one `revoked`/`failed` entry per target, with the TargetOutcomeKind in `outcome`; after them, for a
 *   job of several users, one `ended` entry with the counts, which history reads instead of them
 *   (src/domain/jobSummary.ts);
 * - a `failed` entry without targets is the whole request failing (its reason in `detail`).
 *
 * Every value from the log stays in a field of its own: `outcome` holds only the bot's words and
 * counts, and the card shows each field in its own TextRun.
 */

import type { AuditEntry } from './audit';
import { isTarget, requestItem, requestTargets, singleItem, targetList } from './historyItem';
import { summarised } from './jobSummary';
import type { SignoutRequest } from './types';

export type HistoryKind = 'signout' | 'unblock' | 'block' | 'refused' | 'other';

/** How the action ended, for colour: all done, partly done, nothing done because of a failure, etc. */
export type HistoryTone = 'good' | 'partial' | 'bad' | 'neutral' | 'open';

export interface HistoryTarget {
  id: string;
  upn?: string;
  name?: string;
}

export interface HistoryItem {
  kind: HistoryKind;
  requestId?: string;
  /** when it was asked: the first entry of the action */
  at: string;
  /** the last entry of the action, when there is more than one */
  lastAt?: string;
  requester: { id?: string; name?: string };
  /** whom: 'Lester Lee (lester@contoso.com)', or for more than a few targets '37 users' */
  whom: string;
  targetCount: number;
  /** what the targets were asked as: group:"…", search:"…", all, or the typed users */
  source?: string;
  /** the source when it is a group, a search or all: whom does not say it, so the card shows it */
  askedAs?: string;
  reason?: string;
  block: boolean;
  approvalWhy?: string;
  confirmedBy?: string;
  approvedBy?: string;
  rejectedBy?: string;
  rejectionReason?: string;
  cancelledBy?: string;
  /** for refused attempts: what was refused and why, as logged */
  refusal?: string;
  /** why a whole request failed, as logged */
  failure?: string;
  /** a note from the log shown as it is: an old entry's joined details, or an odd entry's detail */
  detail?: string;
  /** an odd entry's `outcome` field, as logged */
  recordedOutcome?: string;
  /** the outcome in the bot's words: 'Signed out', '35 signed out, 2 failed', 'Rejected', 'Refused' */
  outcome: string;
  tone: HistoryTone;
}

export interface HistoryQuery {
  /** only actions on this user: object ids or UPNs, compared case-insensitively */
  user?: string | readonly string[];
  /** how many actions, newest first */
  count: number;
}

/** The fields of a `requested` entry that say how the request was asked; buildHistory reads them. */
export function requestedFields(
  req: Pick<SignoutRequest, 'source' | 'block' | 'approval'>,
): Required<Pick<AuditEntry, 'source' | 'block'>> & Pick<AuditEntry, 'approvalWhy'> {
  return {
    source: req.source ?? '',
    block: !!req.block,
    ...(req.approval?.required ? { approvalWhy: req.approval.why } : {}),
  };
}

interface Group {
  first: AuditEntry;
  entries: AuditEntry[];
  order: number;
}

/**
 * The last `count` actions, newest first (by when they were asked; the log's order breaks ties),
 * optionally only those whose targets include `user`.
 */
export function buildHistory(entries: readonly AuditEntry[], q: HistoryQuery): HistoryItem[] {
  return rankActions(entries, q.user)
    .filter((x) => x.match && (x.whole || !x.request))
    .slice(0, Math.max(0, q.count))
    .map((x) => x.item);
}

/** An action of the log, with what a partial read of the log needs to know about it. */
export interface RankedAction {
  item: HistoryItem;
  /** the position of its first entry in the log */
  order: number;
  /** whether its targets include the user asked about (always, when no user was asked about) */
  match: boolean;
  /**
   * Whether every entry it depends on is among those read: a request whose `requested` entry was read
   * (entries of a request come after it), or a refusal that names its own targets or whose request is
   * whole. An action that is not whole may still change, or start to match, as older entries are read.
   */
  whole: boolean;
  /** a request, which is asked (and ranked) by an entry that may not be read yet; else one entry */
  request: boolean;
}

/** Every action, newest first as buildHistory orders them, each saying whether it touches `user`. */
export function rankActions(entries: readonly AuditEntry[], user: HistoryQuery['user']): RankedAction[] {
  const { wanted, touches } = userMatch(user);

  const groups = new Map<string, Group>();
  const singles: Group[] = [];
  entries.forEach((e, order) => {
    if (!e || typeof e !== 'object' || e.event === 'status' || e.event === 'downloaded') return;
    if (e.event === 'refused' || !e.requestId) {
      singles.push({ first: e, entries: [e], order });
      return;
    }
    const g = groups.get(e.requestId);
    if (g) g.entries.push(e);
    else groups.set(e.requestId, { first: e, entries: [e], order });
  });
  const whole = (g: Group) => g.entries.some((e) => e.event === 'requested');

  const items: RankedAction[] = [];
  for (const g of groups.values()) {
    items.push({
      item: requestItem(g.entries),
      order: g.order,
      whole: whole(g),
      request: true,
      match: !wanted.size || g.entries.some((e) => touches(e.targets)),
    });
  }
  for (const s of singles) {
    // A refusal about a request names that request's targets.
    const related = s.first.requestId ? groups.get(s.first.requestId) : undefined;
    const own = targetList(s.first.targets);
    const relatedEntries = related ? summarised(related.entries).entries : [];
    items.push({
      item: singleItem(
        s.first,
        own.length ? { count: own.length, named: own } : requestTargets(relatedEntries),
      ),
      order: s.order,
      whole: own.length > 0 || !s.first.requestId || (!!related && whole(related)),
      request: false,
      match: !wanted.size || (own.length ? touches(own) : relatedEntries.some((e) => touches(e.targets))),
    });
  }

  return items.sort((a, b) => entryTime(b.item.at) - entryTime(a.item.at) || b.order - a.order);
}

/**
 * The ids and UPNs asked about (trimmed, lower case), and whether targets name one of them: an object id
 * or UPN equal to one after toLowerCase.
 */
export function userMatch(user: HistoryQuery['user']): {
  wanted: ReadonlySet<string>;
  touches: (targets: unknown) => boolean;
} {
  const wanted = new Set(
    (typeof user === 'string' ? [user] : (user ?? [])).map((u) => u.trim().toLowerCase()).filter(Boolean),
  );
  const touches = (targets: unknown) => {
    if (!Array.isArray(targets)) return false;
    for (const t of targets as unknown[]) {
      if (!isTarget(t)) continue;
      if (wanted.has(t.id.toLowerCase()) || (typeof t.upn === 'string' && wanted.has(t.upn.toLowerCase()))) {
        return true;
      }
    }
    return false;
  };
  return { wanted, touches };
}

/** An entry's time in ms; one that is not a date sorts as the oldest. */
export function entryTime(iso: unknown): number {
  const t = typeof iso === 'string' ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}
