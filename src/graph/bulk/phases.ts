import {
  GUEST_MESSAGE,
  explainGraphFailure,
  graphReference,
  unconfirmedRevokeText,
  type GraphAction,
  type GraphFailure,
} from '../../domain/graphErrors';
import type { TargetOutcome } from '../../domain/types';
import { revokeTookEffect } from '../revoke';

/**
 * The steps of a bulk sign-out, one row per step: which request it sends, what a 2xx leads to, whether
 * an answer of unknown outcome may simply be resent, and what the user's outcome is when the step gives
 * up or the run is cancelled. The scheduler (batchScheduler.ts) only moves users between these rows.
 *
 *   block ──2xx──▶ revoke ──2xx──▶ read ──2xx──▶ revoked
 *                    │  ▲
 *     5xx, timeout…  ▼  │ not signed out (yet)
 *                   verify ──signed out──▶ revoked
 */

export type Phase = 'block' | 'revoke' | 'verify' | 'read';

export interface BatchItem {
  id: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  dependsOn?: string[];
}

export interface BatchItemResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body?: any;
}

/** One user's progress through the phases. */
export interface UserRun {
  userId: string;
  phase: Phase;
  /** retryable failures of the current phase's request */
  failures: number;
  /** when the current request was first throttled, if it still is */
  throttledSince?: number;
  /** a request of the current phase went out and its outcome is unknown: it may have taken effect */
  mayHaveTakenEffect: boolean;
  /** the block answered 2xx */
  blocked: boolean;
  /** when the first revoke was sent: a valid-from at or after it (to the second) proves a revoke */
  firstRevokeAt?: number;
  /** revokes sent whose outcome was unknown (each was then verified) */
  unknownRevokes: number;
  lastRevokeFailure?: GraphFailure;
  revokeRequestId?: string;
  last?: GraphFailure;
}

export interface PhaseContext {
  /** attempts per request (for the revoke: revokes sent in all) */
  maxAttempts: number;
}

export type Step = { next: Phase } | { outcome: TargetOutcome };

export interface PhaseRule {
  /** the Graph request of this phase, as a $batch item */
  request(userId: string, itemId: string): BatchItem;
  /** what the request does, for explainGraphFailure */
  action: GraphAction;
  /**
   * Whether an answer of unknown outcome (5xx, 424, timeout, transport error, no answer) may simply be
   * resent. Reads and the block (PATCH accountEnabled=false) are idempotent; a revoke is not resent
   * blindly but goes to `whenUnknown` first.
   */
  resendable: boolean;
  whenUnknown?: Phase;
  /** bookkeeping when a request of this phase is sent */
  sent?(user: UserRun, now: number): void;
  /** what a 2xx leads to: the next phase, or the user's outcome */
  succeeded(user: UserRun, answer: BatchItemResponse, ctx: PhaseContext): Step;
  /** the outcome when this phase's request fails for good; `wholeBatch`: the failure was the batch's */
  gaveUp(user: UserRun, f: GraphFailure, wholeBatch: boolean): TargetOutcome;
  /** the outcome after a cancel with the user in this phase; undefined = not started */
  cancelled(user: UserRun): TargetOutcome | undefined;
}

const SELECT = 'signInSessionsValidFromDateTime,userType';

function userPath(userId: string): string {
  return `/users/${encodeURIComponent(userId)}`;
}

function readItem(userId: string, itemId: string): BatchItem {
  return { id: itemId, method: 'GET', url: `${userPath(userId)}?$select=${SELECT}` };
}

interface ReadBack {
  signInSessionsValidFromDateTime?: string | null;
  userType?: string | null;
}

function readBack(r: BatchItemResponse): { validFrom?: string; guest: boolean } {
  const body = (r.body ?? {}) as ReadBack;
  return { validFrom: body.signInSessionsValidFromDateTime ?? undefined, guest: body.userType === 'Guest' };
}

/** The revoke took effect; `validFrom` as read back. */
function signedOut(user: UserRun, validFrom: string | undefined, guest: boolean): TargetOutcome {
  const base = { userId: user.userId, validFrom, requestId: user.revokeRequestId };
  return guest ? { ...base, kind: 'guestSkipped', message: GUEST_MESSAGE } : { ...base, kind: 'revoked' };
}

/** The revoke took effect but its read-back did not: the user is signed out, without a confirmed time. */
function readBackFailed(user: UserRun, why: string, f: GraphFailure | undefined): TargetOutcome {
  return {
    userId: user.userId,
    kind: 'revoked',
    code: f?.code,
    requestId: f?.requestId ?? user.revokeRequestId,
    message: `Sessions were revoked, but the new valid-from time could not be read back. ${why}`,
  };
}

function failed(user: UserRun, f: GraphFailure | undefined, message: string): TargetOutcome {
  return { userId: user.userId, kind: 'failed', code: f?.code, requestId: f?.requestId, message };
}

/** A revoke that did not happen: Graph refused it, or the bot checked that it had not taken effect. */
function revokeFailed(user: UserRun, f: GraphFailure, wholeBatch: boolean): TargetOutcome {
  const e = explainGraphFailure(f, 'revoke', user.userId);
  const checked = user.unknownRevokes > 0 ? ' The bot checked: they were not signed out.' : '';
  // a whole-batch 404/403 says nothing about this user
  const kind = wholeBatch ? 'failed' : e.kind;
  return { userId: user.userId, kind, code: f.code, requestId: f.requestId, message: `${e.text}${checked}` };
}

