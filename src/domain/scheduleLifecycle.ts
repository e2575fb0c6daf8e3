/**
 * What a scheduled sign-out needs next, at a given moment (issue 13). Pure; the schedule runner asks it
 * at every tick and carries the answer out with one compare-and-swap, so whichever instance asks first
 * does it and the others find it done.
 *
 * - Before the time: a reminder, once, SCHEDULE_REMINDER_MINUTES ahead (not when the request was made
 *   inside that window: everyone has just seen its card).
 * - At the time, confirmed (and approved, if the policy asked): start. Started more than ON_TIME_MS
 *   after the time (the bot was down), it says how late; more than SCHEDULE_GRACE_MINUTES late, it does
 *   not run at all, so an admin decides what to do instead of a cutover happening at a random hour.
 * - At the time, still waiting for a confirmation or an approval: it does not run (it expires).
 */

import type { SignoutRequest } from './types';

/** Late by up to this much is on time: the runner's tick and a busy store take a few seconds. */
export const ON_TIME_MS = 30_000;

export interface ScheduleTiming {
  /** SCHEDULE_REMINDER_MINUTES in ms; 0 = no reminder */
  reminderMs: number;
  /** SCHEDULE_GRACE_MINUTES in ms */
  graceMs: number;
}

export type ScheduleStep =
  | { kind: 'wait' }
  | { kind: 'remind' }
  | { kind: 'start'; lateMs: number }
  /** beyond the grace: the request ends without running */
  | { kind: 'miss'; lateMs: number }
  /** the time came while the request still waited for a confirmation or an approval */
  | { kind: 'unconfirmed' };

type Scheduled = Pick<SignoutRequest, 'status' | 'createdAt' | 'schedule'>;

export function scheduleStep(req: Scheduled, now: Date, t: ScheduleTiming): ScheduleStep {
  const s = req.schedule;
  if (!s || (req.status !== 'pending' && req.status !== 'scheduled')) return { kind: 'wait' };
  const at = Date.parse(s.at);
  const lateMs = now.getTime() - at;
  if (lateMs >= 0) {
    if (req.status === 'pending') return { kind: 'unconfirmed' };
    return lateMs <= Math.max(t.graceMs, ON_TIME_MS) ? { kind: 'start', lateMs } : { kind: 'miss', lateMs };
  }
  return reminderDue(req, now, t) ? { kind: 'remind' } : { kind: 'wait' };
}

function reminderDue(req: Scheduled, now: Date, t: ScheduleTiming): boolean {
  const s = req.schedule!;
  if (t.reminderMs <= 0 || s.remindedAt) return false;
  const remindFrom = Date.parse(s.at) - t.reminderMs;
  return now.getTime() >= remindFrom && Date.parse(req.createdAt) < remindFrom;
}

/** How late a scheduled job started, when that is worth saying (over ON_TIME_MS); else undefined. */
export function lateStartMs(req: Pick<SignoutRequest, 'schedule'>): number | undefined {
  const late = req.schedule?.startedLateMs;
  return late !== undefined && late > ON_TIME_MS ? late : undefined;
}

/**
 * Why a scheduled sign-out ended without running, in words for the thread, the security channel and
 * the audit log; undefined for anything else.
 */
export function whyScheduleDidNotRun(
  req: Pick<SignoutRequest, 'status' | 'schedule' | 'approval' | 'approvedAt' | 'confirmedAt'>,
  graceMinutes?: number,
): string | undefined {
  const s = req.schedule;
  if (!s || req.status !== 'expired') return undefined;
  const at = `${s.at.slice(0, 10)} ${s.at.slice(11, 16)} UTC`;
  if (s.missedAt) {
    const late = Math.round((Date.parse(s.missedAt) - Date.parse(s.at)) / 60_000);
    const grace = graceMinutes === undefined ? 'the grace period' : `the ${graceMinutes}-minute grace period`;
    return (
      `Not run: it was due at ${at}, but the bot was not running then and came back ${late} min later, ` +
      `beyond ${grace}. Nobody was signed out; decide whether to sign them out now.`
    );
  }
  const missing = req.approval?.required && !req.approvedAt ? 'approved' : 'confirmed';
  return `Not run: it was not ${missing} before its time, ${at}. Nobody was signed out.`;
}
