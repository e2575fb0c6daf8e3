import { decideConfirm, needsRunner } from '../domain/requestLifecycle';
import type { Logger } from '../log';
import type { RequestStore } from '../store/requestStore';
import type { JobControl, RequestEnds } from './requestEnds';

/**
 * At start-up and then every SWEEP_SECONDS: runs jobs that have no live runner (this process restarted,
 * or another instance died), finishes ends that were not audited or reported (a crash interrupted them),
 * starts approved requests that never started, and expires cards nobody answered in time. What another
 * live instance holds is left to it (see JobLease).
 */
export class Sweeper {
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly d: {
      store: RequestStore;
      jobs: JobControl;
      ends: RequestEnds;
      log: Logger;
      now: () => Date;
    },
  ) {}

  sweep(): Promise<void> {
    // one at a time: a slow sweep must not overlap the next one
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    for (const req of await this.d.store.listActive()) {
      if (needsRunner(req)) {
        if (this.d.jobs.mayTakeOver(req)) {
          this.d.log.info(
            { requestId: req.id, status: req.status },
            req.status === 'running' ? 'resuming interrupted sign-out' : 'finishing an interrupted end',
          );
          this.d.jobs.start(req, true);
        }
      } else if (req.status === 'approved') {
        const moved = await this.d.store.transition(req.id, ['approved'], 'running', () => ({
          startedAt: this.d.now().toISOString(),
        }));
        if (moved.ok) this.d.jobs.start(moved.request);
      }
    }
    await this.expireDue();
  }

  private async expireDue(): Promise<void> {
    const now = this.d.now();
    for (const req of await this.d.store.listActive()) {
      // finished before the next request: the sweep reports what it expires before it sweeps again
      if (decideConfirm(req, now) === 'expire') await this.d.ends.expire(req, { wait: true });
    }
  }
}
