import { performance } from 'node:perf_hooks';
import { heldBy, mayClaim, type RunnerIdentity } from '../domain/jobClaim';
import { needsRunner } from '../domain/requestLifecycle';
import type { SignoutRequest } from '../domain/types';
import type { Logger } from '../log';
import type { RequestStore } from '../store/requestStore';

export interface LeaseClocks {
  /** wall clock, written as the claim's heartbeatAt */
  now: () => Date;
  /** a clock that never steps back, e.g. performance.now() */
  monotonic: () => number;
}

/**
 * This process's claim on one job: taken once, renewed every quarter of the lease, and asked before
 * every write to Graph. The runner stops when a renewal finds the claim gone (another instance took
 * the job over, or a graceful shutdown gave it up) and also, without asking anyone, when its last
 * successful renewal is older than half the lease: a process that was frozen, or cut off from the
 * store, must not act on a claim another instance may already have taken. Another instance takes
 * over only after a whole lease, by its own clock, so half a lease is left for clock skew and for a
 * request already on its way.
 */
export class JobLease {
  private renewedAt: { wall: number; mono: number } | undefined;
  private lost = false;
  private renewing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly requestId: string,
    private readonly d: {
      store: RequestStore;
      me: RunnerIdentity;
      leaseMs: number;
      clocks: LeaseClocks;
      log: Logger;
    },
  ) {}

  /** Claims the job if no live runner holds it; returns it, or undefined. */
  async take(): Promise<SignoutRequest | undefined> {
    const at = this.stamp();
    const claimed = await this.d.store.patch(this.requestId, (cur) =>
      mayClaim(cur, this.d.me, at.wall, this.d.leaseMs) ? { runner: this.runner(at) } : undefined,
    );
    if (!claimed.ok) return undefined;
    this.renewedAt = at;
    this.timer = setInterval(() => void this.renew(), this.d.leaseMs / 4);
    this.timer.unref();
    return claimed.request;
  }

  /** True while this runner may send to Graph and write the job: it holds a claim renewed in time. */
  valid(): boolean {
    if (this.lost || !this.renewedAt) return false;
    const wall = this.d.clocks.now().getTime() - this.renewedAt.wall;
    const mono = this.d.clocks.monotonic() - this.renewedAt.mono;
    return Math.max(wall, mono) < this.d.leaseMs / 2;
  }

  /** The store says another runner holds the job: act on nothing more. */
  lose(): void {
    this.lost = true;
  }

  /** Stops renewing; with `release`, gives the claim up so that another instance resumes at once. */
  async end(release: boolean): Promise<void> {
    clearInterval(this.timer);
    if (!release || this.lost) return;
    await this.d.store.patch(this.requestId, (cur) =>
      heldBy(cur, this.d.me) ? { runner: undefined } : undefined,
    );
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.lost) return;
    this.renewing = true;
    const at = this.stamp();
    try {
      const renewed = await this.d.store.patch(this.requestId, (cur) =>
        heldBy(cur, this.d.me) && needsRunner(cur) ? { runner: this.runner(at) } : undefined,
      );
      if (renewed.ok) {
        this.renewedAt = at;
      } else {
        this.lost = true;
        // a job that has just ended needs no runner: nothing to say
        if (renewed.request && needsRunner(renewed.request))
          this.d.log.warn(
            { requestId: this.requestId, runner: renewed.request?.runner?.instance },
            'this instance no longer holds the job; it stops before its next batch',
          );
      }
    } catch (err) {
      // the claim lapses by itself if the store stays out of reach (see valid())
      this.d.log.warn(
        { requestId: this.requestId, err: (err as Error).message },
        'could not renew the job claim',
      );
    } finally {
      this.renewing = false;
    }
  }

  private stamp(): { wall: number; mono: number } {
    return { wall: this.d.clocks.now().getTime(), mono: this.d.clocks.monotonic() };
  }

  private runner(at: { wall: number }): NonNullable<SignoutRequest['runner']> {
    return { ...this.d.me, heartbeatAt: new Date(at.wall).toISOString() };
  }
}

export const systemLeaseClocks: LeaseClocks = {
  now: () => new Date(),
  monotonic: () => performance.now(),
};
