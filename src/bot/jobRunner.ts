import { explainGraphFailure } from '../core/graphErrors';
import { FAILED_OUTCOMES, type DirectoryUser, type SignoutRequest, type TargetOutcome } from '../core/types';
import { runBulkRevoke, graphBatchTransport, type BulkProgress } from '../graph/batchScheduler';
import { setAccountEnabled } from '../graph/accountState';
import { GraphCallError, type GraphApi } from '../graph/client';
import type { Directory } from '../graph/directory';
import { revokeUserSessions } from '../graph/revoke';
import type { ThrottleLimits } from '../graph/throttleLimits';
import type { Logger } from '../log';
import type { RequestStore } from '../store/requestStore';

export interface JobRunnerDeps {
  store: RequestStore;
  /** for single calls: the SDK retries 429 within a bound */
  graph: GraphApi;
  /** for $batch: no SDK retries, the bulk scheduler paces and retries per item */
  batchGraph: GraphApi;
  directory: Directory;
  limits: ThrottleLimits;
  log: Logger;
  /** called with the latest state of a bulk request, at most every progressIntervalMs */
  onProgress: (req: SignoutRequest) => Promise<void>;
  /**
   * called with the request in its final state; `again` when a stop may have interrupted an earlier
   * report of it (the job was resumed), so audit lines already written must not be written twice
   */
  onFinished: (req: SignoutRequest, again: boolean) => Promise<void>;
  progressIntervalMs?: number;
  /** stable per host (App Service's WEBSITE_INSTANCE_ID, else the host name) */
  instance: string;
  now?: () => Date;
}

const READ_BACK_BATCH = 20;
/** A job whose runner has not renewed its claim for this long is taken over by another instance. */
export const LEASE_MS = 60_000;
const HEARTBEAT_MS = 15_000;

/**
 * Runs confirmed sign-outs after the click has been answered: one user through single Graph calls,
 * many through the pacing bulk scheduler. Outcomes are checkpointed in the store as they come, so a
 * restart resumes without revoking anyone twice; a cancel stops further revokes.
 */
export class JobRunner {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly now: () => Date;
  private pausing = false;
  /** this host, as the runner of the jobs it claims: a restart on the same host resumes at once */
  readonly instance: string;

  constructor(private readonly d: JobRunnerDeps) {
    this.now = d.now ?? (() => new Date());
    this.instance = d.instance;
  }

  start(req: SignoutRequest, resumed = false): void {
    if (this.pausing || this.controllers.has(req.id)) return;
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
  }

