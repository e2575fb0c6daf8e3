/** Domain types shared by the pure core, the bot, the cards and the store. */

export type RequestStatus =
  'pending' | 'approved' | 'running' | 'done' | 'failed' | 'cancelled' | 'expired' | 'rejected';

export interface Person {
  /** Entra object id (aadObjectId) */
  id: string;
  name: string;
}

/** A user as the directory knows it; `validFrom` is signInSessionsValidFromDateTime (ISO, UTC). */
export interface DirectoryUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
  validFrom?: string | null;
  /** names of the directory roles the user holds, directly or through role-assignable groups */
  privilegedRoles?: string[];
}

export type TargetOutcomeKind = 'revoked' | 'notFound' | 'denied' | 'guestSkipped' | 'failed';

/** Outcomes where the user was not signed out and someone should look (a guest is skipped, not failed). */
export const FAILED_OUTCOMES: readonly TargetOutcomeKind[] = ['notFound', 'denied', 'failed'];

export interface TargetOutcome {
  userId: string;
  kind: TargetOutcomeKind;
  /** new signInSessionsValidFromDateTime after a revoke */
  validFrom?: string;
  /** Graph error code, e.g. Request_ResourceNotFound */
  code?: string;
  /** Graph request-id of the failing (or succeeding) call */
  requestId?: string;
  /** plain-words explanation for the admin */
  message?: string;
}

/** Where the request's card lives, so it can be updated for everyone later. */
export interface ConversationPointer {
  /** botbuilder ConversationReference as JSON */
  reference: Record<string, unknown>;
  cardActivityId?: string;
}

export interface SignoutRequest {
  id: string;
  tenantId: string;
  status: RequestStatus;
  createdAt: string;
  expiresAt: string;
  requester: Person;
  reason: string;
  targets: DirectoryUser[];
  conversation: ConversationPointer;
  /** where the request was made, in words, for notifications */
  thread?: string;
  confirmedBy?: Person;
  confirmedAt?: string;
  /** IANA time zone (or UTC offset like +01:00) of whoever confirmed, for the local-time report */
  confirmerTimeZone?: string;
  cancelledBy?: Person;
  startedAt?: string;
  finishedAt?: string;
  outcomes: TargetOutcome[];
  /** plain-words reason when status is failed */
  error?: string;
  /** what the targets were asked as: "lester@contoso.com", group:"Migration Wave 1", search:"Test", all */
  source?: string;
  /** `signout --block`: disable sign-in before revoking */
  block?: boolean;
  /** a second admin must approve before it runs (APPROVAL_POLICY); why, in words */
  approval?: { required: boolean; why: string };
  approvedBy?: Person;
  approvedAt?: string;
  rejectedBy?: Person;
  rejectedAt?: string;
  rejectionReason?: string;
  /** users a group, search or `all` matched but the bot leaves out, with why, e.g. "Break Glass: protected" */
  excluded?: string[];
  /** `--self`: the requester may be among the targets (kept for a choice made later) */
  self?: boolean;
  /** a typed name matched several users: the admin picks one before anything can be confirmed */
  choices?: DirectoryUser[];
  /** `signout all`: what the admin must type to confirm (user count, primary domain), lower-case */
  confirmPhrases?: string[];
  /** which bot instance runs the job, renewed while it runs; a stale one may be taken over */
  runner?: { instance: string; heartbeatAt: string };
  /**
   * The job ended (done, failed, or cancelled while it ran) and its report (card, thread post, audit lines,
   * security notice) may not be out yet. Such a request stays active, so a job reports it after a restart.
   */
  reportPending?: boolean;
  /** live figures of a running bulk job */
  progress?: { done: number; total: number; ratePerSecond: number; etaMs?: number; throttled: number };
}
