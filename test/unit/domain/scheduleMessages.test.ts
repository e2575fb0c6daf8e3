import { msg } from '../../../src/domain/markdown';
import {
  scheduleNotRun,
  scheduleNotRunNotice,
  scheduleReminder,
  scheduleReminderNotice,
  withLateStart,
} from '../../../src/domain/scheduleMessages';
import type { SignoutRequest } from '../../../src/domain/types';
import { shown } from '../../support/markdownReader';
import { aRequest } from '../../support/requests';

const schedule = { at: '2026-12-05T17:00:00.000Z', zone: 'Europe/Berlin', zoneFrom: 'typed' as const };
const users = [1, 2, 3].map((i) => ({
  id: `u${i}`,
  displayName: `U${i}`,
  userPrincipalName: `u${i}@contoso.com`,
}));
const req = (o: Partial<SignoutRequest> = {}) =>
  aRequest({
    status: 'scheduled',
    schedule,
    targets: users,
    thread: { place: 'IT › General' },
    ...o,
  }) as SignoutRequest & {
    schedule: typeof schedule;
  };
const now = new Date('2026-12-05T16:45:00Z');

describe('schedule messages', () => {
  it('reminds with the time left, and says an unapproved one will not run without approval', () => {
    expect(shown(scheduleReminder(req(), now).text)).toBe(
      'Reminder: the scheduled sign-out of 3 users starts at 2026-12-05 17:00:00 UTC (18:00:00 Europe/Berlin), in 15 min. To stop it, click Cancel on its card.',
    );
    const waiting = req({ status: 'pending', approval: { required: true, why: 'bulk' } });
    expect(shown(scheduleReminder(waiting, now).text)).toMatch(
      /It has not been approved by a second admin yet: unless it is before then, it does not run\.$/,
    );
    expect(shown(scheduleReminderNotice(req(), now).text)).toMatch(/Requested by Alex\. In IT › General\.$/);
  });

  it('says why one did not run, in the thread and the security channel', () => {
    const missed = req({ status: 'expired', schedule: { ...schedule, missedAt: '2026-12-05T18:30:00Z' } });
    expect(shown(scheduleNotRun(missed, 60)!.text)).toMatch(
      /came back 90 min later, beyond the 60-minute grace/,
    );
    expect(shown(scheduleNotRunNotice(missed, 60)!.text)).toMatch(
      /^Scheduled sign-out of 3 users, requested by Alex: Not run: .* In IT › General\.$/,
    );
    expect(scheduleNotRun(req())).toBeUndefined();
    expect(scheduleNotRunNotice(req({ status: 'cancelled' }))).toBeUndefined();
  });

  it('puts how late a job started before its summary, and nothing when on time', () => {
    const summary = msg`Bulk sign-out finished: 3 signed out.`;
    const late = req({ status: 'done', schedule: { ...schedule, startedLateMs: 7 * 60_000 } });
    expect(shown(withLateStart(late, summary).text)).toBe(
      'Started 7 min late: the bot was not running at 2026-12-05 17:00:00 UTC, the scheduled time.\n\nBulk sign-out finished: 3 signed out.',
    );
    const onTime = req({ status: 'done', schedule: { ...schedule, startedLateMs: 2_000 } });
    expect(withLateStart(onTime, summary)).toBe(summary);
  });

  it('escapes names in what it posts', () => {
    const nasty = req({ requester: { id: 'x', name: '**Boss** <at>x</at>' } });
    expect(scheduleReminderNotice(nasty, now).text).not.toContain('**Boss**');
    expect(shown(scheduleReminderNotice(nasty, now).text)).toContain('**Boss** <at>x</at>');
  });
});
