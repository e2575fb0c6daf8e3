import { BudgetPacer } from '../../domain/tokenBucket';
import { INVALID_BATCH_RESPONSE, outcomeUnknown, type GraphFailure } from '../../domain/graphErrors';
import { parseRetryAfter } from '../../domain/retryAfter';
import type { TargetOutcome } from '../../domain/types';
import {
  PHASES,
  PLAN_ORDER,
  headerOf,
  newUserRun,
  requestIdOf,
  type BatchItem,
  type BatchItemResponse,
  type Phase,
  type UserRun,
} from './phases';
import type { GraphApi } from '../client';
import { requestCost, type ThrottleLimits } from '../throttleLimits';

/**
 * Bulk sign-out: revokes the sessions of many users through JSON $batch requests, paced against
 * Graph's throttling budgets so that steady state sees no 429, and with throttling never reported as
 * a failure.
 *
 * Every batch is fully parallel (no dependsOn): Graph accepts a batch only if it is fully sequential
 * or fully parallel, so "revoke + read dependsOn revoke" pairs cannot share a batch. Instead a user's
 * read is sent in a later batch, once its revoke has answered 2xx, next to other users' revokes.
 * What each step sends and what its answers lead to is the phase table in bulkPhases.ts.
 *
 * A revoke is never resent blindly: when its outcome is unknown (5xx, 424, timeout, transport error, an
 * answer without it), the user's signInSessionsValidFromDateTime is read first, and a valid-from at or
 * after the first revoke's sending (to the second) is recorded as the revoke.
 */

export type { BatchItem, BatchItemResponse } from './phases';
export { parseRetryAfter } from '../../domain/retryAfter';

/**
 * Thin I/O seam: posts one JSON $batch (<= 20 items) and returns its responses. Throws on transport
 * failure; an error with `status` (and optionally `code`, `requestId`, `retryAfterSeconds`, as
 * GraphCallError has) is read as the whole batch's HTTP answer, e.g. a 429 for the whole batch.
 */
export type BatchTransport = (items: BatchItem[]) => Promise<BatchItemResponse[]>;

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (resolving or rejecting) once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The longest delay one Node timer holds (2^31-1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  // a longer delay would fire at once (and a loop around it would spin), so long sleeps are chunked
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      let left = ms > 0 ? ms : 0;
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const next = () => {
        const step = Math.min(left, MAX_TIMER_MS);
        left -= step;
        timer = setTimeout(left > 0 ? next : done, step);
      };
      signal?.addEventListener('abort', done, { once: true });
      next();
    }),
};

export interface BulkProgress {
  total: number;
  /** users with a final outcome */
  done: number;
  revoked: number;
  /** failed, notFound and denied */
  failed: number;
  /** guests */
  skipped: number;
  /** 429s received (per item, or one per whole-batch 429) */
  throttled: number;
  elapsedMs: number;
  /** users done per second over the run so far */
  ratePerSecond: number;
  etaMs: number | undefined;
  /** while Graph's Retry-After holds every request back: until when (clock ms) */
  pausedUntil?: number;
}

