import type { DirectoryUser, SignoutRequest, TargetOutcome } from '../domain/types';
import { runBulkRevoke, graphBatchTransport, type BulkProgress, type BulkRevokeOptions } from '../graph/bulk';
import type { GraphApi } from '../graph/client';
import type { ThrottleLimits } from '../graph/throttleLimits';
import type { Logger } from '../log';
import type { RequestStore, TransitionResult } from '../store/requestStore';
import { withOutcomes, type Job, type JobOutcomes } from './jobOutcomes';

export interface BulkJobDeps {
  store: RequestStore;
  /** for $batch: no SDK retries, the bulk scheduler paces and retries per item */
  batchGraph: GraphApi;
  limits: ThrottleLimits;
  /** the tenant's budgets, shared with the other jobs this process runs at once */
  budgets?: BulkRevokeOptions['budgets'];
  /** the longest pause a Graph Retry-After may impose on a multi-target job (GRAPH_MAX_PAUSE_SECONDS) */
  graphMaxPauseMs?: number;
  /** how often outcomes are checkpointed and the progress card updated */
  progressIntervalMs: number;
  outcomes: JobOutcomes;
  log: Logger;
  /** a clock that never steps back, for the checkpoint interval */
  monotonic: () => number;
}

/**
 * A job of many users through the pacing bulk scheduler. Outcomes are checkpointed with the progress
 * figures every `progressIntervalMs`, and the progress card gets the state just stored (without the job
 * waiting for it). A cancel seen in a checkpoint stops the scheduler (`stop`).
 */
export async function runBulkJob(
  d: BulkJobDeps,
  job: Job,
  remaining: DirectoryUser[],
  o: { resumed: boolean; signal: AbortSignal; stop: () => void },
): Promise<void> {
  const { req, lease } = job;
  if (o.resumed && req.startedAt) {
    const done = new Set((await d.outcomes.recordEarlierRevokes(job, remaining)).map((x) => x.userId));
    remaining = remaining.filter((t) => !done.has(t.id));
  }
  let buffer: TargetOutcome[] = [];
  let latest: BulkProgress | undefined;
  let lastFlush = d.monotonic();
  const flush = async () => {
    lastFlush = d.monotonic();
    // taken once: the store runs the change again after an eTag conflict
    const taken = buffer;
    buffer = [];
    let saved: TransitionResult;
    try {
      saved = await d.store.patch(req.id, (cur) =>
        d.outcomes.mayRecord(cur)
          ? {
              outcomes: withOutcomes(cur.outcomes, taken),
              progress: latest ? progressOf(cur, remaining.length, latest) : cur.progress,
            }
          : undefined,
      );
    } catch (err) {
      buffer = taken.concat(buffer);
      throw err;
    }
    if (!saved.ok) return d.outcomes.notRecorded(job, taken);
    if (saved.request.status === 'cancelled') o.stop();
    job.progress.push(saved.request);
  };
  // Checkpoints run beside the scheduler, one at a time: batches do not wait for the store. An outcome
  // not yet stored is safe: after a crash the next run reads back every user without one.
  const background = new BackgroundFlush(flush);
  const result = await runBulkRevoke({
    userIds: remaining.map((t) => t.id),
    transport: graphBatchTransport(d.batchGraph),
    limits: d.limits,
    budgets: d.budgets,
    signal: o.signal,
    mayContinue: () => lease.valid(),
    block: req.block,
    progressIntervalMs: Math.min(d.progressIntervalMs, 1000),
    onProgress: (p) => (latest = p),
    maxPauseMs: d.graphMaxPauseMs,
    // nothing answers until Graph's pause ends: show it now (serialized with onOutcome)
    onPaused: async (p) => {
      latest = p;
      await background.now();
    },
    onOutcome: (outcome) => {
      background.check();
      buffer.push(outcome);
      if (d.monotonic() - lastFlush >= d.progressIntervalMs) background.start();
    },
  }).finally(() => background.idle());
  background.check();
  latest = result.progress;
  await flush();
  d.log.info(
    {
      requestId: req.id,
      ...result.progress,
      targets: req.targets.length,
      cancelled: result.cancelled,
      halted: result.halted,
    },
    'bulk sign-out finished',
  );
}

/**
 * A checkpoint that runs in the background, one at a time. Its failure (the store refuses writes) is
 * raised at the next check, which stops the scheduler as a failed checkpoint always did.
 */
class BackgroundFlush {
  private running: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  constructor(private readonly flush: () => Promise<void>) {}

  /** Starts a checkpoint unless one is running. */
  start(): void {
    if (this.running) return;
    this.running = this.flush()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  /** A checkpoint now, after the one running. */
  async now(): Promise<void> {
    await this.idle();
    this.check();
    await this.flush();
  }

  async idle(): Promise<void> {
    await this.running;
  }

  /** Throws the error of a failed checkpoint. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }
}

/** The progress figures of the whole job: users done before this run count as done. */
function progressOf(
  cur: SignoutRequest,
  remaining: number,
  p: BulkProgress,
): NonNullable<SignoutRequest['progress']> {
  return {
    done: cur.targets.length - remaining + p.done,
    total: cur.targets.length,
    ratePerSecond: p.ratePerSecond,
    etaMs: p.etaMs,
    throttled: p.throttled,
    pausedUntil: p.pausedUntil ? new Date(p.pausedUntil).toISOString() : undefined,
  };
}
