import {
  canonicalZone,
  instantsOf,
  isCalendarDate,
  nextDay,
  offsetMinutesAt,
  wallTimeAt,
} from '../../../src/domain/zonedTime';

const iso = (d: Date) => d.toISOString();

describe('canonicalZone', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['America/New_York', 'America/New_York'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['America/Port-au-Prince', 'America/Port-au-Prince'],
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['GMT', 'UTC'],
    ['Z', 'UTC'],
    ['Etc/UTC', 'UTC'],
  ])('%s → %s', (name, zone) => {
    expect(canonicalZone(name)).toBe(zone);
  });

  it.each(['Europe/Berln', 'Mars/Olympus', '', ' ', '+01:00', 'UTC+2', '../etc/passwd', 'a'.repeat(65)])(
    'refuses %j',
    (name) => {
      expect(canonicalZone(name)).toBeUndefined();
    },
  );
});

describe('wall times in a zone', () => {
  it('reads what the clock shows and the offset, in winter and summer', () => {
    expect(wallTimeAt('Europe/Berlin', new Date('2026-01-15T12:00:00Z'))).toEqual({
      year: 2026,
      month: 1,
      day: 15,
      hour: 13,
      minute: 0,
    });
    expect(offsetMinutesAt('Europe/Berlin', new Date('2026-01-15T12:00:00Z'))).toBe(60);
    expect(offsetMinutesAt('Europe/Berlin', new Date('2026-07-15T12:00:00Z'))).toBe(120);
    expect(offsetMinutesAt('Asia/Kathmandu', new Date('2026-07-15T12:00:00Z'))).toBe(345);
    expect(offsetMinutesAt('America/New_York', new Date('2026-01-15T12:00:00Z'))).toBe(-300);
  });

  it('names one instant for an ordinary local time', () => {
    const found = instantsOf('Europe/Berlin', { year: 2026, month: 12, day: 5, hour: 18, minute: 0 });
    expect(found.map(iso)).toEqual(['2026-12-05T17:00:00.000Z']);
  });

  it('names none for a time the clocks skip (Berlin, 29 March 2026, 02:00 → 03:00)', () => {
    expect(instantsOf('Europe/Berlin', { year: 2026, month: 3, day: 29, hour: 2, minute: 30 })).toEqual([]);
    expect(
      instantsOf('Europe/Berlin', { year: 2026, month: 3, day: 29, hour: 3, minute: 0 }).map(iso),
    ).toEqual(['2026-03-29T01:00:00.000Z']);
  });

  it('names both for a time the clocks show twice (Berlin, 25 October 2026, 03:00 → 02:00)', () => {
    expect(
      instantsOf('Europe/Berlin', { year: 2026, month: 10, day: 25, hour: 2, minute: 30 }).map(iso),
    ).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
  });

  it('handles the southern hemisphere and New York the same way', () => {
    // Sydney: clocks go forward on 4 October 2026 at 02:00
    expect(instantsOf('Australia/Sydney', { year: 2026, month: 10, day: 4, hour: 2, minute: 15 })).toEqual(
      [],
    );
    // New York: clocks go back on 1 November 2026 at 02:00
    expect(
      instantsOf('America/New_York', { year: 2026, month: 11, day: 1, hour: 1, minute: 30 }).map(iso),
    ).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']);
  });

  it('rolls a day over months and years', () => {
    expect(nextDay({ year: 2026, month: 12, day: 31, hour: 18, minute: 0 })).toEqual({
      year: 2027,
      month: 1,
      day: 1,
      hour: 18,
      minute: 0,
    });
    expect(nextDay({ year: 2028, month: 2, day: 28, hour: 0, minute: 5 }).day).toBe(29);
  });

  it('knows real calendar dates', () => {
    expect(isCalendarDate(2026, 2, 28)).toBe(true);
    expect(isCalendarDate(2028, 2, 29)).toBe(true);
    expect(isCalendarDate(2026, 2, 29)).toBe(false);
    expect(isCalendarDate(2026, 4, 31)).toBe(false);
    expect(isCalendarDate(2026, 13, 1)).toBe(false);
    expect(isCalendarDate(2026, 0, 1)).toBe(false);
    expect(isCalendarDate(2026, 1, 0)).toBe(false);
  });
});