export interface BulkRevokeOptions {
  userIds: string[];
  transport: BatchTransport;
  /** pace against these, leaving `safetyMargin` of each budget unused */
  limits: ThrottleLimits;
  /** batches in flight, default DEFAULT_CONCURRENCY */
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
  /** share of each throttling budget left unused, for other callers and clock skew; default 0.05 */
  safetyMargin?: number;
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

export const MAX_BATCH_ITEMS = 20;
/**
 * Batches in flight. Pacing comes from the token buckets; this only bounds sockets and memory. It must
 * cover the write pace times a batch's round trip (20 users/s × ~4 s ÷ 10 users per batch), or latency,
 * not Graph's limits, caps the rate: the benchmark measured 82% of the ceiling with 4 and 95% with 8.
 */
export const DEFAULT_CONCURRENCY = 8;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
const THROTTLE_BACKOFF_MAX_MS = 60_000;
/**
 * Graph may ask for an hour, or give a date a year ahead. The run asks again after this instead: a
 * 429 costs nothing, and a user throttled for maxThrottledMs fails as throttled anyway.
 */
export const DEFAULT_MAX_PAUSE_MS = 5 * 60_000;

type Budget = 'resourceUnits' | 'writes';

interface Delayed {
  user: UserRun;
  notBefore: number;
}

interface FailureFields {
  status: number;
  code: string;
  message?: string;
  requestId?: string;
  retryAfterMs?: number;
}

export function runBulkRevoke(o: BulkRevokeOptions): Promise<BulkRevokeResult> {
  return new BulkRun(o).run();
}

/** A BatchTransport over the bot's Graph seam: one POST /$batch per call. */
export function graphBatchTransport(graph: Pick<GraphApi, 'call'>): BatchTransport {
  return async (items) => {
    const res = await graph.call<{ responses?: BatchItemResponse[] }>('POST', '/$batch', {
      body: { requests: items },
    });
    return res.body?.responses ?? [];
  };
}

class BulkRun {
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly maxThrottledMs: number;
  private readonly batchTimeoutMs: number;
  private readonly maxPauseMs: number;
  private readonly progressIntervalMs: number;
  private readonly random: () => number;
  private readonly pacer: BudgetPacer<Budget>;
  private readonly startedAt: number;
  private readonly firstPhase: Phase;

  private cursor = 0;
  private readonly ready: Record<Phase, UserRun[]> = { block: [], revoke: [], verify: [], read: [] };
  private readonly delayed: Delayed[] = [];
  /** users sent at least once and not yet final (for cancel) */
  private readonly open = new Set<UserRun>();
  private inFlight = 0;
  private consecutiveThrottles = 0;

  private readonly outcomes: TargetOutcome[] = [];
  private readonly counts = { revoked: 0, failed: 0, skipped: 0, throttled: 0 };
  private lastProgressAt: number;
  private outcomeChain: Promise<void> = Promise.resolve();
  private fatal: { error: unknown } | undefined;
  private halted = false;

  private dirty = false;
  private waker: AbortController | undefined;

  constructor(private readonly o: BulkRevokeOptions) {
    this.clock = o.clock ?? systemClock;
    this.concurrency = Math.max(1, Math.floor(o.concurrency ?? DEFAULT_CONCURRENCY));
    this.maxAttempts = Math.max(1, Math.floor(o.maxAttempts ?? 5));
    this.maxThrottledMs = o.maxThrottledMs ?? 15 * 60_000;
    this.batchTimeoutMs = o.batchTimeoutMs ?? 120_000;
    this.maxPauseMs = Math.max(0, o.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS);
    this.progressIntervalMs = o.progressIntervalMs ?? 3000;
    this.random = o.random ?? Math.random;
    this.firstPhase = o.block ? 'block' : 'revoke';
    this.startedAt = this.clock.now();
    this.lastProgressAt = this.startedAt;
    const l = o.limits;
    this.pacer = new BudgetPacer<Budget>(
      {
        resourceUnits: { limit: l.resourceUnits, windowMs: l.ruWindowMs },
        writes: { limit: l.writes, windowMs: l.writeWindowMs },
      },
      this.startedAt,
      o.safetyMargin ?? 0.05,
    );
    const one = costOf([PHASES.revoke.request('x', '1')]);
    if (this.pacer.timeUntil(one, this.startedAt) === Infinity) {
      throw new RangeError('throttle limits are too small to afford a single revoke');
    }
  }

  async run(): Promise<BulkRevokeResult> {
    const onAbort = () => this.wake();
    this.o.signal?.addEventListener('abort', onAbort);
    try {
      await this.dispatch();
      while (this.inFlight > 0) await this.wait(Infinity);
      if (this.stopping() && !this.halted) this.closeOpenUsers();
      await this.outcomeChain;
    } finally {
      this.o.signal?.removeEventListener('abort', onAbort);
    }
    if (this.fatal) throw this.fatal.error;
    return {
      outcomes: this.outcomes,
      cancelled: !!this.o.signal?.aborted,
      halted: this.halted,
      progress: this.progress(),
    };
  }

