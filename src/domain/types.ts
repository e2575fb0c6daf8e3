import type { PostedNotice } from './postedNotice';

/** Domain types shared by every layer: the commands, the cards, Graph, the store and the bot. */

import type { AccessTokenLifetime } from './outEverywhereBy';

/** `scheduled`: confirmed (and approved) to start at `schedule.at`; see src/domain/scheduleLifecycle.ts */
export type RequestStatus =
  'pending' | 'approved' | 'scheduled' | 'running' | 'done' | 'failed' | 'cancelled' | 'expired' | 'rejected';

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

/** `unblocked`: sign-in allowed again by an unblock request. */
export type TargetOutcomeKind = 'revoked' | 'notFound' | 'denied' | 'guestSkipped' | 'failed' | 'unblocked';

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
  /** `--block`: Graph confirmed that the user's sign-in was blocked (accountEnabled=false) */
  blocked?: boolean;
}

/** What a request does to its targets: sign them out (with `block`, block first), or allow sign-in again. */
export type RequestAction = 'signout' | 'unblock';

/** A stored request's action; records from before unblock requests existed have none and are sign-outs. */
export function actionOf(req: Pick<SignoutRequest, 'action'>): RequestAction {
  return req.action === 'unblock' ? 'unblock' : 'signout';
}

/** Where the request's card lives, so it can be updated for everyone later. */
export interface ConversationPointer {
  /** botbuilder ConversationReference as JSON */
  reference: Record<string, unknown>;
  cardActivityId?: string;
}

/** Where a request was asked: the place as Teams names it (team › channel, or a chat), and a link. */
export interface ThreadLabel {
  place: string;
  /** the bot's own link to the message in Teams, its parts percent-encoded */
  link?: string;
}

/** A sign-out to start at a set time (`signout … at <when>`, issue 13). */
export interface Schedule {
  /** when the job starts (ISO, UTC) */
  at: string;
  /** the IANA zone (or 'UTC') the admin's time was read in */
  zone: string;
  /** typed after the time, the requester's Teams time zone, or none needed (`in 45m`) */
  zoneFrom: 'typed' | 'teams' | 'relative';
  /** the requester's Teams time zone (IANA), when Teams sent one: the card shows their clock too */
  requesterZone?: string;
  /** the tenant's access-token lifetime when it was asked, for the "out everywhere by" estimate */
  tokenLifetime?: AccessTokenLifetime;
  /** when the reminder went out; set once, by the instance that posts it */
  remindedAt?: string;
  /** how late the job started, in ms; set with the move to running */
  startedLateMs?: number;
  /**
   * the time had passed by more than SCHEDULE_GRACE_MINUTES before any instance could start the job
   * (the bot was down): when that was found; the request ends expired without running
   */
  missedAt?: string;
}

export interface SignoutRequest {
  id: string;
  /** absent = 'signout' (see actionOf) */
  action?: RequestAction;
  tenantId: string;
  status: RequestStatus;
  createdAt: string;
  expiresAt: string;
  requester: Person;
  reason: string;
  targets: DirectoryUser[];
  conversation: ConversationPointer;
  /** where the request was made, for notifications; a string in requests stored before issue 9 */
  thread?: ThreadLabel | string;
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
  /**
   * who runs the job, or finishes the request's end: INSTANCE_ID, a token of that process (absent
   * before issue 10), and when it last renewed the claim. Only that process writes the job's outcomes
   * and the request's end; a claim older than the lease may be taken over.
   */
  runner?: { instance: string; token?: string; heartbeatAt: string };
  /**
   * when the audit lines of the request's end were written (the event that ended it, its job's
   * outcomes); for a job, stored in the same change as done/failed
   */
  auditedAt?: string;
  /** when the request's end was posted (card, thread, security channel); until then a runner finishes it */
  reportedAt?: string;
  /**
   * the tenant's access-token lifetime when the sign-out ended, for "out everywhere by" on its card and
   * thread post (issue 12); absent on requests that ended before
   */
  tokenLifetime?: AccessTokenLifetime;
  /**
   * a multi-target job's follow-up from the sign-in logs, per signed-out user (issue 12), for the job's CSV;
   * `newPlace` is the most unusual new sign-in's address and place
   */
  signInCheck?: {
    at: string;
    users: {
      userId: string;
      refused: number;
      newSignIns: number;
      lastNewSignInAt?: string;
      newPlace?: string;
    }[];
  };
  /** a scheduled sign-out: its targets are frozen when it is made, and it runs at `schedule.at` */
  schedule?: Schedule;
  /** live figures of a running multi-target job */
  progress?: {
    done: number;
    total: number;
    ratePerSecond: number;
    etaMs?: number;
    throttled: number;
    /** Graph's Retry-After holds the job back until then (ISO) */
    pausedUntil?: string;
  };
  /** the request's notice card in the security channel (see src/domain/requestNotice.ts) */
  notice?: PostedNotice;
}
