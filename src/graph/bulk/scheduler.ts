import type { BudgetPacer } from '../../domain/tokenBucket';
import type { TargetOutcome } from '../../domain/types';
import { afterFailure, afterSuccess, type AfterAnswer } from './attempts';
import { THROTTLE_BACKOFF_MAX_MS, backoff } from './backoff';
import { CallbackChain } from './callbacks';
import { failureFromResponse, isSuccess } from './failures';
import { InFlightLimit } from './inFlight';
import type { BatchItem } from './items';
import { settingsOf, type BulkRevokeOptions, type BulkRevokeResult, type RunSettings } from './options';
import { asReported } from './outcomes';
import { capacityOf, costOf, pacerFor, type Budget } from './pacing';
import { PHASES, PLAN_ORDER, firstPhase } from './phases';
import { planBatch, type BatchPlan } from './plan';
import { ProgressTally, type BulkProgress } from './progress';
import { UserQueues } from './queues';
import { sendBatch } from './transport';
import { newUserRun, type Phase, type UserRun } from './userRun';
import { Wakeup } from './wakeup';

/**
 * Bulk sign-out: revokes the sessions of many users through JSON $batch requests, paced against
 * Graph's throttling budgets so that steady state sees no 429, and with throttling never reported as
 * a failure.
 *
 * A user's read is sent in a later batch than its revoke, once the revoke has answered 2xx, next to
 * other users' revokes. What each step sends and what its answers lead to is the phase table in
 * phases.ts; this loop only plans batches, sends them and puts each user back in its phase's queue.
 *
 * A revoke is never resent blindly: when its outcome is unknown (5xx, 424, timeout, transport error, an
 * answer without it), the user's signInSessionsValidFromDateTime is read first, and a valid-from at or
 * after the first revoke's sending (to the second) is recorded as the revoke.
 */
export function runBulkRevoke(o: BulkRevokeOptions): Promise<BulkRevokeResult> {
  return new BulkRun(o).run();
}

class BulkRun {
  private readonly s: RunSettings;
  private readonly first: Phase;
  private readonly startedAt: number;
  private readonly pacer: BudgetPacer<Budget>;
  private readonly queues = new UserQueues();
  private readonly tally = new ProgressTally();
  private readonly wakeup: Wakeup;
  private readonly callbacks: CallbackChain;
  /** unless the caller fixed `concurrency`: batches in flight follow the measured round trip */
  private readonly adaptive?: InFlightLimit;

  /** users taken from the list so far */
  private cursor = 0;
  /** users sent at least once and not yet final (for cancel) */
  private readonly open = new Set<UserRun>();
  private inFlight = 0;
  private consecutiveThrottles = 0;
  private lastProgressAt: number;
  private halted = false;

  constructor(private readonly o: BulkRevokeOptions) {
    this.s = settingsOf(o);
    this.first = firstPhase(!!o.block);
    this.startedAt = this.s.clock.now();
    this.lastProgressAt = this.startedAt;
    this.pacer = o.budgets ?? pacerFor(o.limits, this.startedAt, this.s.safetyMargin);
    this.wakeup = new Wakeup(this.s.clock);
    this.callbacks = new CallbackChain(() => this.wakeup.wake());
    if (o.concurrency === undefined) this.adaptive = new InFlightLimit(o.limits, this.s.safetyMargin);
  }

  private inFlightLimit(): number {
    return this.adaptive ? this.adaptive.current() : this.s.concurrency;
  }

  async run(): Promise<BulkRevokeResult> {
    const onAbort = () => this.wakeup.wake();
    this.o.signal?.addEventListener('abort', onAbort);
    try {
      await this.dispatch();
      while (this.inFlight > 0) await this.wakeup.wait(Infinity);
      if (this.stopping() && !this.halted) this.closeOpenUsers();
      await this.callbacks.settled();
    } finally {
      this.o.signal?.removeEventListener('abort', onAbort);
    }
    if (this.callbacks.fatal) throw this.callbacks.fatal.error;
    return {
      outcomes: this.tally.outcomes,
      cancelled: !!this.o.signal?.aborted,
      halted: this.halted,
      progress: this.progress(),
    };
  }

  private stopping(): boolean {
    return !!this.o.signal?.aborted || !!this.callbacks.fatal || this.halted;
  }