  private stopping(): boolean {
    return !!this.o.signal?.aborted || !!this.fatal || this.halted;
  }

  private readyCount(): number {
    return PLAN_ORDER.reduce((n, phase) => n + this.ready[phase].length, 0);
  }

  private async dispatch(): Promise<void> {
    for (;;) {
      this.dirty = false;
      if (this.stopping()) return;
      const now = this.clock.now();
      this.promoteDue(now);
      const hasWork = this.readyCount() > 0 || this.cursor < this.o.userIds.length;
      if (!hasWork) {
        if (this.inFlight === 0 && this.delayed.length === 0) return;
        await this.wait(this.untilNextDelayed(now));
        continue;
      }
      if (this.inFlight >= this.concurrency) {
        await this.wait(Infinity);
        continue;
      }
      const plan = this.plan();
      const cost = costOf(plan.items);
      const waitMs = this.pacer.timeUntil(cost, now);
      if (waitMs > 0) {
        await this.wait(Math.min(waitMs, this.untilNextDelayed(now)));
        continue;
      }
      if (this.o.mayContinue && !this.o.mayContinue()) {
        this.halted = true;
        return;
      }
      this.pacer.take(cost, now);
      const users = this.commit(plan, now);
      this.inFlight++;
      void this.send(users, plan.items).finally(() => {
        this.inFlight--;
        this.wake();
      });
    }
  }

  /**
   * The next batch from what is ready, in PLAN_ORDER (users nearest their end first), then new users
   * to fill it.
   */
  private plan(): { taken: Record<Phase, number>; fresh: number; items: BatchItem[] } {
    const ru = this.pacer.capacity('resourceUnits');
    const wr = this.pacer.capacity('writes');
    const items: BatchItem[] = [];
    let cost = { resourceUnits: 0, writes: 0 };
    const fits = (item: BatchItem) => {
      const c = requestCost(item.method, item.url);
      const next = { resourceUnits: cost.resourceUnits + c.resourceUnits, writes: cost.writes + c.writes };
      if (items.length >= MAX_BATCH_ITEMS || next.resourceUnits > ru || next.writes > wr) return false;
      cost = next;
      items.push(item);
      return true;
    };
    const taken: Record<Phase, number> = { block: 0, revoke: 0, verify: 0, read: 0 };
    for (const phase of PLAN_ORDER) {
      const queue = this.ready[phase];
      while (
        taken[phase] < queue.length &&
        fits(PHASES[phase].request(queue[taken[phase]].userId, id(items)))
      )
        taken[phase]++;
    }
    const first = PHASES[this.firstPhase];
    let fresh = 0;
    while (
      this.cursor + fresh < this.o.userIds.length &&
      fits(first.request(this.o.userIds[this.cursor + fresh], id(items)))
    )
      fresh++;
    return { taken, fresh, items };
  }

  /** Takes the planned users off their queues, in the order of the plan's items. */
  private commit(plan: { taken: Record<Phase, number>; fresh: number }, now: number): UserRun[] {
    const users: UserRun[] = [];
    for (const phase of PLAN_ORDER) users.push(...this.ready[phase].splice(0, plan.taken[phase]));
    for (let i = 0; i < plan.fresh; i++) {
      const user = newUserRun(this.o.userIds[this.cursor++], this.firstPhase);
      this.open.add(user);
      users.push(user);
    }
    for (const user of users) PHASES[user.phase].sent?.(user, now);
    return users;
  }

