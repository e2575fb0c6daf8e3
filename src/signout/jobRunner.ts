import { randomUUID } from 'node:crypto';
import { noLongerBlockedByBot } from '../domain/unblockMessages';
import { currentBotBlock } from '../domain/botBlock';
import { explainGraphFailure, type GraphAction } from '../domain/graphErrors';
import { heldBy, mayClaim, type RunnerIdentity } from '../domain/jobClaim';
import { endAuditEntries, notYetAudited } from '../domain/outcomeAudit';
import {
  actionOf,
  FAILED_OUTCOMES,
  type DirectoryUser,
  type SignoutRequest,
  type TargetOutcome,
} from '../domain/types';
import { runBulkRevoke, graphBatchTransport, type BulkProgress } from '../graph/batchScheduler';
import { setAccountEnabled } from '../graph/accountState';
import { GraphCallError, type GraphApi } from '../graph/client';
import type { Directory } from '../graph/directory';
import { revokeUserSessions } from '../graph/revoke';
import type { ThrottleLimits } from '../graph/throttleLimits';
import type { Logger } from '../log';
import type { AuditEntry } from '../domain/audit';
import type { AuditSink } from '../store/auditLog';
import type { RequestStore, TransitionResult } from '../store/requestStore';
import { JobLease, systemLeaseClocks } from './jobLease';
import { LatestOnly } from './latestOnly';

/** One run of a job in this process. */
interface Job {
  req: SignoutRequest;
  lease: JobLease;
  progress: LatestOnly<SignoutRequest>;
}

/** `outcomes` after `more`, keeping the first outcome of a user (one outcome per user, whatever runs twice). */
function withOutcomes(outcomes: TargetOutcome[], more: TargetOutcome[]): TargetOutcome[] {
  const known = new Set(outcomes.map((o) => o.userId));
  const added: TargetOutcome[] = [];
  for (const o of more) {
    if (known.has(o.userId)) continue;
    known.add(o.userId);
    added.push(o);
  }
  return [...outcomes, ...added];
}

export interface JobRunnerDeps {
  store: RequestStore;
  /** for single calls: the SDK retries 429 within a bound */
  graph: GraphApi;
  /** for $batch: no SDK retries, the bulk scheduler paces and retries per item */
  batchGraph: GraphApi;
  directory: Directory;
  /** a request's end goes here before it is marked audited; read before an unblock (the bot only reverses its own blocks) */
  audit: Pick<AuditSink, 'readAll' | 'appendMany'>;
  limits: ThrottleLimits;
  /** the longest pause a Graph Retry-After may impose on a bulk job (GRAPH_MAX_PAUSE_SECONDS) */
  graphMaxPauseMs?: number;
  log: Logger;
  /**
   * called with the latest state of a bulk request, at most every progressIntervalMs; the job does not
   * wait for it (see LatestOnly)
   */
  onProgress: (req: SignoutRequest) => Promise<void>;
  /**
   * called once a request's end and its audit lines are stored, to report it (card, thread, security
   * channel): the end of a job, or of a request that never ran (cancelled, expired, rejected)
   */
  onFinished: (req: SignoutRequest) => Promise<void>;
  progressIntervalMs?: number;
  /** this process in job claims (INSTANCE_ID) */
  instance: string;
  /** a job whose runner has not renewed its claim for this long is taken over by another instance */
  leaseMs: number;
  now?: () => Date;
  /** a clock that never steps back (default performance.now), for the lease */
  monotonic?: () => number;
}

const READ_BACK_BATCH = 20;

/**
 * Runs confirmed sign-outs after the click has been answered: one user through single Graph calls,
 * many through the pacing bulk scheduler. Outcomes are checkpointed in the store as they come, so a
 * restart resumes without revoking anyone twice; a cancel stops further revokes. An unblock request
 * is one PATCH per target, made only while the bot's audit log still shows the block as its own.
 *
 * One process runs a job at a time (JobLease). Every write of the job's outcomes and of its end is a
 * compare-and-swap that requires this process to hold the job. Every end of a request is finished here,
 * in three steps, each of which a runner that resumes it picks up where it stopped: its audit lines (the
 * event that ended it, the job's outcomes), then `auditedAt` (for a job, in the same write as
 * done/failed), then the report in Teams and `reportedAt`. An end that a click or the sweep stored (a
 * cancel, an expiry, a rejection) is held by the process that stored it, which starts it here at once.
 */
export class JobRunner {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly now: () => Date;
  private readonly monotonic: () => number;
  private pausing = false;
  /** this process, as the runner of the jobs it claims */
  readonly me: RunnerIdentity;
  readonly leaseMs: number;

