import { followUpTimes, offsetLabel, parseFollowUpMinutes } from '../../../src/domain/followUps';

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
