import { outcomeUnknown } from '../../domain/graphErrors';
import type { TargetOutcome } from '../../domain/types';
import { RETRY_BACKOFF_MAX_MS, backoff } from './backoff';
import { graphFailureOf, isRetryable, type AttemptFailure } from './failures';
import type { BatchItemResponse } from './items';
import { PHASES } from './phases';
import { enterPhase, type UserRun } from './userRun';

export interface AttemptPolicy {
  /** per request, for 5xx/424/timeouts/transport errors; for the revoke: revokes sent in all */
  maxAttempts: number;
  /** a request throttled (429) continuously for longer than this fails as throttled */
  maxThrottledMs: number;
  /** for backoff jitter, in [0, 1) */
  random: () => number;
}

/**
 * What comes of one answer for one user: the user's final outcome, or its next request, now or not
 * before a time. The next request is always that of the user's phase, which only the phase table
 * changes: so the table alone says which queue a user returns to.
 */
export type AfterAnswer = { outcome: TargetOutcome } | { notBefore?: number };

/** A 2xx: the phase table says what it leads to. */
export function afterSuccess(user: UserRun, answer: BatchItemResponse, policy: AttemptPolicy): AfterAnswer {
  const step = PHASES[user.phase].succeeded(user, answer, { maxAttempts: policy.maxAttempts });
  if ('outcome' in step) return step;
  enterPhase(user, step.next);
  return {};
}

/** A non-2xx, or a batch that failed as a whole (`wholeBatch`). */
export function afterFailure(
  user: UserRun,
  f: AttemptFailure,
  now: number,
  wholeBatch: boolean,
  policy: AttemptPolicy,
): AfterAnswer {
  const failure = graphFailureOf(f);
  user.last = failure;
  const rule = PHASES[user.phase];
  if (f.status === 429) {
    // Graph did not run a throttled request: sending it again is always safe
    user.throttledSince ??= now;
    if (now - user.throttledSince < policy.maxThrottledMs) return {};
    return { outcome: rule.gaveUp(user, failure, wholeBatch) };
  }
  user.throttledSince = undefined;
  if (!isRetryable(f.status)) return { outcome: rule.gaveUp(user, failure, wholeBatch) };
  if (outcomeUnknown(f) && !rule.resendable && rule.whenUnknown) {
    // the revoke may have taken effect: check before sending another
    user.unknownRevokes++;
    user.lastRevokeFailure = failure;
    const attempt = user.unknownRevokes;
    enterPhase(user, rule.whenUnknown);
    return { notBefore: now + backoff(attempt, RETRY_BACKOFF_MAX_MS, policy.random) };
  }
  if (outcomeUnknown(f)) user.mayHaveTakenEffect = true;
  if (++user.failures < policy.maxAttempts) {
    return { notBefore: now + backoff(user.failures, RETRY_BACKOFF_MAX_MS, policy.random) };
  }
  return { outcome: rule.gaveUp(user, failure, wholeBatch) };
}
