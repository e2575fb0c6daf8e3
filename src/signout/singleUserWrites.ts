import { botBlockNewestFirst } from '../domain/botBlock';
import { explainGraphFailure, type GraphAction } from '../domain/graphErrors';
import type { DirectoryUser, SignoutRequest, TargetOutcome } from '../domain/types';
import { noLongerBlockedByBot } from '../domain/unblockMessages';
import { setAccountEnabled } from '../graph/accountState';
import { GraphCallError, type GraphApi } from '../graph/client';
import { revokeUserSessions } from '../graph/revoke';
import type { Logger } from '../log';
import type { AuditSink } from '../store/auditLog';
import type { Job, JobOutcomes } from './jobOutcomes';

/**
 * The Graph writes of a job, one user at a time: a revoke, a block before it, an unblock. Graph's
 * refusals become the user's outcome, in plain words; nothing here throws for one user's failure.
 */
export class SingleUserWrites {
  constructor(
    private readonly d: {
      /** the SDK retries 429 within a bound */
      graph: GraphApi;
      /** read before an unblock: the bot only reverses its own blocks */
      audit: Pick<AuditSink, 'readNewestFirst'>;
      outcomes: JobOutcomes;
      log: Logger;
    },
  ) {}

  /**
   * Microsoft's containment sequence for one user: disable sign-in first, so no new session can start,
   * then revoke (multi-target jobs do the same inside the $batch scheduler). Blocking is idempotent, so
   * a resumed job simply blocks again. A user who cannot be blocked is not revoked either: the admin
   * asked for both, and gets a clear reason instead of half of it.
   * @returns the users whose block Graph confirmed
   */
  async blockSignIn(job: Job, users: DirectoryUser[]): Promise<DirectoryUser[]> {
    const blocked: DirectoryUser[] = [];
    for (const user of users) {
      if (!job.lease.valid()) break;
      try {
        await setAccountEnabled(this.d.graph, user.id, false);
        blocked.push(user);
      } catch (err) {
        await this.d.outcomes.checkpoint(job, [this.failed(job.req, user, err, 'block')]);
      }
    }
    return blocked;
  }

  /** The user's outcome, or undefined when this runner may no longer act (see JobLease). */
  async revokeOne(job: Job, target: DirectoryUser, resumed: boolean): Promise<TargetOutcome | undefined> {
    const { req } = job;
    const log = this.d.log.child({ requestId: req.id, target: target.id });
    try {
      const [earlier] =
        resumed && req.startedAt ? await this.d.outcomes.revokedSince([target], req.startedAt, false) : [];
      if (earlier) log.info('revoked before a restart; not revoking again');
      if (!earlier && !job.lease.valid()) return undefined;
      const outcome = earlier ?? (await revokeUserSessions(this.d.graph, target.id));
      log.info(
        { kind: outcome.kind, validFrom: outcome.validFrom, graphRequestId: outcome.requestId },
        'revoke finished',
      );
      return outcome;
    } catch (err) {
      return this.failed(req, target, err, 'revoke');
    }
  }

  /**
   * Allows sign-in again (PATCH accountEnabled=true), if the bot's audit log still shows the user's
   * current block as the bot's: between the request and the click, another unblock may have run and
   * someone else may have blocked the account since. Repeating it after a restart is harmless.
   */
  async unblockOne(req: SignoutRequest, user: DirectoryUser): Promise<TargetOutcome> {
    if (!(await botBlockNewestFirst(this.d.audit.readNewestFirst([user.id]), user.id))) {
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
      return this.failed(req, user, err, 'unblock');
    }
  }

  /** A write Graph refused (or that failed on the way), as the user's outcome. */
  private failed(req: SignoutRequest, user: DirectoryUser, err: unknown, action: GraphAction): TargetOutcome {
    const failure =
      err instanceof GraphCallError
        ? err
        : new GraphCallError(0, 'Unexpected', (err as Error)?.message ?? String(err));
    const explained = explainGraphFailure(failure, action, user.displayName);
    this.d.log.warn(
      {
        requestId: req.id,
        target: user.id,
        status: failure.status,
        code: failure.code,
        graphRequestId: failure.requestId,
      },
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
}
