import {
  addRefusal,
  REFUSAL_ATTEMPTS_KEPT,
  REFUSAL_TEXT_MAX,
  refusalHourStart,
  refusedCaller,
} from '../../../src/domain/refusalTally';

const mallory = refusedCaller({ id: 'm-id', name: 'Mallory' }, '29:sender');
const at = (hhmmss: string) => new Date(`2026-11-22T${hhmmss}Z`);
const tried = { what: 'request a sign-out', why: 'notAdmin' };

describe('refusalHourStart', () => {
  it('is the start of the UTC clock hour', () => {
    expect(refusalHourStart(at('13:00:00'))).toBe('2026-11-22T13:00:00.000Z');
    expect(refusalHourStart(at('13:59:59.999'))).toBe('2026-11-22T13:00:00.000Z');
    expect(refusalHourStart(at('14:00:00'))).toBe('2026-11-22T14:00:00.000Z');
  });
});

describe('refusedCaller', () => {
  it('is the Entra user when there is one, else the Teams account', () => {
    expect(mallory).toEqual({ id: 'm-id', name: 'Mallory', identified: true });
    expect(refusedCaller(undefined, '29:sender')).toEqual({ id: '29:sender', identified: false });
    expect(refusedCaller(undefined, undefined)).toEqual({ id: 'unknown', identified: false });
  });
});

describe('addRefusal', () => {
  it('starts a tally, then counts every attempt of the same caller and hour', () => {
    const first = addRefusal(
      undefined,
      't',
      mallory,
      { ...tried, thread: { place: 'Sec › General' } },
      at('13:05:00'),
    );
    expect(first).toEqual({
      tenantId: 't',
      caller: mallory,
      hourStart: '2026-11-22T13:00:00.000Z',
      count: 1,
      firstAt: '2026-11-22T13:05:00.000Z',
      lastAt: '2026-11-22T13:05:00.000Z',
      recent: [{ at: '2026-11-22T13:05:00.000Z', ...tried, thread: { place: 'Sec › General' } }],
    });
    const second = addRefusal(
      first,
      't',
      mallory,
      { what: 'approve their own request', why: 'two-person rule', requestId: 'r1' },
      at('13:06:00'),
    );
    expect(second).toMatchObject({ count: 2, firstAt: first.firstAt, lastAt: '2026-11-22T13:06:00.000Z' });
    expect(second.recent.map((r) => r.what)).toEqual(['request a sign-out', 'approve their own request']);
    expect(second.recent[1].requestId).toBe('r1');
  });

  it('keeps the card it is shown on', () => {
    const first = {
      ...addRefusal(undefined, 't', mallory, tried, at('13:05:00')),
      notice: { channelId: 'c', activityId: 'a1', shownVersion: 1 },
    };
    expect(addRefusal(first, 't', mallory, tried, at('13:06:00')).notice).toEqual(first.notice);
  });

  it('keeps only the newest attempts, and counts them all', () => {
    let t = addRefusal(undefined, 't', mallory, { ...tried, why: 'n0' }, at('13:00:00'));
    for (let i = 1; i < 25; i++)
      t = addRefusal(t, 't', mallory, { ...tried, why: `n${i}` }, at(`13:${String(i).padStart(2, '0')}:00`));
    expect(t.count).toBe(25);
    expect(t.recent).toHaveLength(REFUSAL_ATTEMPTS_KEPT);
    expect(t.recent.at(-1)!.why).toBe('n24');
    expect(t.recent[0].why).toBe(`n${25 - REFUSAL_ATTEMPTS_KEPT}`);
  });

  it('does not continue a tally of another hour or another caller', () => {
    const first = addRefusal(undefined, 't', mallory, tried, at('13:59:00'));
    expect(addRefusal(first, 't', mallory, tried, at('14:00:00'))).toMatchObject({
      count: 1,
      hourStart: '2026-11-22T14:00:00.000Z',
    });
    expect(addRefusal(first, 't', refusedCaller(undefined, '29:x'), tried, at('13:59:30')).count).toBe(1);
  });

  it('cuts long words and places, so a record stays small', () => {
    const long = 'x'.repeat(5000);
    const t = addRefusal(
      undefined,
      't',
      refusedCaller({ id: 'i', name: long }, undefined),
      { what: long, why: long, thread: { place: long, link: 'https://teams.microsoft.com/l/message/a/b' } },
      at('13:00:00'),
    );
    expect(t.caller.name).toHaveLength(REFUSAL_TEXT_MAX);
    expect(t.recent[0].what).toHaveLength(REFUSAL_TEXT_MAX);
    expect(t.recent[0].why.endsWith('…')).toBe(true);
    expect(t.recent[0].thread).toEqual({
      place: `${'x'.repeat(REFUSAL_TEXT_MAX - 1)}…`,
      link: 'https://teams.microsoft.com/l/message/a/b',
    });
  });

  it('shows the name the caller has now: Teams names them at each attempt', () => {
    const first = addRefusal(undefined, 't', mallory, tried, at('13:00:00'));
    const renamed = addRefusal(
      first,
      't',
      refusedCaller({ id: 'm-id', name: 'Mal 2' }, undefined),
      tried,
      at('13:01:00'),
    );
    expect(renamed.caller.name).toBe('Mal 2');
  });
});
