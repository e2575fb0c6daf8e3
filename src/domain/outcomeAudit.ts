import type { AuditEntry, NewAuditEntry } from './audit';
import { jobSummaryEntry } from './jobSummary';
import { whyScheduleDidNotRun } from './scheduleLifecycle';
import type { SignoutRequest } from './types';

/**
 * The audit lines of a request's end, written by whoever holds the request before the end is marked
 * audited: the event that ended it, if one did (a cancel, an expiry, a rejection), then the outcomes of
 * its job, if it ran one, and for a job of several users its summary (jobSummary.ts) last.
 */
export function endAuditEntries(req: SignoutRequest): NewAuditEntry[] {
  const summary = jobSummaryEntry(req);
  return [...endEventEntries(req), ...outcomeAuditEntries(req), ...(summary ? [summary] : [])];
}

/**
 * endAuditEntries, made a slice of about `size` outcomes at a time: the lines of a job of 100,000 users
 * are not all held at once.
 */
export function* endAuditSlices(req: SignoutRequest, size: number): Generator<NewAuditEntry[]> {
  const events = endEventEntries(req);
  if (events.length) yield events;
  const byId = targetsById(req);
  const summary = jobSummaryEntry(req);
  for (let i = 0; i < req.outcomes.length; i += size) {
    const slice = outcomeAuditEntries(req, req.outcomes.slice(i, i + size), byId);
    // the summary goes with the last slice: a job of fewer users than a slice is still one append
    yield summary && i + size >= req.outcomes.length ? [...slice, summary] : slice;
  }
}

function targetsById(req: SignoutRequest): Map<string, SignoutRequest['targets'][number]> {
  return new Map(req.targets.map((t) => [t.id, t]));
}

function endEventEntries(req: SignoutRequest): NewAuditEntry[] {
  const base = { tenantId: req.tenantId, requestId: req.id };
  switch (req.status) {
    case 'cancelled':
      return [{ event: 'cancelled', ...base, actor: req.cancelledBy ?? {} }];
    case 'expired': {
      const detail = whyScheduleDidNotRun(req);
      return [{ event: 'expired', ...base, actor: {}, ...(detail ? { detail } : {}) }];
    }
    case 'rejected': {
      const conversation = (req.conversation.reference as { conversation?: { id?: unknown } }).conversation;
      return [
        {
          event: 'rejected',
          ...base,
          actor: req.rejectedBy ?? {},
          reason: req.rejectionReason,
          conversationId: typeof conversation?.id === 'string' ? conversation.id : undefined,
        },
      ];
    }
    default:
      return [];
  }
}

/**
 * The audit lines of a job's outcomes: per user, `blocked` when Graph confirmed a block (it is what
 * lets `unblock` tell the bot's blocks from anyone else's, so it is written even when the revoke after
 * it failed), then one outcome line (`revoked`, `unblocked` or `failed`).
 */
export function outcomeAuditEntries(
  req: SignoutRequest,
  outcomes = req.outcomes,
  byId = targetsById(req),
): NewAuditEntry[] {
  const actor = req.approvedBy ?? req.confirmedBy ?? {};
  return outcomes.flatMap((o): NewAuditEntry[] => {
    const targets = [{ id: o.userId, upn: byId.get(o.userId)?.userPrincipalName }];
    const blocked: NewAuditEntry[] = o.blocked
      ? [{ event: 'blocked', tenantId: req.tenantId, requestId: req.id, actor, targets }]
      : [];
    return [
      ...blocked,
      {
        event: o.kind === 'revoked' ? 'revoked' : o.kind === 'unblocked' ? 'unblocked' : 'failed',
        tenantId: req.tenantId,
        requestId: req.id,
        actor,
        targets,
        outcome: o.kind,
        graphRequestIds: o.requestId ? [o.requestId] : undefined,
        detail: o.validFrom ? `validFrom ${o.validFrom}` : o.message,
      },
    ];
  });
}

/**
 * The entries the log does not hold yet, by request, event and user: what the end of a request must
 * still write after a crash that may have come between its audit append and the change that marks it
 * audited, or after a cancel that came in while its outcomes were audited.
 */
export function notYetAudited(
  entries: NewAuditEntry[],
  log: readonly Pick<AuditEntry, 'requestId' | 'event' | 'targets' | 'counts'>[],
): NewAuditEntry[] {
  const requestIds = new Set(entries.map((e) => e.requestId));
  const written = new Set(log.filter((e) => requestIds.has(e.requestId)).map(auditKey));
  return entries.filter((e) => !written.has(auditKey(e)));
}

/**
 * What tells one end line from another: its request, its event and its user; for a summary, its counts
 * (an end audited again because a cancel came in writes a new summary only if the counts changed).
 */
export function auditKey(e: Pick<AuditEntry, 'requestId' | 'event' | 'targets' | 'counts'>): string {
  return JSON.stringify([e.requestId, e.event, e.event === 'ended' ? e.counts : e.targets?.[0]?.id]);
}
