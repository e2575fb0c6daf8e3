import {
  explainGraphFailure,
  graphReference,
  unconfirmedRevokeText,
  type GraphAction,
  type GraphFailure,
} from '../../domain/graphErrors';
import type { TargetOutcome } from '../../domain/types';
import { revokeTookEffect } from '../revoke';
import {
  blockItem,
  readBack,
  readItem,
  requestIdOf,
  revokeItem,
  type BatchItem,
  type BatchItemResponse,
} from './items';
import { blockFailed, failed, readBackFailed, revokeFailed, signedOut, unknownFailure } from './outcomes';
import type { Phase, UserRun } from './userRun';

/**
 * The steps of a bulk sign-out, one row per step: which request it sends, what a 2xx leads to, whether
 * an answer of unknown outcome may simply be resent, and what the user's outcome is when the step gives
 * up or the run is cancelled. This table alone says which phase a user moves to; a user always waits
 * in its phase's queue, so the scheduler (scheduler.ts) only moves users between these rows.
 *
 *   block ──2xx──▶ revoke ──2xx──▶ read ──2xx──▶ revoked
 *                    │  ▲
 *     5xx, timeout…  ▼  │ not signed out (yet)
 *                   verify ──signed out──▶ revoked
 */

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

export const PHASES: Readonly<Record<Phase, PhaseRule>> = {
  block: {
    request: blockItem,
    action: 'block',
    resendable: true,
    succeeded: (user) => {
      user.blocked = true;
      return { next: 'revoke' };
    },
    gaveUp: blockFailed,
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
    request: revokeItem,
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

/** Where a new user starts: with the block for `signout --block`, else with the revoke. */
export function firstPhase(block: boolean): Phase {
  return block ? 'block' : 'revoke';
}

/** The order in which ready users fill a batch: those nearest their end first. */
export const PLAN_ORDER: readonly Phase[] = ['read', 'verify', 'revoke', 'block'];

/** The requests a user in each phase still sends when every answer is a 2xx (the ETA's lower bound). */
export const REQUESTS_TO_FINISH: Readonly<Record<Phase, readonly Phase[]>> = {
  block: ['block', 'revoke', 'read'],
  revoke: ['revoke', 'read'],
  verify: ['verify'],
  read: ['read'],
};