  private async send(users: UserRun[], items: BatchItem[]): Promise<void> {
    let responses: BatchItemResponse[] | undefined;
    let batchFailure: FailureFields | undefined;
    const timeout = new AbortController();
    try {
      const answer = this.o.transport(items);
      const timer = this.clock.sleep(this.batchTimeoutMs, timeout.signal).then(
        () => 'timeout' as const,
        () => 'timeout' as const,
      );
      const result = await Promise.race([answer, timer]);
      if (result === 'timeout') {
        answer.catch(() => undefined);
        batchFailure = {
          status: 0,
          code: 'Timeout',
          message: 'Microsoft Graph did not answer the batch in time',
        };
      } else {
        responses = result;
      }
    } catch (err) {
      batchFailure = failureFromError(err);
    } finally {
      timeout.abort();
    }
    if (!batchFailure) {
      const problem = mismatch(items, responses);
      if (problem) batchFailure = { status: 0, code: INVALID_BATCH_RESPONSE, message: problem };
    }

    const now = this.clock.now();
    const byId = new Map(batchFailure ? [] : responses!.map((r) => [String(r.id), r]));
    let throttleMs: number | undefined;
    let sawThrottle = false;
    const finals: [UserRun, TargetOutcome][] = [];
    if (batchFailure?.status === 429) this.counts.throttled++;
    users.forEach((user, i) => {
      const response = batchFailure ? undefined : byId.get(items[i].id)!;
      const f =
        batchFailure ?? (isSuccess(response!.status) ? undefined : failureFromResponse(response!, now));
      if (!f) {
        const done = this.succeeded(user, response!);
        if (done) finals.push([user, done]);
        return;
      }
      if (f.status === 429) {
        sawThrottle = true;
        if (!batchFailure) this.counts.throttled++;
        if (f.retryAfterMs !== undefined) throttleMs = Math.max(throttleMs ?? 0, f.retryAfterMs);
      }
      const done = this.failedAttempt(user, f, now, !!batchFailure);
      if (done) finals.push([user, done]);
    });

    if (sawThrottle) {
      this.consecutiveThrottles++;
      const asked = throttleMs ?? this.backoff(this.consecutiveThrottles, THROTTLE_BACKOFF_MAX_MS);
      const pausedBefore = this.pacer.pausedFor(now);
      this.pacer.pause(now + Math.min(asked, this.maxPauseMs), now);
      const pausedFor = this.pacer.pausedFor(now);
      if (pausedFor > pausedBefore && pausedFor > this.progressIntervalMs) this.reportPause();
    } else {
      this.consecutiveThrottles = 0;
    }
    this.wake();
    for (const [user, outcome] of finals) this.record(user, outcome);
    this.maybeProgress();
    await this.outcomeChain;
  }

  /** Handles a 2xx; returns the user's final outcome if this was the last step. */
  private succeeded(user: UserRun, r: BatchItemResponse): TargetOutcome | undefined {
    const step = PHASES[user.phase].succeeded(user, r, { maxAttempts: this.maxAttempts });
    if ('outcome' in step) return step.outcome;
    this.enter(user, step.next);
    this.ready[step.next].push(user);
    return undefined;
  }

  /** Handles a non-2xx (or a batch that failed as a whole); returns a final outcome or schedules a retry. */
  private failedAttempt(
    user: UserRun,
    f: FailureFields,
    now: number,
    wholeBatch: boolean,
  ): TargetOutcome | undefined {
    const failure: GraphFailure = {
      status: f.status,
      code: f.code,
      message: f.message,
      requestId: f.requestId,
    };
    user.last = failure;
    const rule = PHASES[user.phase];
    if (f.status === 429) {
      // Graph did not run a throttled request: sending it again is always safe
      user.throttledSince ??= now;
      if (now - user.throttledSince < this.maxThrottledMs) {
        this.ready[user.phase].push(user);
        return undefined;
      }
      return rule.gaveUp(user, failure, wholeBatch);
    }
    user.throttledSince = undefined;
    if (!isRetryable(f.status)) return rule.gaveUp(user, failure, wholeBatch);
    if (outcomeUnknown(f) && !rule.resendable && rule.whenUnknown) {
      // the revoke may have taken effect: check before sending another
      user.unknownRevokes++;
      user.lastRevokeFailure = failure;
      const attempt = user.unknownRevokes;
      this.enter(user, rule.whenUnknown);
      this.delayed.push({ user, notBefore: now + this.backoff(attempt, BACKOFF_MAX_MS) });
      return undefined;
    }
    if (outcomeUnknown(f)) user.mayHaveTakenEffect = true;
    if (++user.failures < this.maxAttempts) {
      this.delayed.push({ user, notBefore: now + this.backoff(user.failures, BACKOFF_MAX_MS) });
      return undefined;
    }
    return rule.gaveUp(user, failure, wholeBatch);
  }

