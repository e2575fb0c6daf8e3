import { randomUUID } from 'node:crypto';
import { mayClaim, type RunnerIdentity } from '../domain/jobClaim';
import { isMultiTarget } from '../domain/requestSize';
import { actionOf, type SignoutRequest } from '../domain/types';
import type { GraphApi } from '../graph/client';
import type { Directory } from '../graph/directory';
import type { ThrottleLimits } from '../graph/throttleLimits';
import type { Logger } from '../log';
import type { AuditSink } from '../store/auditLog';
import type { RequestStore } from '../store/requestStore';
import { DEFAULT_SAFETY_MARGIN, SharedBudgets, systemClock } from '../graph/bulk';
import { runBulkJob } from './bulkJob';
import { JobEnd, type JobReports } from './jobEnd';
import { JobLease, systemLeaseClocks } from './jobLease';
import { JobOutcomes, type Job } from './jobOutcomes';
import { LatestOnly } from './latestOnly';
import { SingleUserWrites } from './singleUserWrites';

export interface JobRunnerDeps {
  store: RequestStore;
  /** for single calls: the SDK retries 429 within a bound */
  graph: GraphApi;
  /** for $batch: no SDK retries, the bulk scheduler paces and retries per item */
  batchGraph: GraphApi;
  directory: Directory;
  /** a request's end goes here before it is marked audited; read before an unblock (the bot only reverses its own blocks) */
  audit: Pick<AuditSink, 'readNewestFirst' | 'appendMany'>;
  limits: ThrottleLimits;
  /** the longest pause a Graph Retry-After may impose on a multi-target job (GRAPH_MAX_PAUSE_SECONDS) */
  graphMaxPauseMs?: number;
  log: Logger;
  /** progress cards and the report of each end (JobReporter) */
  reports: JobReports;
  /** how often a multi-target job checkpoints and updates its progress card */
  progressIntervalMs?: number;
  /** this process in job claims (INSTANCE_ID) */
  instance: string;
  /** a job whose runner has not renewed its claim for this long is taken over by another instance */
  leaseMs: number;
  now?: () => Date;
  /** a clock that never steps back (default performance.now), for the lease */
  monotonic?: () => number;
}

/**
 * Runs confirmed sign-outs after the click has been answered: one user through single Graph calls,
 * many through the pacing bulk scheduler. Outcomes are checkpointed in the store as they come, so a
 * restart resumes without revoking anyone twice; a cancel stops further revokes. An unblock request
 * is one PATCH per target, made only while the bot's audit log still shows the block as its own.
 *
 * One process runs a job at a time (JobLease). Every write of the job's outcomes and of its end is a
 * compare-and-swap that requires this process to hold the job. Every end of a request is finished here
 * (JobEnd), in three steps, each of which a runner that resumes it picks up where it stopped. An end
 * that a click or the sweep stored (a cancel, an expiry, a rejection) is held by the process that
 * stored it, which starts it here at once.
 */
export class JobRunner {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly now: () => Date;
  private readonly monotonic: () => number;
  private readonly outcomes: JobOutcomes;
  private readonly writes: SingleUserWrites;
  private readonly ending: JobEnd;
  /** Graph's quota is the tenant's: the bulk jobs this process runs at once pace against one budget */
  private readonly budgets: SharedBudgets;
  private pausing = false;
  /** this process, as the runner of the jobs it claims */
  readonly me: RunnerIdentity;
  readonly leaseMs: number;

  constructor(private readonly d: JobRunnerDeps) {
    this.now = d.now ?? (() => new Date());
    this.monotonic = d.monotonic ?? systemLeaseClocks.monotonic;
    this.me = { instance: d.instance, token: randomUUID() };
    this.leaseMs = d.leaseMs;
    this.budgets = new SharedBudgets(d.limits, systemClock.now, DEFAULT_SAFETY_MARGIN);
    this.outcomes = new JobOutcomes({ store: d.store, directory: d.directory, log: d.log, me: this.me });
    this.writes = new SingleUserWrites({
      graph: d.graph,
      audit: d.audit,
      outcomes: this.outcomes,
      log: d.log,
    });
    this.ending = new JobEnd({
      store: d.store,
      audit: d.audit,
      reports: d.reports,
      me: this.me,
      now: this.now,
      pausing: () => this.pausing,
    });
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
    const job: Job = {
      req,
      lease,
      progress: new LatestOnly(
        (r: SignoutRequest) => this.d.reports.progress(r),
        (err) =>
          this.d.log.warn({ requestId: req.id, err: (err as Error)?.message }, 'progress card not updated'),
      ),
    };
    if (req.status === 'running') {
      await this.revokeAll(job, resumed, signal);
      if (this.pausing) return true;
    } else if (req.status === 'cancelled' && !req.auditedAt && resumed) {
      // stopped by a cancel, then interrupted: revokes of the lost run that Graph carried out still count
      await this.outcomes.recordEarlierRevokes(
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
    return this.ending.finish(job, resumed);
  }

  private async revokeAll(job: Job, resumed: boolean, signal: AbortSignal): Promise<void> {
    const { req, lease } = job;
    const finished = new Set(req.outcomes.map((o) => o.userId));
    let remaining = req.targets.filter((t) => !finished.has(t.id));
    if (actionOf(req) === 'unblock') {
      for (const target of remaining) {
        if (!lease.valid()) return;
        await this.outcomes.checkpoint(job, [await this.writes.unblockOne(req, target)]);
      }
    } else if (!isMultiTarget(req)) {
      if (req.block) remaining = await this.writes.blockSignIn(job, remaining);
      for (const target of remaining) {
        const outcome = await this.writes.revokeOne(job, target, resumed);
        // blockSignIn returned only the users whose block Graph confirmed
        if (outcome)
          await this.outcomes.checkpoint(job, [req.block ? { ...outcome, blocked: true } : outcome]);
      }
    } else {
      await runBulkJob(
        {
          store: this.d.store,
          batchGraph: this.d.batchGraph,
          limits: this.d.limits,
          budgets: this.budgets.for(req.tenantId),
          graphMaxPauseMs: this.d.graphMaxPauseMs,
          progressIntervalMs: this.d.progressIntervalMs ?? 3000,
          outcomes: this.outcomes,
          log: this.d.log,
          monotonic: this.monotonic,
        },
        job,
        remaining,
        { resumed, signal, stop: () => this.stop(req.id) },
      );
    }
  }
}
