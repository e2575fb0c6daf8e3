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
 * both are left out (the audit export has them).
 *
 * Conventions read from the entries (written by the bot, see src/bot/signoutService.ts):
 * - a `requested` entry carries `source`, `block` and `approvalWhy` as fields of their own
 *   (`requestedFields`). One written before issue 9 has only a `detail` string that joined them with
 *   `; `; it is shown as it is, never split, so a group named `x; approval: …` cannot invent details;
 * - one `revoked`/`failed` entry per target, with the TargetOutcomeKind in `outcome`;
 * - a `failed` entry without targets is the whole request failing (its reason in `detail`).
 *
 * Every value from the log stays in a field of its own: `outcome` holds only the bot's words and
 * counts, and the card shows each field in its own TextRun.
 */

import type { AuditEntry } from './audit';
import type { SignoutRequest, TargetOutcomeKind } from './types';
import { num, plural } from './wording';

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

/** Written by this version (requestedFields), as opposed to an entry with only the old joined detail. */
function hasFields(e: AuditEntry): boolean {
  return typeof e.source === 'string' || typeof e.block === 'boolean';
}

function isBulkSource(source: string | undefined): source is string {
  return !!source && /^(?:group:|search:|all$)/i.test(source);
}

const OUTCOME_KINDS: readonly TargetOutcomeKind[] = [
  'revoked',
  'guestSkipped',
  'notFound',
  'denied',
  'failed',
];
/** How many targets are listed by name before "N users" is shorter. */
const NAMED_TARGETS = 3;

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
  const wanted = new Set(
    (typeof q.user === 'string' ? [q.user] : (q.user ?? []))
      .map((u) => u.trim().toLowerCase())
      .filter(Boolean),
  );
  const touches = (targets: unknown) =>
    targetList(targets).some(
      (t) => wanted.has(t.id.toLowerCase()) || (typeof t.upn === 'string' && wanted.has(t.upn.toLowerCase())),
    );

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

  const items: { item: HistoryItem; order: number; match: boolean }[] = [];
  for (const g of groups.values()) {
    const item = requestItem(g.entries);
    items.push({ item, order: g.order, match: !wanted.size || g.entries.some((e) => touches(e.targets)) });
  }
  for (const s of singles) {
    // A refusal about a request names that request's targets.
    const related = s.first.requestId ? groups.get(s.first.requestId) : undefined;
    const own = targetList(s.first.targets);
    const targets = own.length ? own : related ? targetsOf(related.entries) : [];
    items.push({
      item: singleItem(s.first, targets),
      order: s.order,
      match: !wanted.size || touches(targets),
    });
  }

  return items
    .filter((x) => x.match)
    .sort((a, b) => time(b.item.at) - time(a.item.at) || b.order - a.order)
    .slice(0, Math.max(0, q.count))
    .map((x) => x.item);
}

