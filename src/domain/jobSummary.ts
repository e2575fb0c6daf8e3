/**
 * The `ended` line of a job of several users: written after its outcome lines, it says how many users
 * had each outcome, so that history counts a job of 10,000 users from one line instead of 10,000
 * (recentHistory then never parses the others). Pure.
 *
 * Once a request has a summary that reads well, the summary is what history knows of its outcomes: its
 * `revoked`, `failed`, `blocked` and `unblocked` lines are left out of the action (they stay in the log
 * and in the audit export). A summary that does not read well (a hand-edited count, a negative number,
 * an unknown kind) is ignored, and the lines are counted as for a log written before summaries.
 */

import type { AuditEntry, AuditEvent, NewAuditEntry } from './audit';
import type { SignoutRequest, TargetOutcomeKind } from './types';

/** The events whose lines a summary stands for. */
export const SUMMARISED_EVENTS: ReadonlySet<AuditEvent> = new Set([
  'revoked',
  'failed',
  'blocked',
  'unblocked',
]);

const KINDS: ReadonlySet<string> = new Set<TargetOutcomeKind>([
  'revoked',
  'guestSkipped',
  'notFound',
  'denied',
  'failed',
  'unblocked',
]);

export interface JobSummary {
  counts: ReadonlyMap<TargetOutcomeKind, number>;
  blocked: number;
}

/**
 * The summary line of a sign-out job of several users that recorded outcomes; undefined for a single
 * user (one outcome line is as cheap), for a request that never ran, and for unblock jobs (history
 * quotes the failure of an unblock from its outcome line).
 */
export function jobSummaryEntry(req: SignoutRequest): NewAuditEntry | undefined {
  if (req.targets.length < 2 || !req.outcomes.length || req.action === 'unblock') return undefined;
  const counts: Partial<Record<TargetOutcomeKind, number>> = {};
  let blockedCount = 0;
  for (const o of req.outcomes) {
    counts[o.kind] = (counts[o.kind] ?? 0) + 1;
    if (o.blocked) blockedCount++;
  }
  return {
    event: 'ended',
    tenantId: req.tenantId,
    requestId: req.id,
    actor: req.approvedBy ?? req.confirmedBy ?? {},
    counts,
    blockedCount,
  };
}

/** The summary an entry holds, if it is an `ended` entry whose counts read well. */
export function readJobSummary(e: AuditEntry): JobSummary | undefined {
  if (!e || typeof e !== 'object' || e.event !== 'ended') return undefined;
  const { counts, blockedCount } = e as { counts?: unknown; blockedCount?: unknown };
  if (!counts || typeof counts !== 'object' || Array.isArray(counts)) return undefined;
  if (blockedCount !== undefined && !isCount(blockedCount)) return undefined;
  const read = new Map<TargetOutcomeKind, number>();
  for (const [kind, n] of Object.entries(counts)) {
    if (!KINDS.has(kind) || !isCount(n)) return undefined;
    read.set(kind as TargetOutcomeKind, n);
  }
  return { counts: read, blocked: (blockedCount as number | undefined) ?? 0 };
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * The entries of one request that history reads, and its summary: with a summary (the last one that
 * reads well), the lines it stands for are left out.
 */
export function summarised(entries: readonly AuditEntry[]): {
  entries: readonly AuditEntry[];
  summary?: JobSummary;
} {
  for (let i = entries.length - 1; i >= 0; i--) {
    const summary = readJobSummary(entries[i]);
    if (summary) return { entries: entries.filter((e) => !SUMMARISED_EVENTS.has(e.event)), summary };
  }
  return { entries };
}