  constructor(private readonly d: JobRunnerDeps) {
    this.now = d.now ?? (() => new Date());
    this.monotonic = d.monotonic ?? systemLeaseClocks.monotonic;
    this.me = { instance: d.instance, token: randomUUID() };
    this.leaseMs = d.leaseMs;
  }

  /**
   * Runs the job (or finishes the end) of a request in the background; `resumed` after a crash or a
   * takeover. The promise resolves when this run ends (at once if it does not start), and never rejects.
   */
  start(req: SignoutRequest, resumed = false): Promise<void> {
    if (this.pausing || this.controllers.has(req.id)) return Promise.resolve();
    const controller = new AbortController();
    this.controllers.set(req.id, controller);
    const job = this.run(req, resumed, controller.signal)
      .catch((err) => {
        this.d.log.error(
          { requestId: req.id, err: (err as Error).message },
          'sign-out job crashed; will resume on restart',
        );
      })
      .finally(() => {
        this.controllers.delete(req.id);
        this.inFlight.delete(job);
      });
    this.inFlight.add(job);
    return job;
  }

  /** True while this process runs the request's job. */
  isRunning(requestId: string): boolean {
    return this.controllers.has(requestId);
  }

  /**
   * The sweep may start this job here: no process holds it, or this one does (its run stopped), or
   * its holder has not renewed its claim for a whole lease. A restarted process is a new runner, so
   * after a crash it waits for the lease like any other instance.
   */
  mayTakeOver(req: SignoutRequest): boolean {
    return !this.isRunning(req.id) && mayClaim(req, this.me, this.now().getTime(), this.leaseMs);
  }

  /**
   * A claim of this process, fresh now: written with the end of a request (a cancel, an expiry, a
   * rejection) by the process that stores it, which then finishes it (start) before anyone else may.
   */
  claimNow(): NonNullable<SignoutRequest['runner']> {
    return { ...this.me, heartbeatAt: this.now().toISOString() };
  }

  /** Stops starting new revokes for a job running in this process. */
  stop(requestId: string): void {
    this.controllers.get(requestId)?.abort();
  }

