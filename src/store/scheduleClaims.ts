import { scheduleStep, type ScheduleStep, type ScheduleTiming } from '../domain/scheduleLifecycle';
import type { SignoutRequest } from '../domain/types';
import type { RequestStore, TransitionResult } from './requestStore';

type Runner = NonNullable<SignoutRequest['runner']>;

/**
 * The moves of a scheduled sign-out, each one compare-and-swap on the request (as jobs are claimed), so
 * that with several instances on one store exactly one sends the reminder, starts the job, or ends a
 * schedule that did not run. Each move asks scheduleStep again on the record it swaps: a cancel or an
 * approval stored a moment before wins over a stale reading.
 *
 * A start or an end is stored with the claim of the process that made it (`runner`), which then runs
 * the job or reports the end before anyone else may (see JobRunner).
 */
export class ScheduleClaims {
  constructor(
    private readonly store: RequestStore,
    private readonly timing: ScheduleTiming,
  ) {}

  /** Records that the reminder goes out now; ok only for the one caller that records it. */
  remind(id: string, now: Date): Promise<TransitionResult> {
    return this.store.patch(id, (cur) =>
      this.stepIs(cur, now, 'remind')
        ? { schedule: { ...cur.schedule!, remindedAt: now.toISOString() } }
        : undefined,
    );
  }

  /** scheduled → running, held by `runner`, with how late it starts. */
  start(id: string, now: Date, runner: Runner): Promise<TransitionResult> {
    return this.store.transition(id, ['scheduled'], 'running', (cur) => {
      const step = scheduleStep(cur, now, this.timing);
      if (step.kind !== 'start') return undefined;
      return {
        startedAt: now.toISOString(),
        runner,
        schedule: { ...cur.schedule!, startedLateMs: step.lateMs },
        progress: { done: 0, total: cur.targets.length, ratePerSecond: 0, throttled: 0 },
      };
    });
  }

  /** scheduled → expired: its time went by beyond the grace while no instance ran (it never runs). */
  miss(id: string, now: Date, runner: Runner): Promise<TransitionResult> {
    return this.store.transition(id, ['scheduled'], 'expired', (cur) =>
      this.stepIs(cur, now, 'miss')
        ? {
            finishedAt: now.toISOString(),
            runner,
            schedule: { ...cur.schedule!, missedAt: now.toISOString() },
          }
        : undefined,
    );
  }

  /** pending → expired: the time came before anyone confirmed or approved it (it never runs). */
  expireUnconfirmed(id: string, now: Date, runner: Runner): Promise<TransitionResult> {
    return this.store.transition(id, ['pending'], 'expired', (cur) =>
      this.stepIs(cur, now, 'unconfirmed') ? { finishedAt: now.toISOString(), runner } : undefined,
    );
  }

  private stepIs(req: SignoutRequest, now: Date, kind: ScheduleStep['kind']): boolean {
    return scheduleStep(req, now, this.timing).kind === kind;
  }
}
