import { scheduleStep, type ScheduleTiming } from '../domain/scheduleLifecycle';
import { scheduleReminder, scheduleReminderNotice } from '../domain/scheduleMessages';
import type { SignoutRequest } from '../domain/types';
import type { Logger } from '../log';
import type { RequestStore } from '../store/requestStore';
import { ScheduleClaims } from '../store/scheduleClaims';
import { originOfRequest } from './jobReporter';
import type { JobControl } from './requestEnds';
import type { TeamsPort } from './teamsPort';

type Scheduled = SignoutRequest & { schedule: NonNullable<SignoutRequest['schedule']> };

/**
 * Runs scheduled sign-outs (issue 13). Every tick (SCHEDULE_TICK_SECONDS, and once at start-up, so a
 * schedule missed while the bot was down is handled at once) it asks each waiting schedule what it needs
 * (scheduleStep) and does it with one compare-and-swap (ScheduleClaims), so that with several instances
 * exactly one does each move:
 * - the reminder, in the thread and the security channel;
 * - the start, held by this process: the job runs through the JobRunner, the same paced path as any job;
 * - the end of one that does not run (not confirmed or approved in time, or beyond the grace): stored
 *   expired with this process's claim, then audited and reported by the JobRunner like any end.
 */
export class ScheduleRunner {
  private readonly claims: ScheduleClaims;
  private ticking: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly d: {
      store: RequestStore;
      jobs: JobControl;
      port: TeamsPort;
      log: Logger;
      timing: ScheduleTiming;
      tickMs: number;
      now: () => Date;
    },
  ) {
    this.claims = new ScheduleClaims(d.store, d.timing);
  }

  /** Ticks now and then every tickMs, until stop(). */
  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.d.tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass over the schedules; one at a time, so a slow store never overlaps two passes. */
  tick(): Promise<void> {
    this.ticking ??= this.tickOnce()
      .catch((err) => this.d.log.error({ err: (err as Error).message }, 'schedule check failed'))
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async tickOnce(): Promise<void> {
    for (const req of await this.d.store.listActive()) {
      if (req.schedule) await this.advance(req as Scheduled);
    }
  }

  private async advance(req: Scheduled): Promise<void> {
    const now = this.d.now();
    const step = scheduleStep(req, now, this.d.timing);
    const log = this.d.log.child({ requestId: req.id, scheduledAt: req.schedule.at });
    switch (step.kind) {
      case 'wait':
        return;
      case 'remind': {
        const moved = await this.claims.remind(req.id, now);
        if (!moved.ok) return;
        log.info('scheduled sign-out reminder');
        const current = moved.request as Scheduled;
        await this.d.port.postInThread(current, scheduleReminder(current, now));
        await this.d.port.notifySecurity(scheduleReminderNotice(current, now), originOfRequest(current));
        return;
      }
      case 'start': {
        const moved = await this.claims.start(req.id, now, this.d.jobs.claimNow());
        if (!moved.ok) return;
        log.info({ lateMs: step.lateMs, targets: req.targets.length }, 'scheduled sign-out started');
        void this.d.jobs.start(moved.request);
        return;
      }
      case 'miss': {
        const moved = await this.claims.miss(req.id, now, this.d.jobs.claimNow());
        if (!moved.ok) return;
        log.warn(
          { lateMs: step.lateMs },
          'scheduled sign-out missed: beyond SCHEDULE_GRACE_MINUTES, not run',
        );
        void this.d.jobs.start(moved.request);
        return;
      }
      case 'unconfirmed': {
        const moved = await this.claims.expireUnconfirmed(req.id, now, this.d.jobs.claimNow());
        if (!moved.ok) return;
        log.warn('scheduled sign-out not confirmed or approved before its time: not run');
        void this.d.jobs.start(moved.request);
        return;
      }
    }
  }
}
