import { canTransition, decideCancel, decideConfirm } from '../../../src/domain/requestLifecycle';
import {
  lateStartMs,
  ON_TIME_MS,
  scheduleStep,
  whyScheduleDidNotRun,
  type ScheduleTiming,
} from '../../../src/domain/scheduleLifecycle';
import type { SignoutRequest } from '../../../src/domain/types';
import { aRequest } from '../../support/requests';

const AT = '2026-12-05T18:00:00.000Z';
const MIN = 60_000;
const timing: ScheduleTiming = { reminderMs: 15 * MIN, graceMs: 60 * MIN };
const at = (offsetMs: number) => new Date(Date.parse(AT) + offsetMs);

function req(o: Partial<SignoutRequest> = {}): SignoutRequest {
  return {
    ...aRequest(),
    status: 'scheduled',
    createdAt: '2026-12-04T09:00:00.000Z',
    schedule: { at: AT, zone: 'Europe/Berlin', zoneFrom: 'typed' },
    ...o,
  };
}

describe('scheduleStep', () => {
  it('waits, reminds once in the window, then starts at the time', () => {
    expect(scheduleStep(req(), at(-16 * MIN), timing)).toEqual({ kind: 'wait' });
    expect(scheduleStep(req(), at(-15 * MIN), timing)).toEqual({ kind: 'remind' });
    expect(scheduleStep(req(), at(-1), timing)).toEqual({ kind: 'remind' });
    const reminded = req({ schedule: { ...req().schedule!, remindedAt: at(-15 * MIN).toISOString() } });
    expect(scheduleStep(reminded, at(-1), timing)).toEqual({ kind: 'wait' });
    expect(scheduleStep(reminded, at(0), timing)).toEqual({ kind: 'start', lateMs: 0 });
    // the reminder never delays the start: at the time, a schedule not yet reminded starts
    expect(scheduleStep(req(), at(0), timing)).toEqual({ kind: 'start', lateMs: 0 });
  });

  it('reminds a schedule that still waits for its approval too', () => {
    expect(scheduleStep(req({ status: 'pending' }), at(-10 * MIN), timing)).toEqual({ kind: 'remind' });
  });

  it('does not remind a schedule made inside the reminder window, nor with reminders off', () => {
    const late = req({ createdAt: at(-10 * MIN).toISOString() });
    expect(scheduleStep(late, at(-5 * MIN), timing)).toEqual({ kind: 'wait' });
    expect(scheduleStep(req(), at(-5 * MIN), { ...timing, reminderMs: 0 })).toEqual({ kind: 'wait' });
  });

  it('starts late within the grace, and not beyond it', () => {
    expect(scheduleStep(req(), at(12 * MIN), timing)).toEqual({ kind: 'start', lateMs: 12 * MIN });
    expect(scheduleStep(req(), at(60 * MIN), timing)).toEqual({ kind: 'start', lateMs: 60 * MIN });
    expect(scheduleStep(req(), at(60 * MIN + 1), timing)).toEqual({ kind: 'miss', lateMs: 60 * MIN + 1 });
  });

  it('with no grace, still starts on time (within the tick)', () => {
    const none = { ...timing, graceMs: 0 };
    expect(scheduleStep(req(), at(ON_TIME_MS), none)).toEqual({ kind: 'start', lateMs: ON_TIME_MS });
    expect(scheduleStep(req(), at(ON_TIME_MS + 1), none).kind).toBe('miss');
  });

  it('does not run one still waiting for a confirmation or an approval at its time', () => {
    expect(scheduleStep(req({ status: 'pending' }), at(0), timing)).toEqual({ kind: 'unconfirmed' });
  });

  it('leaves other requests alone', () => {
    for (const status of ['running', 'done', 'cancelled', 'expired'] as const) {
      expect(scheduleStep(req({ status }), at(0), timing)).toEqual({ kind: 'wait' });
    }
    expect(scheduleStep(req({ schedule: undefined }), at(0), timing)).toEqual({ kind: 'wait' });
  });
});

describe('the request lifecycle with schedules', () => {
  it('moves pending → scheduled → running, cancelled or expired, and nowhere else', () => {
    expect(canTransition('pending', 'scheduled')).toBe(true);
    expect(canTransition('scheduled', 'running')).toBe(true);
    expect(canTransition('scheduled', 'cancelled')).toBe(true);
    expect(canTransition('scheduled', 'expired')).toBe(true);
    expect(canTransition('scheduled', 'done')).toBe(false);
    expect(canTransition('scheduled', 'approved')).toBe(false);
    expect(canTransition('running', 'scheduled')).toBe(false);
  });

  it('cancels a scheduled request until its job starts, even past its time; confirming does nothing', () => {
    expect(decideCancel(req(), at(-MIN))).toBe('cancel');
    expect(decideCancel(req({ expiresAt: AT }), at(MIN))).toBe('cancel');
    expect(decideConfirm(req(), at(-MIN))).toBe('nothing');
  });
});

describe('lateStartMs and whyScheduleDidNotRun', () => {
  it('mentions a late start only beyond the on-time window', () => {
    expect(lateStartMs(req({ schedule: { ...req().schedule!, startedLateMs: 5_000 } }))).toBeUndefined();
    expect(lateStartMs(req({ schedule: { ...req().schedule!, startedLateMs: 12 * MIN } }))).toBe(12 * MIN);
    expect(lateStartMs(req())).toBeUndefined();
  });

  it('says why a schedule did not run', () => {
    const missed = req({
      status: 'expired',
      schedule: { ...req().schedule!, missedAt: at(95 * MIN).toISOString() },
    });
    expect(whyScheduleDidNotRun(missed, 60)).toBe(
      'Not run: it was due at 2026-12-05 18:00 UTC, but the bot was not running then and came back 95 min ' +
        'later, beyond the 60-minute grace period. Nobody was signed out; decide whether to sign them out now.',
    );
    expect(whyScheduleDidNotRun(req({ status: 'expired', approval: { required: true, why: 'bulk' } }))).toBe(
      'Not run: it was not approved before its time, 2026-12-05 18:00 UTC. Nobody was signed out.',
    );
    expect(whyScheduleDidNotRun(req({ status: 'expired' }))).toMatch(/was not confirmed before its time/);
    expect(whyScheduleDidNotRun(req())).toBeUndefined();
    expect(whyScheduleDidNotRun(req({ status: 'expired', schedule: undefined }))).toBeUndefined();
  });
});
