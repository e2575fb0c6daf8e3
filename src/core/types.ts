/** Domain types shared by the pure core, the bot, the cards and the store. */

export type RequestStatus = 'pending' | 'approved' | 'running' | 'done' | 'failed' | 'cancelled' | 'expired';

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
}

export type TargetOutcomeKind = 'revoked' | 'notFound' | 'denied' | 'guestSkipped' | 'failed';

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
}
