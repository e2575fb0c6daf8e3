import type { BudgetPacer } from '../../domain/tokenBucket';
import type { TargetOutcome } from '../../domain/types';
import type { ThrottleLimits } from '../throttleLimits';
import { systemClock, type Clock } from './clock';
import { MIN_IN_FLIGHT } from './inFlight';
import type { Budget } from './pacing';
import type { BulkProgress } from './progress';
import type { BatchTransport } from './transport';

export interface BulkRevokeOptions {
  userIds: string[];
  transport: BatchTransport;
  /** pace against these, leaving `safetyMargin` of each budget unused */
  limits: ThrottleLimits;
  /**
   * Batches in flight, fixed. Without it, the run adapts them to the measured round trip (inFlight.ts):
   * DEFAULT_CONCURRENCY until a batch has answered, then as many as the budgets' pace needs.
   */
  concurrency?: number;
  clock?: Clock;
  /** cancel: stop starting new revokes; revokes already sent are still recorded */
  signal?: AbortSignal;
  /**
   * Asked right before each batch is sent (a job's runner checks that it still holds the job). False
   * halts the run: nothing more is sent, answers in flight are still recorded, and users in the
   * middle of their steps get no outcome, for whoever resumes the job to check.
   */
  mayContinue?: () => boolean;
  /**
   * Each user's final outcome as soon as known. Calls are serialized (never two at once). If it
   * throws, no new revokes start and runBulkRevoke rejects with that error once in-flight batches end.
   */
  onOutcome?: (o: TargetOutcome) => void | Promise<void>;
  /** called at most every progressIntervalMs */
  onProgress?: (p: BulkProgress) => void;
  /**
   * Called when Graph's Retry-After pauses the whole run for longer than progressIntervalMs (no batch
   * answers meanwhile, so onProgress would stay silent). Serialized with onOutcome, and fatal like it.
   */
  onPaused?: (p: BulkProgress) => void | Promise<void>;
  /** longest pause a Retry-After may impose; default DEFAULT_MAX_PAUSE_MS. Graph is asked again then */
  maxPauseMs?: number;
  /** default 3000 */
  progressIntervalMs?: number;
  /**
   * per request, for 5xx/424/timeouts/transport errors; default 5. For the revoke: revokes sent in all,
   * each unknown outcome verified before the next
   */
  maxAttempts?: number;
  /** a request throttled (429) continuously for longer than this fails as throttled; default 15 min */
  maxThrottledMs?: number;
  /** share of each throttling budget left unused, for other callers and clock skew; default 0.03 */
  safetyMargin?: number;
  /**
   * The budgets to pace against, shared with the other runs of this process in the same tenant
   * (sharedBudgets): Graph's quota is the tenant's, so two jobs at once must split it, not each take all
   * of it. Without it, the run paces against budgets of its own, from `limits` and `safetyMargin`.
   */
  budgets?: BudgetPacer<Budget>;
  /** a batch without an answer after this is retried as a timeout; default 120 s */
  batchTimeoutMs?: number;
  /**
   * `signout --block`: disable each user's sign-in (PATCH accountEnabled=false) before revoking, as a
   * paced write like the revoke. A user who cannot be blocked is not revoked. Outcomes of users whose
   * block succeeded carry `blocked: true`.
   */
  block?: boolean;
  /** random source for backoff jitter, in [0, 1); default Math.random */
  random?: () => number;
}

export interface BulkRevokeResult {
  outcomes: TargetOutcome[];
  cancelled: boolean;
  /** mayContinue said no */
  halted: boolean;
  progress: BulkProgress;
}

/**
 * Batches in flight before a round trip is measured, and the fewest after (MIN_IN_FLIGHT). Pacing comes
 * from the token buckets; this only bounds sockets and memory. It must cover the write pace times a
 * batch's round trip, or latency, not Graph's limits, caps the rate: the benchmark measured 82% of the
 * ceiling with 4 and 95% with 8 at 240 ms; slower batches get more (inFlight.ts).
 */
export const DEFAULT_CONCURRENCY = MIN_IN_FLIGHT;
/** Share of each budget left unused, for other callers of the same app and clock skew. */
export const DEFAULT_SAFETY_MARGIN = 0.03;
/**
 * Graph may ask for an hour, or give a date a year ahead. The run asks again after this instead: a
 * 429 costs nothing, and a user throttled for maxThrottledMs fails as throttled anyway.
 */
export const DEFAULT_MAX_PAUSE_MS = 5 * 60_000;

/** The options with their defaults filled in and bounds applied. */
export interface RunSettings {
  clock: Clock;
  concurrency: number;
  maxAttempts: number;
  maxThrottledMs: number;
  batchTimeoutMs: number;
  maxPauseMs: number;
  progressIntervalMs: number;
  safetyMargin: number;
  random: () => number;
}

export function settingsOf(o: BulkRevokeOptions): RunSettings {
  return {
    clock: o.clock ?? systemClock,
    concurrency: Math.max(1, Math.floor(o.concurrency ?? DEFAULT_CONCURRENCY)),
    maxAttempts: Math.max(1, Math.floor(o.maxAttempts ?? 5)),
    maxThrottledMs: o.maxThrottledMs ?? 15 * 60_000,
    batchTimeoutMs: o.batchTimeoutMs ?? 120_000,
    maxPauseMs: Math.max(0, o.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS),
    progressIntervalMs: o.progressIntervalMs ?? 3000,
    safetyMargin: o.safetyMargin ?? DEFAULT_SAFETY_MARGIN,
    random: o.random ?? Math.random,
  };
}