  /** True while this process runs the request's job. */
  isRunning(requestId: string): boolean {
    return this.controllers.has(requestId);
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
    const claimed = await this.claim(req.id);
    if (!claimed) {
      this.d.log.info({ requestId: req.id }, 'another instance runs this job');
      return;
    }
    req = claimed;
    const heartbeat = setInterval(() => void this.claim(req.id).catch(() => undefined), HEARTBEAT_MS);
    try {
      await this.work(req, resumed, signal);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Takes (or renews) the job's lease: only one instance runs a job, and a job whose instance died is
   * taken over once its lease is stale. Returns the request, or undefined when another instance holds it.
   */
  private async claim(requestId: string): Promise<SignoutRequest | undefined> {
    const now = this.now();
    const claimed = await this.d.store.patch(requestId, (cur) => {
      const r = cur.runner;
      const free = !r || r.instance === this.instance || now.getTime() - Date.parse(r.heartbeatAt) > LEASE_MS;
      return (cur.status === 'running' || cur.reportPending) && free
        ? { runner: { instance: this.instance, heartbeatAt: now.toISOString() } }
        : undefined;
    });
    return claimed.ok ? claimed.request : undefined;
  }

  private async work(req: SignoutRequest, resumed: boolean, signal: AbortSignal): Promise<void> {
    if (req.status === 'running') {
      const finished = new Set(req.outcomes.map((o) => o.userId));
      let remaining = req.targets.filter((t) => !finished.has(t.id));
      if (req.targets.length === 1) {
        if (req.block) remaining = await this.blockSignIn(req, remaining);
        for (const target of remaining)
          await this.checkpoint(req.id, [await this.revokeOne(req, target, resumed)]);
      } else {
        await this.runBulk(req, remaining, resumed, signal);
      }
      if (this.pausing) {
        // hand the job over at once rather than after the lease runs out
        await this.d.store.patch(req.id, (cur) =>
          cur.runner?.instance === this.instance ? { runner: undefined } : undefined,
        );
        return;
      }
    } else if (!req.finishedAt) {
      // Cancelled while it ran, and the bot stopped before the job ended: revoke nobody else, but record
      // the revokes Graph accepted before the stop.
      const recorded = new Set(req.outcomes.map((o) => o.userId));
      const open = req.targets.filter((t) => !recorded.has(t.id));
      const earlier = req.startedAt && open.length ? await this.revokedSince(open, req.startedAt) : [];
      if (earlier.length) await this.checkpoint(req.id, earlier);
    }
    await this.finish(req.id, resumed);
  }

  /**
   * Records the end of the job, then reports it. The request stays active until the report is out, so a
   * stop in between (a crash, a deploy) has the report made again after the restart.
   */
  private async finish(requestId: string, again: boolean): Promise<void> {
    let current = await this.d.store.get(requestId);
    if (current?.status === 'running') {
      const anyRevoked = current.outcomes.some((o) => !FAILED_OUTCOMES.includes(o.kind));
      const ended = await this.d.store.transition(
        requestId,
        ['running'],
        anyRevoked ? 'done' : 'failed',
        (cur) => ({
          finishedAt: this.now().toISOString(),
          error: anyRevoked ? undefined : cur.outcomes.find((o) => o.message)?.message,
          reportPending: true,
        }),
      );
      // losing means a cancel came first: the job ends as cancelled below
      current = ended.ok ? ended.request : await this.d.store.get(requestId);
    }
    if (current?.status === 'cancelled' && !current.finishedAt) {
      const stopped = await this.d.store.patch(requestId, (cur) =>
        cur.status === 'cancelled' && !cur.finishedAt
          ? { finishedAt: this.now().toISOString(), reportPending: true }
          : undefined,
      );
      current = stopped.request;
    }
    if (!current?.reportPending) return;
    await this.d.onFinished(current, again);
    await this.d.store.reported(requestId);
  }

  private async runBulk(
    req: SignoutRequest,
    remaining: DirectoryUser[],
    resumed: boolean,
    signal: AbortSignal,
  ): Promise<void> {
    const log = this.d.log.child({ requestId: req.id });
    if (resumed && req.startedAt) {
      const earlier = await this.revokedSince(remaining, req.startedAt);
      if (earlier.length) {
        log.info({ count: earlier.length }, 'revoked before a restart; not revoking again');
        await this.checkpoint(req.id, earlier);
        const done = new Set(earlier.map((o) => o.userId));
        remaining = remaining.filter((t) => !done.has(t.id));
      }
    }
    const buffer: TargetOutcome[] = [];
    let latest: BulkProgress | undefined;
    let lastFlush = Date.now();
    const interval = this.d.progressIntervalMs ?? 3000;
    const flush = async () => {
      lastFlush = Date.now();
      const saved = await this.d.store.patch(req.id, (cur) => ({
        outcomes: [...cur.outcomes, ...buffer.splice(0)],
        progress: latest
          ? {
              done: cur.targets.length - remaining.length + latest.done,
              total: cur.targets.length,
              ratePerSecond: latest.ratePerSecond,
              etaMs: latest.etaMs,
              throttled: latest.throttled,
            }
          : cur.progress,
      }));
      if (saved.request?.status === 'cancelled') this.stop(req.id);
      if (saved.request) await this.d.onProgress(saved.request);
    };
    const result = await runBulkRevoke({
      userIds: remaining.map((t) => t.id),
      transport: graphBatchTransport(this.d.batchGraph),
      limits: this.d.limits,
      signal,
      block: req.block,
      progressIntervalMs: Math.min(interval, 1000),
      onProgress: (p) => (latest = p),
      onOutcome: async (o) => {
        buffer.push(o);
        if (Date.now() - lastFlush >= interval) await flush();
      },
    });
    latest = result.progress;
    await flush();
    log.info(
      { ...result.progress, targets: req.targets.length, cancelled: result.cancelled },
      'bulk sign-out finished',
    );
  }

  /**
   * Microsoft's containment sequence for one user: disable sign-in first, so no new session can start,
   * then revoke (bulk jobs do the same inside the scheduler). Blocking is idempotent, so a resumed job
   * simply blocks again. A user who cannot be blocked is not revoked either: the admin asked for both,
   * and gets a clear reason instead of half of it.
   */
  private async blockSignIn(req: SignoutRequest, users: DirectoryUser[]): Promise<DirectoryUser[]> {
    const blocked: DirectoryUser[] = [];
    for (const user of users) {
      try {
        await setAccountEnabled(this.d.graph, user.id, false);
        blocked.push(user);
      } catch (err) {
        const failure =
          err instanceof GraphCallError ? err : new GraphCallError(0, 'Unexpected', (err as Error).message);
        const explained = explainGraphFailure(failure, 'block', user.displayName);
        this.d.log.warn(
          { requestId: req.id, target: user.id, status: failure.status, code: failure.code },
          'block failed',
        );
        await this.checkpoint(req.id, [
          {
            userId: user.id,
            kind: explained.kind,
            code: failure.code,
            requestId: failure.requestId,
            message: explained.text,
          },
        ]);
      }
    }
    return blocked;
  }

  private async checkpoint(requestId: string, outcomes: TargetOutcome[]): Promise<void> {
    await this.d.store.patch(requestId, (cur) => ({ outcomes: [...cur.outcomes, ...outcomes] }));
  }

  private async revokeOne(
    req: SignoutRequest,
    target: DirectoryUser,
    resumed: boolean,
  ): Promise<TargetOutcome> {
    const log = this.d.log.child({ requestId: req.id, target: target.id });
    try {
      const [earlier] = resumed && req.startedAt ? await this.revokedSince([target], req.startedAt) : [];
      if (earlier) log.info('revoked before a restart; not revoking again');
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
   */
  private async revokedSince(users: DirectoryUser[], startedAt: string): Promise<TargetOutcome[]> {
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
          });
        }
      }
    }
    return found;
  }
}