  private enter(user: UserRun, phase: Phase): void {
    user.phase = phase;
    user.failures = 0;
    user.throttledSince = undefined;
    user.mayHaveTakenEffect = false;
  }

  /** After cancel (or a fatal onOutcome error): settle users that were sent but are not final. */
  private closeOpenUsers(): void {
    for (const user of [...this.open]) {
      const outcome = PHASES[user.phase].cancelled(user);
      // otherwise Graph only ever throttled the user's first request: it never ran, and the caller
      // reports the user as not started
      if (outcome) this.record(user, outcome);
    }
  }

  /** Tells onPaused, in turn with the outcomes, that nothing will move until the pause ends. */
  private reportPause(): void {
    const cb = this.o.onPaused;
    if (!cb) return;
    const progress = this.progress();
    this.chain(() => cb(progress));
  }

  private chain(step: () => void | Promise<void>): void {
    this.outcomeChain = this.outcomeChain.then(step).catch((error: unknown) => {
      if (!this.fatal) {
        this.fatal = { error };
        this.wake();
      }
    });
  }

  private record(user: UserRun, outcome: TargetOutcome): void {
    this.open.delete(user);
    if (user.blocked) outcome = { ...outcome, blocked: true };
    this.outcomes.push(outcome);
    if (outcome.kind === 'revoked') this.counts.revoked++;
    else if (outcome.kind === 'guestSkipped') this.counts.skipped++;
    else this.counts.failed++;
    const cb = this.o.onOutcome;
    if (!cb) return;
    const settled = outcome;
    this.chain(() => cb(settled));
  }

  private maybeProgress(): void {
    if (!this.o.onProgress) return;
    const now = this.clock.now();
    if (now - this.lastProgressAt < this.progressIntervalMs) return;
    this.lastProgressAt = now;
    this.o.onProgress(this.progress());
  }

  private progress(): BulkProgress {
    const now = this.clock.now();
    const total = this.o.userIds.length;
    const done = this.outcomes.length;
    const elapsedMs = now - this.startedAt;
    const ratePerSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    let etaMs: number | undefined;
    if (done >= total) etaMs = 0;
    else if (done > 0 && ratePerSecond > 0) {
      const observed = ((total - done) * 1000) / ratePerSecond;
      // the observed rate includes the initial burst, so the paced budget bounds it from below
      const unsent = total - this.cursor;
      const writesPerUser = this.o.block ? 2 : 1;
      const needed = {
        resourceUnits:
          (writesPerUser + 1) * unsent +
          2 * this.ready.revoke.length +
          3 * this.ready.block.length +
          this.ready.read.length +
          this.ready.verify.length,
        writes: writesPerUser * unsent + this.ready.revoke.length + 2 * this.ready.block.length,
      };
      etaMs = Math.round(Math.max(observed, this.pacer.timeToSpend(needed, now)));
    }
    const pausedFor = done < total ? this.pacer.pausedFor(now) : 0;
    return {
      total,
      done,
      ...this.counts,
      elapsedMs,
      ratePerSecond,
      etaMs,
      ...(pausedFor > 0 ? { pausedUntil: now + pausedFor } : {}),
    };
  }