export const PHASES: Readonly<Record<Phase, PhaseRule>> = {
  block: {
    request: (userId, itemId) => ({
      id: itemId,
      method: 'PATCH',
      url: userPath(userId),
      body: { accountEnabled: false },
      headers: { 'Content-Type': 'application/json' },
    }),
    action: 'block',
    resendable: true,
    succeeded: (user) => {
      user.blocked = true;
      return { next: 'revoke' };
    },
    gaveUp: (user, f, wholeBatch) => {
      const e = explainGraphFailure(f, 'block', user.userId);
      const maybe = user.mayHaveTakenEffect
        ? ' They were not signed out, and Graph did not confirm whether sign-in is blocked: check the account in the Entra admin center.'
        : '';
      return {
        userId: user.userId,
        kind: wholeBatch ? 'failed' : e.kind,
        code: f.code,
        requestId: f.requestId,
        message: `${e.text}${maybe}`,
      };
    },
    cancelled: (user) =>
      user.mayHaveTakenEffect
        ? failed(
            user,
            user.last,
            'The run was cancelled before Graph confirmed that sign-in is blocked; it may be. They were not signed out.',
          )
        : undefined,
  },

  revoke: {
    // a POST inside $batch needs a body and a Content-Type, even for an action that takes none
    request: (userId, itemId) => ({
      id: itemId,
      method: 'POST',
      url: `${userPath(userId)}/revokeSignInSessions`,
      body: {},
      headers: { 'Content-Type': 'application/json' },
    }),
    action: 'revoke',
    resendable: false,
    whenUnknown: 'verify',
    sent: (user, now) => {
      user.firstRevokeAt ??= now;
    },
    succeeded: (user, answer) => {
      user.revokeRequestId = requestIdOf(answer);
      return { next: 'read' };
    },
    gaveUp: revokeFailed,
    cancelled: (user) => {
      if (user.blocked) {
        return failed(
          user,
          user.lastRevokeFailure,
          'Sign-in is blocked, but the run was cancelled before their sessions were revoked.',
        );
      }
      if (user.unknownRevokes === 0 || !user.lastRevokeFailure) return undefined;
      const e = explainGraphFailure(user.lastRevokeFailure, 'revoke', user.userId);
      return failed(
        user,
        user.lastRevokeFailure,
        `The run was cancelled before this sign-out could be retried; the bot checked and they were not signed out. ${e.text}`,
      );
    },
  },

  verify: {
    request: readItem,
    action: 'lookup',
    resendable: true,
    succeeded: (user, answer, ctx) => {
      const { validFrom, guest } = readBack(answer);
      // a guest's revoke changes nothing here, so there is nothing to check and nothing to resend
      if (guest || revokeTookEffect(validFrom, user.firstRevokeAt ?? Infinity)) {
        user.revokeRequestId ??= user.lastRevokeFailure?.requestId ?? requestIdOf(answer);
        return { outcome: signedOut(user, validFrom, guest) };
      }
      if (user.unknownRevokes >= ctx.maxAttempts) {
        return { outcome: revokeFailed(user, user.lastRevokeFailure ?? unknownFailure(), false) };
      }
      return { next: 'revoke' };
    },
    gaveUp: (user, f) => {
      const revoke = user.lastRevokeFailure ?? unknownFailure();
      return failed(user, revoke, unconfirmedRevokeText(user.userId, revoke, f));
    },
    cancelled: (user) => {
      const revoke = user.lastRevokeFailure ?? unknownFailure();
      return failed(
        user,
        revoke,
        `The run was cancelled before the bot could check whether this sign-out took effect; it may have. ${graphReference(revoke)}`,
      );
    },
  },

  read: {
    request: readItem,
    action: 'lookup',
    resendable: true,
    succeeded: (user, answer) => {
      const { validFrom, guest } = readBack(answer);
      return { outcome: signedOut(user, validFrom, guest) };
    },
    gaveUp: (user, f) => readBackFailed(user, explainGraphFailure(f, 'lookup', user.userId).text, f),
    cancelled: (user) =>
      readBackFailed(user, 'The run was cancelled before the new valid-from time was read back.', user.last),
  },
};

/** The order in which ready users fill a batch: those nearest their end first. */
export const PLAN_ORDER: readonly Phase[] = ['read', 'verify', 'revoke', 'block'];

export function newUserRun(userId: string, phase: Phase): UserRun {
  return { userId, phase, failures: 0, mayHaveTakenEffect: false, blocked: false, unknownRevokes: 0 };
}

function unknownFailure(): GraphFailure {
  return { status: 0, code: 'Unknown', message: 'no answer was recorded' };
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : String(headers[key]);
}

export function requestIdOf(r: BatchItemResponse): string | undefined {
  const inner = r.body?.error?.innerError ?? r.body?.error?.innererror;
  return header(r.headers, 'request-id') ?? inner?.['request-id'] ?? undefined;
}

export function headerOf(r: BatchItemResponse, name: string): string | undefined {
  return header(r.headers, name.toLowerCase());
}
