import type { GraphFailure } from '../../domain/graphErrors';

/** The steps of a bulk sign-out: the rows of the phase table (phases.ts). */
export type Phase = 'block' | 'revoke' | 'verify' | 'read';

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

export function newUserRun(userId: string, phase: Phase): UserRun {
  return { userId, phase, failures: 0, mayHaveTakenEffect: false, blocked: false, unknownRevokes: 0 };
}

/** Moves a user to a phase the phase table named, whose request starts afresh. */
export function enterPhase(user: UserRun, phase: Phase): void {
  user.phase = phase;
  user.failures = 0;
  user.throttledSince = undefined;
  user.mayHaveTakenEffect = false;
}
