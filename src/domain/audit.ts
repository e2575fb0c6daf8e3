/** What the audit log records: one entry per decision (who asked, who confirmed, targets, outcome). */

import type { TargetOutcomeKind } from './types';

export type AuditEvent =
  | 'requested'
  | 'refused'
  | 'confirmed'
  | 'cancelled'
  | 'expired'
  | 'revoked'
  | 'failed'
  | 'approved'
  | 'rejected'
  | 'blocked'
  | 'unblocked'
  | 'status'
  /** a CSV link was used: `outcome` is `served` or `expired`, `client` says where from */
  | 'downloaded'
  /** an alert card was posted to the security channel: a risky user's episode, or a submitted alert */
  | 'alerted'
  /** an admin confirmed the user compromised in Identity Protection, from an alert card */
  | 'compromised'
  /** an admin dismissed the user's risk in Identity Protection, from an alert card */
  | 'dismissed'
  /**
   * a job of several users ended: after its outcome lines, one line with `counts` and `blockedCount`
   * (src/domain/jobSummary.ts), so that history need not read each user's line
   */
  | 'ended'
  /**
   * more targets of a request with more than TARGETS_PER_LINE (src/domain/requestedAudit.ts): its
   * `requested` line names the first ones and says how many in `targetCount`; these lines name the rest
   */
  | 'targeted';

export interface AuditEntry {
  at: string;
  event: AuditEvent;
  tenantId?: string;
  requestId?: string;
  actor: { id?: string; name?: string };
  targets?: { id: string; upn?: string; name?: string }[];
  outcome?: string;
  /** Graph request-ids of the calls that decided the outcome */
  graphRequestIds?: string[];
  reason?: string;
  /** a note in words, shown as it is; history never reads fields out of it */
  detail?: string;
  /**
   * `requested` only, each as its own field so no value can pose as another: what the targets were
   * asked as (as typed: a UPN, group:"…", search:"…", all), whether sign-in is blocked first, and why a
   * second admin must approve (absent when none must). Entries written before issue 9 lack them.
   */
  source?: string;
  block?: boolean;
  approvalWhy?: string;
  /** where the action was asked: conversation id */
  conversationId?: string;
  /** for `downloaded`: the HTTP client (see src/bot/csvLinks.ts) */
  client?: { ip: string; userAgent?: string; httpRequestId: string };
  /** for `ended`: how many of the job's users had each outcome (kinds with none are left out) */
  counts?: Partial<Record<TargetOutcomeKind, number>>;
  /** for `ended`: how many of the job's users it blocked from signing in */
  blockedCount?: number;
  /** on `requested` whose targets go on in `targeted` lines: how many targets the request has */
  targetCount?: number;
  /** on `requested`: what the request does when it is not a sign-out (absent = sign-out) */
  action?: 'unblock';
}

/** An entry as a caller gives it: `at` defaults to the time of the append. */
export type NewAuditEntry = Omit<AuditEntry, 'at'> & { at?: string };
