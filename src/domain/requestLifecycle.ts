import { isMultiTarget } from './requestSize';
import type { RequestStatus, SignoutRequest } from './types';

/**
 * The sign-out request state machine (DESIGN.md §1):
 * pending → (approved →) running → done | failed, pending/approved → cancelled | expired,
 * pending → rejected by a second admin, and running → cancelled for a multi-target job stopped part-way.
 * A scheduled sign-out goes pending → scheduled (confirmed or approved) → running at its time, or
 * scheduled → cancelled, or → expired when its time went by beyond the grace (scheduleLifecycle.ts).
 */
const TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  pending: ['approved', 'scheduled', 'running', 'cancelled', 'expired', 'rejected'],
  approved: ['running', 'cancelled', 'expired'],
  scheduled: ['running', 'cancelled', 'expired'],
  running: ['done', 'failed', 'cancelled'],
  done: [],
  failed: [],
  cancelled: [],
  expired: [],
  rejected: [],
};

export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isFinal(status: RequestStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/**
 * Nothing more to do for a request: it ended, and its end has been audited and reported (`reportedAt`).
 * Every end is finished in steps by whoever holds the request (see JobRunner): until the report is
 * out, the request stays in the index of active ones, so the sweep finishes it after a crash.
 */
export function isSettled(req: Pick<SignoutRequest, 'status' | 'reportedAt'>): boolean {
  return isFinal(req.status) && !!req.reportedAt;
}

/** A request that still needs a runner: a running job, or an end not yet audited and reported. */
export function needsRunner(req: Pick<SignoutRequest, 'status' | 'reportedAt'>): boolean {
  return req.status === 'running' || (isFinal(req.status) && !isSettled(req));
}

/**
 * Ended by a version that audited and reported an end at once and stored neither step (before issue
 * 10): nothing is left to finish. An end stored since then is audited, or held by the process that
 * stored it, or (a cancelled job) has no finish time until it is audited.
 */
export function endedBeforeSteps(
  req: Pick<SignoutRequest, 'status' | 'finishedAt' | 'auditedAt' | 'reportedAt' | 'runner'>,
): boolean {
  return isFinal(req.status) && !!req.finishedAt && !req.auditedAt && !req.reportedAt && !req.runner?.token;
}

export function isExpired(req: Pick<SignoutRequest, 'expiresAt'>, now: Date): boolean {
  return now.getTime() >= Date.parse(req.expiresAt);
}

/** What a click on "Sign out" does to a request in its current state. */
export type ConfirmDecision = 'start' | 'expire' | 'nothing';

export function decideConfirm(req: SignoutRequest, now: Date): ConfirmDecision {
  if (req.status !== 'pending' && req.status !== 'approved') return 'nothing';
  return isExpired(req, now) ? 'expire' : 'start';
}

/**
 * What a click on "Cancel" does: a request that has not started (also a scheduled one) is cancelled; a
 * running multi-target job is stopped (users already signed out stay signed out); a single sign-out in
 * flight cannot be undone.
 */
export type CancelDecision = 'cancel' | 'stop' | 'expire' | 'nothing';

export function decideCancel(req: SignoutRequest, now: Date): CancelDecision {
  if (req.status === 'running' && isMultiTarget(req)) return 'stop';
  // until its job starts, whatever the time: the start is a compare-and-swap the cancel may win
  if (req.status === 'scheduled') return 'cancel';
  if (req.status !== 'pending' && req.status !== 'approved') return 'nothing';
  return isExpired(req, now) ? 'expire' : 'cancel';
}
