import { canApprove } from '../domain/approvalPolicy';
import {
  NOT_APPROVER,
  OWN_REQUEST,
  OWN_REQUEST_REJECT,
  REJECT_NEEDS_REASON,
  WRONG_CONFIRM_TEXT,
} from '../domain/clickMessages';
import type { Markdown } from '../domain/markdown';
import { approvalNotice } from '../domain/noticeMessages';
import { decideConfirm } from '../domain/requestLifecycle';
import type { Person, SignoutRequest } from '../domain/types';
import type { ActivityInfo } from './activityInfo';
import { currentCard, loadClicked, type ClickAnswer } from './clickedRequest';
import { matchesPhrase, startJob } from './confirmRequest';
import type { RequestDeps } from './requestDeps';
import { scheduleJob } from './scheduleRequest';

/** The second admin who clicked Approve or Reject, and whether they are one of the approvers. */
export interface Judge {
  who: Person;
  /** an approver (APPROVER_GROUP_ID, or the admins when it is not set) */
  allowed: boolean;
}

/** Approves a request waiting for a second admin, then starts it. `confirmText`: see confirmRequest. */
export function approveRequest(
  d: RequestDeps,
  info: ActivityInfo,
  judge: Judge,
  requestId: string,
  confirmText: string | undefined,
): Promise<ClickAnswer> {
  return judgeRequest(d, info, judge, requestId, {
    verdict: 'approved',
    problem: (req) =>
      req.confirmPhrases && !matchesPhrase(confirmText, req.confirmPhrases) ? WRONG_CONFIRM_TEXT : undefined,
    patch: () => ({ approvedBy: judge.who, approvedAt: d.now().toISOString() }),
  });
}

/** Rejects a request waiting for a second admin, for the reason typed on the card (required). */
export function rejectRequest(
  d: RequestDeps,
  info: ActivityInfo,
  judge: Judge,
  requestId: string,
  reason: string | undefined,
): Promise<ClickAnswer> {
  const why = reason?.trim().slice(0, 500) ?? '';
  return judgeRequest(d, info, judge, requestId, {
    verdict: 'rejected',
    problem: () => (why ? undefined : REJECT_NEEDS_REASON),
    patch: () => ({
      rejectedBy: judge.who,
      rejectedAt: d.now().toISOString(),
      rejectionReason: why,
      finishedAt: d.now().toISOString(),
    }),
  });
}

/** The second admin's verdict on a request waiting for approval: the two-person rule, then one CAS. */
async function judgeRequest(
  d: RequestDeps,
  info: ActivityInfo,
  judge: Judge,
  requestId: string,
  v: {
    verdict: 'approved' | 'rejected';
    problem: (req: SignoutRequest) => Markdown | undefined;
    patch: () => Partial<SignoutRequest>;
  },
): Promise<ClickAnswer> {
  const found = await loadClicked(d, requestId, info);
  if ('message' in found) return found;
  const req = found.req;
  if (!req.approval?.required || req.status !== 'pending') return currentCard(d, req, info.zone);
  const allowed = canApprove({
    requesterId: req.requester.id,
    approverId: judge.who.id,
    approverAllowed: judge.allowed,
  });
  if (!allowed.ok) {
    if (allowed.why === 'ownRequest' && v.verdict === 'rejected') return { message: OWN_REQUEST_REJECT };
    const what =
      allowed.why === 'ownRequest' ? 'approve their own request' : 'approve without being an approver';
    await d.refusals.refuse({
      info,
      what,
      why: 'two-person rule',
      requestId: req.id,
      thread: req.thread ?? info.thread,
    });
    return { message: allowed.why === 'ownRequest' ? OWN_REQUEST : NOT_APPROVER };
  }
  if (decideConfirm(req, d.now()) === 'expire') {
    return currentCard(d, await d.ends.expire(req), info.zone, { csv: false });
  }
  const problem = v.problem(req);
  if (problem) return { message: problem };
  if (v.verdict === 'rejected') {
    // an end: audited and reported by the job runner (see JobEnd)
    const rejected = await d.ends.end(req, ['pending'], 'rejected', v.patch);
    if (rejected.ok) d.log.info({ requestId, approver: judge.who.id }, 'sign-out rejected');
    return currentCard(d, rejected.request ?? req, info.zone);
  }
  if (req.schedule) {
    // approved ahead of its time: it waits for the time as scheduled, it does not start now
    return scheduleJob(d, info, judge.who, req, {
      approval: v.patch(),
      onScheduled: (scheduled) =>
        d.port.notifySecurityInBackground(
          approvalNotice(scheduled, 'approved', judge.who, req.thread ?? info.thread),
          info.origin,
        ),
    });
  }
  const moved = await d.store.transition(req.id, ['pending'], 'approved', v.patch);
  if (!moved.ok) return currentCard(d, moved.request ?? req, info.zone);
  d.log.info({ requestId, approver: judge.who.id }, 'sign-out approved');
  await d.audit.append({
    event: 'approved',
    tenantId: req.tenantId,
    requestId,
    actor: judge.who,
    conversationId: info.conversationId,
  });
  d.port.notifySecurityInBackground(
    approvalNotice(moved.request, 'approved', judge.who, req.thread ?? info.thread),
    info.origin,
  );
  return startJob(d, info, judge.who, moved.request, ['approved']);
}
