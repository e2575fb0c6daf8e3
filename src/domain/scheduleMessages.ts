import { joinMarkdown, msg, plain, type Markdown } from './markdown';
import { threadText } from './noticeMessages';
import { targetsSummary } from './outcomeMessages';
import { lateStartMs, whyScheduleDidNotRun } from './scheduleLifecycle';
import { formatDuration, formatInstant } from './timeFormat';
import type { SignoutRequest } from './types';

/** What the bot says about a scheduled sign-out in its thread and the security channel (issue 13). */

type Scheduled = SignoutRequest & { schedule: NonNullable<SignoutRequest['schedule']> };

function when(req: Scheduled): string {
  return formatInstant(req.schedule.at, { kind: 'iana', zone: req.schedule.zone });
}

/** The reminder before the time; for one still waiting for a click, that it will not run without it. */
export function scheduleReminder(req: Scheduled, now: Date): Markdown {
  const left = formatDuration(Date.parse(req.schedule.at) - now.getTime());
  const head = msg`Reminder: the scheduled sign-out of ${targetsSummary(req)} starts at ${when(req)}, in ${left}.`;
  if (req.status === 'pending') {
    const missing = req.approval?.required ? 'approved by a second admin' : 'confirmed';
    return msg`${head} It has not been ${missing} yet: unless it is before then, it does not run.`;
  }
  return msg`${head} To stop it, click Cancel on its card.`;
}

export function scheduleReminderNotice(req: Scheduled, now: Date): Markdown {
  return msg`${scheduleReminder(req, now)} Requested by ${req.requester.name}. In ${threadText(req.thread)}.`;
}

/** Why a schedule ended without running, for its thread; undefined for any other end. */
export function scheduleNotRun(req: SignoutRequest, graceMinutes?: number): Markdown | undefined {
  const why = whyScheduleDidNotRun(req, graceMinutes);
  return why === undefined ? undefined : plain(why);
}

export function scheduleNotRunNotice(req: SignoutRequest, graceMinutes?: number): Markdown | undefined {
  const why = whyScheduleDidNotRun(req, graceMinutes);
  if (why === undefined) return undefined;
  return msg`Scheduled sign-out of ${targetsSummary(req)}, requested by ${req.requester.name}: ${why} In ${threadText(req.thread)}.`;
}

/** "Started 12 min late: …", before the summary of a scheduled job that started late; else nothing. */
export function withLateStart(req: SignoutRequest, text: Markdown): Markdown {
  const late = lateStartMs(req);
  if (late === undefined || !req.schedule) return text;
  const line = msg`Started ${formatDuration(late)} late: the bot was not running at ${formatInstant(req.schedule.at)}, the scheduled time.`;
  return joinMarkdown([line, text], msg`\n\n`);
}
