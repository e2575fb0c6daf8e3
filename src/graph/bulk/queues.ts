import { PLAN_ORDER } from './phases';
import type { Phase, UserRun } from './userRun';

/**
 * Users waiting for their next request: ready now, or delayed until a time. A user always waits in
 * the queue of its phase.
 */
export class UserQueues {
  private readonly ready: Record<Phase, UserRun[]> = { block: [], revoke: [], verify: [], read: [] };
  private readonly delayed: { user: UserRun; notBefore: number }[] = [];

  /** Ready now, or (with `notBefore`) once that time has come. */
  add(user: UserRun, notBefore?: number): void {
    if (notBefore === undefined) this.ready[user.phase].push(user);
    else this.delayed.push({ user, notBefore });
  }

  /** Makes the delayed users whose time has come ready. */
  promoteDue(now: number): void {
    for (let i = this.delayed.length - 1; i >= 0; i--) {
      const d = this.delayed[i];
      if (d.notBefore > now) continue;
      this.delayed.splice(i, 1);
      this.ready[d.user.phase].push(d.user);
    }
  }

  /** ms until the next delayed user is due; Infinity if none is delayed. */
  untilNextDelayed(now: number): number {
    let next = Infinity;
    for (const d of this.delayed) next = Math.min(next, d.notBefore - now);
    return Math.max(0, next);
  }

  hasDelayed(): boolean {
    return this.delayed.length > 0;
  }

  readyCount(): number {
    return PLAN_ORDER.reduce((n, phase) => n + this.ready[phase].length, 0);
  }

  /** The ready users of a phase, oldest first. */
  waiting(phase: Phase): readonly UserRun[] {
    return this.ready[phase];
  }

  /** Takes the `count` oldest ready users of a phase off their queue. */
  take(phase: Phase, count: number): UserRun[] {
    return this.ready[phase].splice(0, count);
  }
}