function requestItem(entries: AuditEntry[]): HistoryItem {
  const first = entries[0];
  const of = (event: AuditEntry['event']) => entries.filter((e) => e.event === event);
  const last = (event: AuditEntry['event']) => of(event).at(-1);
  const requested = of('requested');
  const unblockRequest = requested.some((e) => e.action === 'unblock');
  const asked = requested[0] ?? first;
  const structured = requested.filter(hasFields);
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const source = structured.map((e) => text(e.source)).find(Boolean);
  const approvalWhy = structured.map((e) => text(e.approvalWhy)).find((w) => w !== undefined);
  // an entry from before issue 9: its joined detail is shown as it is, never split into fields
  const legacy = requested.length > 0 && !structured.length;
  const legacyDetail = legacy ? requested.map((e) => text(e.detail)).find(Boolean) : undefined;
  const targets = targetsOf(entries);

  const counts = new Map<TargetOutcomeKind, number>();
  let finished = 0;
  let requestFailure: AuditEntry | undefined;
  for (const e of entries) {
    if (e.event !== 'revoked' && e.event !== 'failed') continue;
    const targets = targetList(e.targets);
    if (e.event === 'failed' && !targets.length) {
      requestFailure = e;
      continue;
    }
    const kind: TargetOutcomeKind = OUTCOME_KINDS.includes(e.outcome as TargetOutcomeKind)
      ? (e.outcome as TargetOutcomeKind)
      : e.event === 'revoked'
        ? 'revoked'
        : 'failed';
    const n = Math.max(1, targets.length);
    counts.set(kind, (counts.get(kind) ?? 0) + n);
    finished += n;
  }

  const confirmed = last('confirmed');
  const approved = last('approved');
  const rejected = last('rejected');
  const cancelled = last('cancelled');
  const expired = last('expired');
  const blocked = last('blocked');
  const unblocked = last('unblocked');
  const block = structured.some((e) => e.block === true) || !!blocked;
  const total = Math.max(targets.length, finished);

  let outcome: string;
  let tone: HistoryTone;
  const done = outcomeWords(counts, total, finished, !!cancelled);
  if (rejected) {
    outcome = 'Rejected';
    tone = 'neutral';
  } else if (cancelled && finished) {
    outcome = `Stopped: ${done.text}`;
    tone = 'partial';
  } else if (cancelled) {
    outcome = 'Cancelled';
    tone = 'neutral';
  } else if (unblockRequest && (unblocked || finished)) {
    const failure = of('failed').at(-1);
    outcome = unblocked
      ? 'Sign-in allowed again'
      : `Not unblocked${failure?.detail ? `: ${failure.detail}` : ''}`;
    tone = unblocked ? 'good' : 'bad';
  } else if (finished) {
    outcome = block && blocked ? `Sign-in blocked; ${lowerFirst(done.text)}` : done.text;
    tone = done.tone;
  } else if (requestFailure) {
    outcome = 'Failed';
    tone = 'bad';
  } else if (expired) {
    outcome = 'Expired: nobody confirmed it in time';
    tone = 'neutral';
  } else if (unblocked) {
    outcome = unblocked.outcome || 'Sign-in allowed again';
    tone = 'good';
  } else if (blocked) {
    outcome = blocked.outcome || 'Sign-in blocked';
    tone = 'open';
  } else if (confirmed || approved) {
    outcome = 'Running (or interrupted: it resumes when the bot restarts)';
    tone = 'open';
  } else {
    outcome =
      approvalWhy !== undefined
        ? 'Waiting for a second admin'
        : legacy
          ? 'Waiting for confirmation or approval'
          : 'Waiting for confirmation';
    tone = 'open';
  }

  const lastEntry = entries[entries.length - 1];
  return {
    kind: unblockRequest || (unblocked && !finished) ? 'unblock' : 'signout',
    requestId: first.requestId,
    at: asked.at,
    ...(lastEntry !== asked && lastEntry.at !== asked.at ? { lastAt: lastEntry.at } : {}),
    requester: { ...asked.actor },
    whom: whomText(targets, source),
    targetCount: targets.length,
    ...(source ? { source } : {}),
    ...(isBulkSource(source) ? { askedAs: source } : {}),
    ...(requested[0]?.reason ? { reason: requested[0].reason } : {}),
    block,
    ...(approvalWhy !== undefined ? { approvalWhy } : {}),
    ...(confirmed ? { confirmedBy: nameOf(confirmed.actor) } : {}),
    ...(approved ? { approvedBy: nameOf(approved.actor) } : {}),
    ...(rejected ? { rejectedBy: nameOf(rejected.actor) } : {}),
    ...(rejected?.reason ? { rejectionReason: rejected.reason } : {}),
    ...(cancelled ? { cancelledBy: nameOf(cancelled.actor) } : {}),
    ...(requestFailure?.detail ? { failure: requestFailure.detail } : {}),
    ...(legacyDetail ? { detail: legacyDetail } : {}),
    outcome,
    tone,
  };
}

