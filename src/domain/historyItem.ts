/** One history item from the audit entries of one action (see history.ts). Pure. */

import type { AuditEntry } from './audit';
import type { HistoryItem, HistoryTarget, HistoryTone } from './history';
import { capitalise, lowerFirst, nameOf, OUTCOME_KINDS, outcomeWords } from './historyWords';
import { type JobSummary, summarised } from './jobSummary';
import type { TargetOutcomeKind } from './types';
import { plural } from './wording';

/** Written by this version (requestedFields), as opposed to an entry with only the old joined detail. */
function hasFields(e: AuditEntry): boolean {
  return typeof e.source === 'string' || typeof e.block === 'boolean';
}

function isBulkSource(source: string | undefined): source is string {
  return !!source && /^(?:group:|search:|all$)/i.test(source);
}

/** How many targets are listed by name before "N users" is shorter. */
const NAMED_TARGETS = 3;

/**
 * `entries`: those of one request, in log order; with a summary, its outcome lines are not read, and its
 * `targeted` lines never are (the `requested` line's targetCount says how many targets they add).
 */
export function requestItem(all: readonly AuditEntry[]): HistoryItem {
  const told = all.filter((e) => e.event !== 'targeted');
  // only `targeted` lines: the request's first line is not read yet (or was cut from the log)
  const { entries, summary } = summarised(told.length ? told : all);
  const first = entries[0];
  const of = (event: AuditEntry['event']) => entries.filter((e) => e.event === event);
  const last = (event: AuditEntry['event']) => of(event).at(-1);
  const requested = of('requested');
  const unblockRequest = requested.some((e) => e.action === 'unblock');
  // the newest `requested` line: the one a reader going backwards meets first (the bot writes one)
  const asked = requested.at(-1) ?? first;
  const structured = requested.filter(hasFields);
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const source = structured.map((e) => text(e.source)).find(Boolean);
  const approvalWhy = structured.map((e) => text(e.approvalWhy)).find((w) => w !== undefined);
  // an entry from before issue 9: its joined detail is shown as it is, never split into fields
  const legacy = requested.length > 0 && !structured.length;
  const legacyDetail = legacy ? requested.map((e) => text(e.detail)).find(Boolean) : undefined;
  const targets = requestTargets(entries);

  const { counts, finished, requestFailure } = summary ? fromSummary(summary) : countOutcomes(entries);

  const confirmed = last('confirmed');
  const approved = last('approved');
  const rejected = last('rejected');
  const cancelled = last('cancelled');
  const expired = last('expired');
  // with a summary, its counts say what the `blocked` and `unblocked` lines would
  const blocked: Pick<AuditEntry, 'outcome'> | undefined =
    last('blocked') ?? (summary?.blocked ? {} : undefined);
  const unblocked: Pick<AuditEntry, 'outcome'> | undefined =
    last('unblocked') ?? (summary?.counts.get('unblocked') ? {} : undefined);
  const block = structured.some((e) => e.block === true) || !!blocked;
  const total = Math.max(targets.count, finished);

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
    targetCount: targets.count,
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

interface Outcomes {
  counts: Map<TargetOutcomeKind, number>;
  finished: number;
  /** a `failed` line without targets: the whole request failed */
  requestFailure?: AuditEntry;
}

/** The outcomes of a job counted from its lines: one `revoked`/`failed` line per user. */
function countOutcomes(entries: readonly AuditEntry[]): Outcomes {
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
  return { counts, finished, requestFailure };
}

/** The same from a summary; `unblocked` is not counted, as no `revoked`/`failed` line holds it. */
function fromSummary(summary: JobSummary): Outcomes {
  const counts = new Map<TargetOutcomeKind, number>();
  let finished = 0;
  for (const kind of OUTCOME_KINDS) {
    const n = summary.counts.get(kind);
    if (!n) continue;
    counts.set(kind, n);
    finished += n;
  }
  return { counts, finished };
}

export function singleItem(e: AuditEntry, targets: TargetsToName): HistoryItem {
  const base = {
    requestId: e.requestId,
    at: e.at,
    requester: { ...e.actor },
    whom: targets.count ? whomText(targets, undefined) : e.event === 'refused' ? 'Attempt refused' : '—',
    targetCount: targets.count,
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

/** How many targets an action has, and who they are when few enough to be named. */
export interface TargetsToName {
  count: number;
  /** every target, first mention first, richest record kept, when count is at most NAMED_TARGETS */
  named: readonly HistoryTarget[];
}

/**
 * The targets of a request's entries other than `targeted` lines: the distinct ids they name, or the
 * `requested` line's targetCount when it says more. A tenant-wide job's 10,000 targets are counted
 * without a record made for each.
 */
export function requestTargets(entries: readonly AuditEntry[]): TargetsToName {
  const named = targetsToName(entries.filter((e) => e.event !== 'targeted'));
  const declared = entries.find((e) => e.event === 'requested' && isCount(e.targetCount))?.targetCount ?? 0;
  return declared > named.count ? { count: declared, named: [] } : named;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function targetsToName(entries: readonly AuditEntry[]): TargetsToName {
  const ids = new Set<string>();
  const named = new Map<string, HistoryTarget>();
  for (const e of entries) {
    if (!Array.isArray(e.targets)) continue;
    for (const t of e.targets as unknown[]) {
      if (!isTarget(t)) continue;
      const seen = named.get(t.id);
      if (seen) named.set(t.id, { id: t.id, upn: seen.upn || t.upn, name: seen.name || t.name });
      else if (!ids.has(t.id) && ids.add(t.id).size <= NAMED_TARGETS) {
        named.set(t.id, { id: t.id, upn: t.upn, name: t.name });
      }
    }
  }
  return { count: ids.size, named: ids.size <= NAMED_TARGETS ? [...named.values()] : [] };
}

/** The well-formed targets of an entry: a log written by hand or by an older version may hold anything. */
export function targetList(targets: unknown): HistoryTarget[] {
  if (!Array.isArray(targets)) return [];
  return targets.filter(isTarget);
}

export function isTarget(t: unknown): t is HistoryTarget {
  return !!t && typeof t === 'object' && typeof (t as { id?: unknown }).id === 'string';
}

function whomText(targets: TargetsToName, source: string | undefined): string {
  const n = targets.count;
  const users = plural(n, 'user');
  if (isBulkSource(source)) return users;
  if (n === 0) return source || '—';
  if (n > NAMED_TARGETS || targets.named.length < n) return users;
  return targets.named.map(targetText).join(', ');
}

function targetText(t: HistoryTarget): string {
  if (t.name && t.upn) return `${t.name} (${t.upn})`;
  return t.upn || t.name || t.id;
}