  /**
   * For shutdown: stop starting new revokes, let batches in flight finish and be checkpointed, and
   * leave the jobs running in the store so the next start resumes them.
   */
  async pause(): Promise<void> {
    this.pausing = true;
    for (const controller of this.controllers.values()) controller.abort();
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async run(req: SignoutRequest, resumed: boolean, signal: AbortSignal): Promise<void> {
    const lease = new JobLease(req.id, {
      store: this.d.store,
      me: this.me,
      leaseMs: this.leaseMs,
      clocks: { now: this.now, monotonic: this.monotonic },
      log: this.d.log,
    });
    const claimed = await lease.take();
    if (!claimed) {
      this.d.log.info({ requestId: req.id }, 'another instance runs this job');
      return;
    }
    let released = false;
    try {
      released = await this.work(claimed, resumed, signal, lease);
    } finally {
      await lease.end(released);
    }
  }

  /** @returns true when the job is handed back (shutdown) rather than ended or lost */
  private async work(
    req: SignoutRequest,
    resumed: boolean,
    signal: AbortSignal,
    lease: JobLease,
  ): Promise<boolean> {
    const job = {
      req,
      lease,
      progress: new LatestOnly(this.d.onProgress, (err) => this.progressFailed(req, err)),
    };
    if (req.status === 'running') {
      await this.revokeAll(job, resumed, signal);
      if (this.pausing) return true;
    } else if (req.status === 'cancelled' && !req.auditedAt && resumed) {
      // stopped by a cancel, then interrupted: revokes of the lost run that Graph carried out still count
      await this.recordEarlierRevokes(
        job,
        req.targets.filter((t) => !req.outcomes.some((o) => o.userId === t.id)),
      );
    }
    if (!lease.valid()) {
      this.d.log.warn(
        { requestId: req.id },
        'this instance no longer holds the job (another took it over, or its claim lapsed): stopped before its next batch',
      );
      return false;
    }
    return this.finish(job, resumed);
  }

  private async revokeAll(job: Job, resumed: boolean, signal: AbortSignal): Promise<void> {
    const { req, lease } = job;
    const finished = new Set(req.outcomes.map((o) => o.userId));
    let remaining = req.targets.filter((t) => !finished.has(t.id));
    if (actionOf(req) === 'unblock') {
      for (const target of remaining) {
        if (!lease.valid()) return;
        await this.checkpoint(job, [await this.unblockOne(req, target)]);
      }
    } else if (req.targets.length === 1) {
      if (req.block) remaining = await this.blockSignIn(job, remaining);
      for (const target of remaining) {
        const outcome = await this.revokeOne(job, target, resumed);
        // blockSignIn returned only the users whose block Graph confirmed
        if (outcome) await this.checkpoint(job, [req.block ? { ...outcome, blocked: true } : outcome]);
      }
    } else {
      await this.runBulk(job, remaining, resumed, signal);
    }
  }

  /**
   * The end of a request, in an order that survives a crash at any point: its audit lines, then its end
   * in the store marked audited, then the report in Teams marked reported. A runner that resumes an end
   * whose audit may have been written before a crash writes only the lines that are missing, so each
   * line is written once; so does a runner whose job a cancel ended while it audited its outcomes.
   * @returns true when the end is handed back unreported (shutdown)
   */
  private async finish(job: Job, resumed: boolean): Promise<boolean> {
    const { lease } = job;
    let req = await this.d.store.get(job.req.id);
    if (!req || !heldBy(req, this.me)) return this.lost(lease);
    // what the log holds of the request: after a crash, anything; else what this run writes below
    const written: Pick<AuditEntry, 'requestId' | 'event' | 'targets'>[] =
      resumed && !req.auditedAt ? await this.d.audit.readAll() : [];
    while (!req.auditedAt) {
      const lines = notYetAudited(endAuditEntries(req), written);
      if (!lease.valid()) return false;
      await this.d.audit.appendMany(lines);
      written.push(...lines);
      const ended = await this.end(req);
      if (!ended.request || !heldBy(ended.request, this.me)) return this.lost(lease);
      // not ended: a cancel came in since the lines were made; audit what it adds, then end again
      req = ended.request;
    }
    if (req.reportedAt) return false;
    // the final card must not be overwritten by a progress update still on its way
    await job.progress.close();
    await this.d.onFinished(req);
    // a report made while this process stops may be cut short by the shutdown deadline: handed back
    // unmarked, it is made again at the next start (its posts may then come twice)
    if (this.pausing) return true;
    await this.d.store.patch(req.id, (cur) =>
      heldBy(cur, this.me) && !cur.reportedAt ? { reportedAt: this.now().toISOString() } : undefined,
    );
    return false;
  }

  private lost(lease: JobLease): false {
    lease.lose();
    return false;
  }

  /**
   * Stores the end of a request whose audit lines were just written for the state `req`: a running job
   * becomes done or failed; an end stored already (a cancel, an expiry, a rejection) is marked audited.
   * Writes nothing when the request has changed since (ok: false, with the request as it is now).
   */
  private async end(req: SignoutRequest): Promise<TransitionResult> {
    const now = this.now().toISOString();
    const stamp = (cur: SignoutRequest) => ({ auditedAt: now, finishedAt: cur.finishedAt ?? now });
    const unchanged = (cur: SignoutRequest) =>
      heldBy(cur, this.me) &&
      !cur.auditedAt &&
      cur.status === req.status &&
      cur.outcomes.length === req.outcomes.length;
    if (req.status !== 'running')
      return this.d.store.patch(req.id, (cur) => (unchanged(cur) ? stamp(cur) : undefined));
    const anyRevoked = req.outcomes.some((o) => !FAILED_OUTCOMES.includes(o.kind));
    return this.d.store.transition(req.id, ['running'], anyRevoked ? 'done' : 'failed', (cur) =>
      unchanged(cur)
        ? { ...stamp(cur), error: anyRevoked ? undefined : cur.outcomes.find((o) => o.message)?.message }
        : undefined,
    );
  }

  private async runBulk(
    job: Job,
    remaining: DirectoryUser[],
    resumed: boolean,
    signal: AbortSignal,
  ): Promise<void> {
    const { req, lease } = job;
    const log = this.d.log.child({ requestId: req.id });
    if (resumed && req.startedAt) {
      const done = new Set((await this.recordEarlierRevokes(job, remaining)).map((o) => o.userId));
      remaining = remaining.filter((t) => !done.has(t.id));
    }
    const buffer: TargetOutcome[] = [];
    let latest: BulkProgress | undefined;
    let lastFlush = Date.now();
    const interval = this.d.progressIntervalMs ?? 3000;
    const flush = async () => {
      lastFlush = Date.now();
      // taken once: the store runs the change again after an eTag conflict
      const taken = buffer.splice(0);
      let saved: TransitionResult;
      try {
        saved = await this.d.store.patch(req.id, (cur) =>
          this.mayRecord(cur)
            ? {
                outcomes: withOutcomes(cur.outcomes, taken),
                progress: latest
                  ? {
                      done: cur.targets.length - remaining.length + latest.done,
                      total: cur.targets.length,
                      ratePerSecond: latest.ratePerSecond,
                      etaMs: latest.etaMs,
                      throttled: latest.throttled,
                      pausedUntil: latest.pausedUntil
                        ? new Date(latest.pausedUntil).toISOString()
                        : undefined,
                    }
                  : cur.progress,
              }
            : undefined,
        );
      } catch (err) {
        buffer.unshift(...taken);
        throw err;
      }
      if (!saved.ok) return this.notRecorded(job, taken);
      if (saved.request.status === 'cancelled') this.stop(req.id);
      job.progress.push(saved.request);
    };
    const result = await runBulkRevoke({
      userIds: remaining.map((t) => t.id),
      transport: graphBatchTransport(this.d.batchGraph),
      limits: this.d.limits,
      signal,
      mayContinue: () => lease.valid(),
      block: req.block,
      progressIntervalMs: Math.min(interval, 1000),
      onProgress: (p) => (latest = p),
      maxPauseMs: this.d.graphMaxPauseMs,
      // nothing answers until Graph's pause ends: show it now (serialized with onOutcome)
      onPaused: async (p) => {
        latest = p;
        await flush();
      },
      onOutcome: async (o) => {
        buffer.push(o);
        if (Date.now() - lastFlush >= interval) await flush();
      },
    });
    latest = result.progress;
    await flush();
    log.info(
      { ...result.progress, targets: req.targets.length, cancelled: result.cancelled, halted: result.halted },
      'bulk sign-out finished',
    );
  }

  /**
   * After a restart or a takeover: users of `users` whose sessions are already valid only from after
   * the job started were revoked by an earlier run (perhaps in a batch that was on its way when that
   * run stopped), and are recorded now instead of being revoked again.
   */
  private async recordEarlierRevokes(job: Job, users: DirectoryUser[]): Promise<TargetOutcome[]> {
    const { req } = job;
    if (!req.startedAt || !users.length) return [];
    const earlier = await this.revokedSince(users, req.startedAt, !!req.block);
    if (earlier.length) {
      this.d.log.info(
        { requestId: req.id, count: earlier.length },
        'revoked before a restart; not revoking again',
      );
      await this.checkpoint(job, earlier);
    }
    return earlier;
  }

  /** The job's outcomes may be written: this process holds it, and its end is not stored yet. */
  private mayRecord(cur: SignoutRequest): boolean {
    return heldBy(cur, this.me) && (cur.status === 'running' || cur.status === 'cancelled') && !cur.auditedAt;
  }

  /**
   * Outcomes this runner got from Graph after it lost the job: the runner that holds it now reads
   * every user without an outcome before sending anything (recordEarlierRevokes), so a revoke that
   * took effect is recorded there; here it is only logged.
   */
  private notRecorded(job: Job, outcomes: TargetOutcome[]): void {
    job.lease.lose();
    if (!outcomes.length) return;
    this.d.log.warn(
      {
        requestId: job.req.id,
        outcomes: outcomes.map((o) => ({ userId: o.userId, kind: o.kind, graphRequestId: o.requestId })),
      },
      'outcomes not recorded: another instance holds the job now and checks these users itself',
    );
  }

  private progressFailed(req: SignoutRequest, err: unknown): void {
    this.d.log.warn({ requestId: req.id, err: (err as Error)?.message }, 'progress card not updated');
  }

  /**
   * Microsoft's containment sequence for one user: disable sign-in first, so no new session can start,
   * then revoke (bulk jobs do the same inside the scheduler). Blocking is idempotent, so a resumed job
   * simply blocks again. A user who cannot be blocked is not revoked either: the admin asked for both,
   * and gets a clear reason instead of half of it.
   */
  private async blockSignIn(job: Job, users: DirectoryUser[]): Promise<DirectoryUser[]> {
    const blocked: DirectoryUser[] = [];
    for (const user of users) {
      if (!job.lease.valid()) break;
      try {
        await setAccountEnabled(this.d.graph, user.id, false);
        blocked.push(user);
      } catch (err) {
        await this.checkpoint(job, [this.failedWrite(job.req, user, err, 'block')]);
      }
    }
    return blocked;
  }

  /**
   * Allows sign-in again (PATCH accountEnabled=true), if the bot's audit log still shows the user's
   * current block as the bot's: between the request and the click, another unblock may have run and
   * someone else may have blocked the account since. Repeating it after a restart is harmless.
   */
  private async unblockOne(req: SignoutRequest, user: DirectoryUser): Promise<TargetOutcome> {
    if (!currentBotBlock(await this.d.audit.readAll(), user.id)) {
      this.d.log.warn(
        { requestId: req.id, target: user.id },
        'unblock refused: no block of the bot in force',
      );
      return {
        userId: user.id,
        kind: 'failed',
        code: 'NotBlockedByBot',
        message: noLongerBlockedByBot(user),
      };
    }
    try {
      const { requestId } = await setAccountEnabled(this.d.graph, user.id, true);
      this.d.log.info({ requestId: req.id, target: user.id, graphRequestId: requestId }, 'unblocked');
      return { userId: user.id, kind: 'unblocked', requestId };
    } catch (err) {
      return this.failedWrite(req, user, err, 'unblock');
    }
  }

  /** A block or unblock Graph refused, as the user's outcome. */
  private failedWrite(
    req: SignoutRequest,
    user: DirectoryUser,
    err: unknown,
    action: GraphAction,
  ): TargetOutcome {
    const failure =
      err instanceof GraphCallError ? err : new GraphCallError(0, 'Unexpected', (err as Error).message);
    const explained = explainGraphFailure(failure, action, user.displayName);
    this.d.log.warn(
      { requestId: req.id, target: user.id, status: failure.status, code: failure.code },
      `${action} failed`,
    );
    return {
      userId: user.id,
      kind: explained.kind,
      code: failure.code,
      requestId: failure.requestId,
      message: explained.text,
    };
  }

  /** Stores outcomes, if this process still holds the job (see notRecorded). */
  private async checkpoint(job: Job, outcomes: TargetOutcome[]): Promise<void> {
    const saved = await this.d.store.patch(job.req.id, (cur) =>
      this.mayRecord(cur) ? { outcomes: withOutcomes(cur.outcomes, outcomes) } : undefined,
    );
    if (!saved.ok) this.notRecorded(job, outcomes);
  }

  /** The user's outcome, or undefined when this runner may no longer act (see JobLease). */
  private async revokeOne(
    job: Job,
    target: DirectoryUser,
    resumed: boolean,
  ): Promise<TargetOutcome | undefined> {
    const { req } = job;
    const log = this.d.log.child({ requestId: req.id, target: target.id });
    try {
      const [earlier] =
        resumed && req.startedAt ? await this.revokedSince([target], req.startedAt, false) : [];
      if (earlier) log.info('revoked before a restart; not revoking again');
      if (!earlier && !job.lease.valid()) return undefined;
      const outcome = earlier ?? (await revokeUserSessions(this.d.graph, target.id));
      log.info(
        { kind: outcome.kind, validFrom: outcome.validFrom, graphRequestId: outcome.requestId },
        'revoke finished',
      );
      return outcome;
    } catch (err) {
      const failure =
        err instanceof GraphCallError
          ? err
          : new GraphCallError(0, 'Unexpected', (err as Error).message ?? String(err));
      const explained = explainGraphFailure(failure, 'revoke', target.displayName);
      log.warn(
        { status: failure.status, code: failure.code, graphRequestId: failure.requestId },
        'revoke failed',
      );
      return {
        userId: target.id,
        kind: explained.kind,
        code: failure.code,
        requestId: failure.requestId,
        message: explained.text,
      };
    }
  }

  /**
   * After a restart, the users whose sessions are already valid only from after the job started:
   * Graph accepted their revoke before the bot stopped, so it is recorded instead of sent again.
   * `block`: a bulk `--block` job revokes only after the block succeeded, so such a user whose
   * sign-in is disabled now was blocked by it.
   */
  private async revokedSince(
    users: DirectoryUser[],
    startedAt: string,
    block: boolean,
  ): Promise<TargetOutcome[]> {
    const startedSecond = Math.floor(Date.parse(startedAt) / 1000) * 1000;
    const found: TargetOutcome[] = [];
    for (let i = 0; i < users.length; i += READ_BACK_BATCH) {
      const slice = users.slice(i, i + READ_BACK_BATCH);
      const current = await Promise.all(slice.map((u) => this.d.directory.getUser(u.id)));
      for (const user of current) {
        if (user?.validFrom && Date.parse(user.validFrom) >= startedSecond) {
          found.push({
            userId: user.id,
            kind: user.userType === 'Guest' ? 'guestSkipped' : 'revoked',
            validFrom: user.validFrom,
            ...(block && user.accountEnabled === false ? { blocked: true } : {}),
          });
        }
      }
    }
    return found;
  }
}