function singleItem(e: AuditEntry, targets: readonly HistoryTarget[]): HistoryItem {
  const base = {
    requestId: e.requestId,
    at: e.at,
    requester: { ...e.actor },
    whom: targets.length ? whomText(targets, undefined) : e.event === 'refused' ? 'Attempt refused' : '—',
    targetCount: targets.length,
    ...(e.reason ? { reason: e.reason } : {}),
    block: e.event === 'blocked',
  };
  switch (e.event) {
    case 'refused':
      return {
        ...base,
        kind: 'refused',
        ...(e.detail ? { refusal: e.detail } : {}),
        outcome: 'Refused',
        tone: 'bad',
      };
    case 'blocked':
      return { ...base, kind: 'block', outcome: e.outcome || 'Sign-in blocked', tone: 'good' };
    case 'unblocked':
      return { ...base, kind: 'unblock', outcome: e.outcome || 'Sign-in allowed again', tone: 'good' };
    default:
      return {
        ...base,
        kind: 'other',
        ...(e.outcome ? { recordedOutcome: e.outcome } : {}),
        ...(e.detail ? { detail: e.detail } : {}),
        outcome: capitalise(String(e.event)),
        tone: e.event === 'failed' ? 'bad' : 'neutral',
      };
  }
}

/** Every target named by any entry of the action, first mention first, richest record kept. */
function targetsOf(entries: readonly AuditEntry[]): HistoryTarget[] {
  const byId = new Map<string, HistoryTarget>();
  for (const e of entries) {
    for (const t of targetList(e.targets)) {
      const seen = byId.get(t.id);
      byId.set(t.id, { id: t.id, upn: seen?.upn || t.upn, name: seen?.name || t.name });
    }
  }
  return [...byId.values()];
}

/** The well-formed targets of an entry: a log written by hand or by an older version may hold anything. */
function targetList(targets: unknown): HistoryTarget[] {
  if (!Array.isArray(targets)) return [];
  return targets.filter((t): t is HistoryTarget => !!t && typeof t === 'object' && typeof t.id === 'string');
}

function whomText(targets: readonly HistoryTarget[], source: string | undefined): string {
  const n = targets.length;
  const users = plural(n, 'user');
  if (isBulkSource(source)) return users;
  if (n === 0) return source || '—';
  if (n > NAMED_TARGETS) return users;
  return targets.map(targetText).join(', ');
}

function targetText(t: HistoryTarget): string {
  if (t.name && t.upn) return `${t.name} (${t.upn})`;
  return t.upn || t.name || t.id;
}

const KIND_WORDS: Record<TargetOutcomeKind, [one: string, many: string]> = {
  revoked: ['signed out', 'signed out'],
  guestSkipped: ['guest skipped', 'guests skipped'],
  notFound: ['not found', 'not found'],
  denied: ['not allowed', 'not allowed'],
  failed: ['failed', 'failed'],
  unblocked: ['unblocked', 'unblocked'],
};

const SINGLE_WORDS: Record<TargetOutcomeKind, string> = {
  revoked: 'Signed out',
  guestSkipped: 'Guest: nothing changed in this organization',
  notFound: 'Not found in the directory',
  denied: 'Not allowed',
  failed: 'Failed',
  unblocked: 'Sign-in allowed again',
};

function outcomeWords(
  counts: Map<TargetOutcomeKind, number>,
  total: number,
  finished: number,
  stopped: boolean,
): { text: string; tone: HistoryTone } {
  const revoked = counts.get('revoked') ?? 0;
  const tone: HistoryTone =
    revoked === total ? 'good' : revoked > 0 || (counts.get('guestSkipped') ?? 0) > 0 ? 'partial' : 'bad';
  if (total === 1 && finished === 1) {
    const [kind] = [...counts.keys()];
    return { text: SINGLE_WORDS[kind], tone };
  }
  const parts = OUTCOME_KINDS.filter((k) => counts.get(k)).map((k) => {
    const n = counts.get(k) ?? 0;
    return plural(n, ...KIND_WORDS[k]);
  });
  if (total > finished) parts.push(`${num(total - finished)} not signed out`);
  if (!stopped && revoked === total && total > 0) return { text: `All ${num(total)} signed out`, tone };
  return { text: capitalise(parts.join(', ')), tone };
}

function nameOf(p: { id?: string; name?: string } | undefined): string {
  return p?.name || p?.id || 'someone';
}

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? -Infinity : t;
}

function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

function lowerFirst(s: string): string {
  return s && !/^[A-Z]{2}/.test(s) ? s[0].toLowerCase() + s.slice(1) : s;
}
