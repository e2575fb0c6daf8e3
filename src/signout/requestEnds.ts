import type { RequestStatus, SignoutRequest } from '../domain/types';
import type { Logger } from '../log';
import type { RequestStore, TransitionResult } from '../store/requestStore';
import type { JobRunner } from './jobRunner';

/** What the request services ask of the job runner. */
export type JobControl = Pick<JobRunner, 'start' | 'stop' | 'claimNow' | 'mayTakeOver'>;

/**
 * Ends a request that has not run (a cancel, an expiry, a rejection): stored with this process's claim
 * on it, then audited and reported by the job runner (JobEnd), in the background or, with `wait`, before
 * this returns. A kill at any point leaves the rest to the sweep.
 */
export class RequestEnds {
  constructor(private readonly d: { store: RequestStore; jobs: JobControl; log: Logger; now: () => Date }) {}

  async end(
    req: SignoutRequest,
    from: readonly RequestStatus[],
    to: 'cancelled' | 'expired' | 'rejected',
    patch: () => Partial<SignoutRequest>,
    o: { wait?: boolean } = {},
  ): Promise<TransitionResult> {
    const moved = await this.d.store.transition(req.id, from, to, () => ({
      ...patch(),
      runner: this.d.jobs.claimNow(),
    }));
    if (moved.ok) {
      const finishing = this.d.jobs.start(moved.request);
      if (o.wait) await finishing;
    }
    return moved;
  }

  /** Expires a pending or approved request; returns it as it is now, expired or not. */
  async expire(req: SignoutRequest, o: { wait?: boolean } = {}): Promise<SignoutRequest> {
    const moved = await this.end(
      req,
      ['pending', 'approved'],
      'expired',
      () => ({ finishedAt: this.d.now().toISOString() }),
      o,
    );
    if (moved.ok) this.d.log.info({ requestId: req.id }, 'sign-out request expired');
    return moved.request ?? req;
  }
}