  private async dispatch(): Promise<void> {
    for (;;) {
      this.wakeup.clear();
      if (this.stopping()) return;
      const now = this.s.clock.now();
      this.queues.promoteDue(now);
      const hasWork = this.queues.readyCount() > 0 || this.cursor < this.o.userIds.length;
      if (!hasWork) {
        if (this.inFlight === 0 && !this.queues.hasDelayed()) return;
        await this.wakeup.wait(this.queues.untilNextDelayed(now));
        continue;
      }
      if (this.inFlight >= this.inFlightLimit()) {
        await this.wakeup.wait(Infinity);
        continue;
      }
      const fresh = { userIds: this.o.userIds, from: this.cursor, phase: this.first };
      const plan = planBatch(this.queues, fresh, capacityOf(this.pacer));
      const cost = costOf(plan.items);
      const waitMs = this.pacer.timeUntil(cost, now);
      if (waitMs > 0) {
        await this.wakeup.wait(Math.min(waitMs, this.queues.untilNextDelayed(now)));
        continue;
      }
      if (this.o.mayContinue && !this.o.mayContinue()) {
        this.halted = true;
        return;
      }
      this.pacer.take(cost, now);
      this.adaptive?.sent(cost);
      const users = this.commit(plan, now);
      this.inFlight++;
      void this.send(users, plan.items, now).finally(() => {
        this.inFlight--;
        this.wakeup.wake();
      });
    }
  }

  /** Takes the planned users off their queues, in the order of the plan's items. */
  private commit(plan: BatchPlan, now: number): UserRun[] {
    const users: UserRun[] = [];
    for (const phase of PLAN_ORDER) users.push(...this.queues.take(phase, plan.taken[phase]));
    for (let i = 0; i < plan.fresh; i++) {
      const user = newUserRun(this.o.userIds[this.cursor++], this.first);
      this.open.add(user);
      users.push(user);
    }
    for (const user of users) PHASES[user.phase].sent?.(user, now);
    return users;
  }

  private async send(users: UserRun[], items: BatchItem[], sentAt: number): Promise<void> {
    const answer = await sendBatch(this.o.transport, items, this.s.clock, this.s.batchTimeoutMs);
    const now = this.s.clock.now();
    const wholeBatch = 'failure' in answer ? answer.failure : undefined;
    // an HTTP answer measures Graph's round trip; a time-out or a dropped connection does not
    if (!wholeBatch || wholeBatch.status > 0) this.adaptive?.answered(sentAt, now);
    if (wholeBatch?.status === 429) this.tally.throttled();
    let throttled = false;
    let retryAfterMs: number | undefined;
    const finals: [UserRun, TargetOutcome][] = [];
    users.forEach((user, i) => {
      const response = 'responses' in answer ? answer.responses.get(items[i].id)! : undefined;
      const f = wholeBatch ?? (isSuccess(response!.status) ? undefined : failureFromResponse(response!, now));
      let next: AfterAnswer;
      if (!f) {
        next = afterSuccess(user, response!, this.s);
      } else {
        if (f.status === 429) {
          throttled = true;
          if (!wholeBatch) this.tally.throttled();
          if (f.retryAfterMs !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, f.retryAfterMs);
        }
        next = afterFailure(user, f, now, !!wholeBatch, this.s);
      }
      if ('outcome' in next) finals.push([user, next.outcome]);
      else this.queues.add(user, next.notBefore);
    });
    if (throttled) this.pauseForThrottling(retryAfterMs, now);
    else this.consecutiveThrottles = 0;
    this.wakeup.wake();
    for (const [user, outcome] of finals) this.record(user, outcome);
    this.maybeProgress();
    await this.callbacks.settled();
  }

  /** A 429 holds every request back: for Graph's Retry-After (capped), or a growing backoff without one. */
  private pauseForThrottling(retryAfterMs: number | undefined, now: number): void {
    this.consecutiveThrottles++;
    const asked = retryAfterMs ?? backoff(this.consecutiveThrottles, THROTTLE_BACKOFF_MAX_MS, this.s.random);
    const pausedBefore = this.pacer.pausedFor(now);
    this.pacer.pause(now + Math.min(asked, this.s.maxPauseMs), now);
    const pausedFor = this.pacer.pausedFor(now);
    if (pausedFor > pausedBefore && pausedFor > this.s.progressIntervalMs) this.reportPause();
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
    this.callbacks.push(() => cb(progress));
  }

  private record(user: UserRun, outcome: TargetOutcome): void {
    this.open.delete(user);
    const reported = asReported(user, outcome);
    this.tally.add(reported);
    const cb = this.o.onOutcome;
    if (cb) this.callbacks.push(() => cb(reported));
  }

  private maybeProgress(): void {
    if (!this.o.onProgress) return;
    const now = this.s.clock.now();
    if (now - this.lastProgressAt < this.s.progressIntervalMs) return;
    this.lastProgressAt = now;
    this.o.onProgress(this.progress());
  }

  private progress(): BulkProgress {
    return this.tally.snapshot(this.s.clock.now(), {
      total: this.o.userIds.length,
      startedAt: this.startedAt,
      unsent: this.o.userIds.length - this.cursor,
      firstPhase: this.first,
      waiting: (phase) => this.queues.waiting(phase).length,
      pacer: this.pacer,
    });
  }
}
