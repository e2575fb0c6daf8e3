import {
  claimable,
  followUpHeading,
  followUpTimes,
  jobFollowUp,
  offsetLabel,
  parseFollowUpMinutes,
  userFollowUps,
} from '../../../src/domain/followUps';

describe('parseFollowUpMinutes', () => {
  it('reads minutes, sorted without repeats; decimals let tests use seconds', () => {
    expect(parseFollowUpMinutes('90, 15,15')).toEqual([15, 90]);
    expect(parseFollowUpMinutes('0.05,0.1')).toEqual([0.05, 0.1]);
  });

  it('empty means off', () => {
    expect(parseFollowUpMinutes('')).toEqual([]);
    expect(parseFollowUpMinutes(' , ')).toEqual([]);
  });

  it.each(['0', '-5', '15m', '1441', 'abc', '1e3'])('refuses %j with the rule', (v) => {
    expect(parseFollowUpMinutes(v)).toEqual({ problem: expect.stringMatching(/^FOLLOW_UP_MINUTES must be/) });
  });

  it('refuses more than five offsets', () => {
    expect(parseFollowUpMinutes('1,2,3,4,5,6')).toEqual({ problem: expect.stringMatching(/at most 5/) });
  });
});

describe('followUpTimes', () => {
  it('counts from valid-from', () => {
    expect(followUpTimes('2026-11-29T14:02:00Z', [15, 90, 0.05])).toEqual([
      '2026-11-29T14:17:00.000Z',
      '2026-11-29T15:32:00.000Z',
      '2026-11-29T14:02:03.000Z',
    ]);
  });
});

describe('offsetLabel', () => {
  it.each([
    [15, '15 minutes'],
    [90, '1 hour 30 minutes'],
    [60, '1 hour'],
    [1, '1 minute'],
    [0.5, '30 seconds'],
  ])('%d is %s', (m, label) => {
    expect(offsetLabel(m)).toBe(label);
  });
});

describe('userFollowUps and jobFollowUp', () => {
  it('gives a user one follow-up per offset', () => {
    expect(userFollowUps('r1', 'u1', '2026-11-29T14:02:00Z', [15, 90]).map((f) => [f.id, f.dueAt])).toEqual([
      ['r1.u1.15', '2026-11-29T14:17:00.000Z'],
      ['r1.u1.90', '2026-11-29T15:32:00.000Z'],
    ]);
  });

  it('gives a job one follow-up, at the last offset after its last valid-from, covering from its first', () => {
    const f = jobFollowUp('r2', ['2026-11-29T14:10:00Z', '2026-11-29T14:02:00Z'], [15, 90]);
    expect(f).toMatchObject({
      id: 'r2.job.90',
      validFrom: '2026-11-29T14:02:00.000Z',
      dueAt: '2026-11-29T15:40:00.000Z',
    });
    expect(f?.userId).toBeUndefined();
    expect(jobFollowUp('r3', [], [15])).toBeUndefined();
    expect(jobFollowUp('r3', ['2026-11-29T14:10:00Z'], [])).toBeUndefined();
  });

  it('gives a job of 200,000 users its follow-up (no spread of every time into one call)', () => {
    const times = Array.from({ length: 200_000 }, (_, i) =>
      new Date(Date.UTC(2026, 10, 29, 14) + i).toISOString(),
    );
    expect(jobFollowUp('r4', times, [90])).toMatchObject({
      validFrom: '2026-11-29T14:00:00.000Z',
      dueAt: new Date(Date.UTC(2026, 10, 29, 14) + 199_999 + 90 * 60_000).toISOString(),
    });
  });
});

describe('claimable', () => {
  const [f] = userFollowUps('r', 'u', '2026-11-29T14:02:00Z', [15]);
  const now = new Date('2026-11-29T14:20:00Z');
  it('is due and unclaimed, or its claim is a lease old; never once posted', () => {
    expect(claimable(f, new Date('2026-11-29T14:16:00Z'), 60_000)).toBe(false);
    expect(claimable(f, now, 60_000)).toBe(true);
    expect(claimable({ ...f, claim: { by: 'a', at: '2026-11-29T14:19:30Z' } }, now, 60_000)).toBe(false);
    expect(claimable({ ...f, claim: { by: 'a', at: '2026-11-29T14:19:00Z' } }, now, 60_000)).toBe(true);
    expect(claimable({ ...f, postedAt: '2026-11-29T14:19:00Z' }, now, 60_000)).toBe(false);
  });
});

it('names a follow-up by its offset', () => {
  expect(followUpHeading(90)).toBe('Follow-up 1 hour 30 minutes after the sign-out');
});
