import type { RunnerIdentity } from '../domain/jobClaim';
import { heldBy } from '../domain/jobClaim';
import type { DirectoryUser, SignoutRequest, TargetOutcome } from '../domain/types';
import type { Directory } from '../graph/directory';
import type { Logger } from '../log';
import type { RequestStore } from '../store/requestStore';
import type { JobLease } from './jobLease';
import type { LatestOnly } from './latestOnly';

/** One run of a job in this process. */
export interface Job {
  req: SignoutRequest;
  lease: JobLease;
  progress: LatestOnly<SignoutRequest>;
}

const READ_BACK_BATCH = 20;

/** `outcomes` after `more`, keeping the first outcome of a user (one outcome per user, whatever runs twice). */
export function withOutcomes(outcomes: TargetOutcome[], more: TargetOutcome[]): TargetOutcome[] {
  const known = new Set(outcomes.map((o) => o.userId));
  const added: TargetOutcome[] = [];
  for (const o of more) {
    if (known.has(o.userId)) continue;
    known.add(o.userId);
    added.push(o);
  }
  return [...outcomes, ...added];
}

/**
 * Writes a job's outcomes into its request, only while this process holds the job; and finds, after a
 * restart or a takeover, the users an earlier run revoked, so that they are recorded, not revoked again.
 */
export class JobOutcomes {
  constructor(
    private readonly d: { store: RequestStore; directory: Directory; log: Logger; me: RunnerIdentity },
  ) {}

  /** The job's outcomes may be written: this process holds it, and its end is not stored yet. */
  mayRecord(cur: SignoutRequest): boolean {
    return (
      heldBy(cur, this.d.me) && (cur.status === 'running' || cur.status === 'cancelled') && !cur.auditedAt
    );
  }

  /** Stores outcomes, if this process still holds the job (see notRecorded). */
  async checkpoint(job: Job, outcomes: TargetOutcome[]): Promise<void> {
    const saved = await this.d.store.patch(job.req.id, (cur) =>
      this.mayRecord(cur) ? { outcomes: withOutcomes(cur.outcomes, outcomes) } : undefined,
    );
    if (!saved.ok) this.notRecorded(job, outcomes);
  }

  /**
   * Outcomes this runner got from Graph after it lost the job: the runner that holds it now reads
   * every user without an outcome before sending anything (recordEarlierRevokes), so a revoke that
   * took effect is recorded there; here it is only logged.
   */
  notRecorded(job: Job, outcomes: TargetOutcome[]): void {
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

  /**
   * After a restart or a takeover: users of `users` whose sessions are already valid only from after
   * the job started were revoked by an earlier run (perhaps in a batch that was on its way when that
   * run stopped), and are recorded now instead of being revoked again.
   */
  async recordEarlierRevokes(job: Job, users: DirectoryUser[]): Promise<TargetOutcome[]> {
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

  /**
   * After a restart, the users whose sessions are already valid only from after the job started:
   * Graph accepted their revoke before the bot stopped, so it is recorded instead of sent again.
   * `block`: a multi-target `--block` job revokes only after the block succeeded, so such a user whose
   * sign-in is disabled now was blocked by it.
   */
  async revokedSince(users: DirectoryUser[], startedAt: string, block: boolean): Promise<TargetOutcome[]> {
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