  private promoteDue(now: number): void {
    for (let i = this.delayed.length - 1; i >= 0; i--) {
      const d = this.delayed[i];
      if (d.notBefore > now) continue;
      this.delayed.splice(i, 1);
      this.ready[d.user.phase].push(d.user);
    }
  }

  private untilNextDelayed(now: number): number {
    let next = Infinity;
    for (const d of this.delayed) next = Math.min(next, d.notBefore - now);
    return Math.max(0, next);
  }

  /** Exponential backoff with equal jitter: half fixed, half random. */
  private backoff(attempt: number, maxMs: number): number {
    const ceiling = Math.min(maxMs, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  /** Sleeps up to `ms` (Infinity: until woken), returning early on wake() or cancel. */
  private async wait(ms: number): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      return;
    }
    const waker = new AbortController();
    this.waker = waker;
    try {
      if (ms === Infinity) {
        await new Promise<void>((resolve) =>
          waker.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      } else {
        await this.clock.sleep(ms, waker.signal).catch(() => undefined);
      }
    } finally {
      if (this.waker === waker) this.waker = undefined;
      waker.abort();
      this.dirty = false;
    }
  }

  private wake(): void {
    this.dirty = true;
    this.waker?.abort();
  }
}

function id(items: BatchItem[]): string {
  return String(items.length + 1);
}

function costOf(items: BatchItem[]): Record<Budget, number> {
  const total = { resourceUnits: 0, writes: 0 };
  for (const item of items) {
    const c = requestCost(item.method, item.url);
    total.resourceUnits += c.resourceUnits;
    total.writes += c.writes;
  }
  return total;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

function isRetryable(status: number): boolean {
  return status === 0 || status === 408 || status === 424 || status >= 500;
}

/**
 * Why a $batch answer cannot be matched to its requests (a response per request id, each once, none
 * other, each with a numeric status), or undefined when it can. Such an answer fails the whole batch:
 * answers cannot be trusted to belong to the users they name.
 */
function mismatch(items: BatchItem[], responses: unknown): string | undefined {
  if (!Array.isArray(responses)) return 'the batch answer had no list of responses';
  const wanted = new Set(items.map((i) => i.id));
  const seen = new Set<string>();
  for (const r of responses as unknown[]) {
    const rid = (r as { id?: unknown })?.id;
    const status = (r as { status?: unknown })?.status;
    if ((typeof rid !== 'string' && typeof rid !== 'number') || typeof status !== 'number')
      return 'a response in the batch answer had no id or status';
    const key = String(rid);
    if (!wanted.has(key)) return `the batch answer had a response for request ${key}, which was not sent`;
    if (seen.has(key)) return `the batch answer had two responses for request ${key}`;
    seen.add(key);
  }
  if (seen.size !== wanted.size) return 'the batch answer had no response for some requests';
  return undefined;
}

function failureFromResponse(r: BatchItemResponse, now: number): FailureFields {
  const error = r.body?.error as { code?: string; message?: string } | undefined;
  return {
    status: r.status,
    code: error?.code || `HTTP${r.status}`,
    message: error?.message,
    requestId: requestIdOf(r),
    retryAfterMs: parseRetryAfter(headerOf(r, 'retry-after'), now),
  };
}

function failureFromError(err: unknown): FailureFields {
  const e = err as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
    requestId?: unknown;
    retryAfterSeconds?: unknown;
  };
  const status = typeof e?.status === 'number' ? e.status : 0;
  const code = typeof e?.code === 'string' && e.code ? e.code : status ? `HTTP${status}` : 'Unreachable';
  return {
    status,
    code,
    message: typeof e?.message === 'string' ? e.message : undefined,
    requestId: typeof e?.requestId === 'string' ? e.requestId : undefined,
    retryAfterMs: typeof e?.retryAfterSeconds === 'number' ? e.retryAfterSeconds * 1000 : undefined,
  };
}
