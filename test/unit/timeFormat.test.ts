import {
  formatDuration,
  formatInstant,
  formatLocal,
  formatShortTime,
  formatUtc,
  formatValidFromLine,
  isUtcZone,
  parseInstant,
  zoneFromActivity,
  type LocalZone,
} from '../../src/domain/timeFormat';

const iana = (zone: string): LocalZone => ({ kind: 'iana', zone });
const offset = (minutes: number): LocalZone => ({ kind: 'offset', minutes });

describe('formatUtc', () => {
  it('prints date and time in UTC, dropping milliseconds', () => {
    expect(formatUtc('2026-11-22T12:34:56Z')).toBe('2026-11-22 12:34:56 UTC');
    expect(formatUtc('2026-11-22T12:34:56.999Z')).toBe('2026-11-22 12:34:56 UTC');
    expect(formatUtc('2026-11-22T12:34:56.1234567Z')).toBe('2026-11-22 12:34:56 UTC');
  });

  it('converts an offset timestamp to UTC', () => {
    expect(formatUtc('2026-11-22T13:34:56+01:00')).toBe('2026-11-22 12:34:56 UTC');
    expect(formatUtc('2026-11-22T00:30:00-0500')).toBe('2026-11-22 05:30:00 UTC');
  });

  it('reads a timestamp without zone as UTC, whatever the server zone', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo'; // Node applies a TZ change immediately; Date.parse would now read +09:00
    try {
      expect(formatUtc('2026-11-22T12:34:56')).toBe('2026-11-22 12:34:56 UTC');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('prints midnight as 00:00:00', () => {
    expect(formatUtc('2026-11-22T00:00:00Z')).toBe('2026-11-22 00:00:00 UTC');
  });

  it.each([
    '',
    'yesterday',
    'November 22, 2026',
    '2026-02-31T00:00:00Z',
    '2026-11-22T24:00:00Z',
    '2026-13-01',
  ])('throws a RangeError for %j', (bad) => {
    expect(() => formatUtc(bad)).toThrow(RangeError);
    expect(() => formatInstant(bad, iana('Europe/Berlin'))).toThrow(RangeError);
  });

  it('accepts a leap day', () => {
    expect(parseInstant('2028-02-29T10:00:00Z').toISOString()).toBe('2028-02-29T10:00:00.000Z');
  });
});

describe('formatLocal', () => {
  it('Berlin in winter is UTC+1', () => {
    expect(formatLocal('2026-11-22T12:34:56Z', iana('Europe/Berlin'))).toBe('13:34:56 Europe/Berlin');
  });

  it('Berlin in summer is UTC+2', () => {
    expect(formatLocal('2026-07-01T12:34:56Z', iana('Europe/Berlin'))).toBe('14:34:56 Europe/Berlin');
  });

  it('follows the DST switch to the second (Berlin, 29 March 2026 01:00 UTC)', () => {
    expect(formatLocal('2026-03-29T00:59:59Z', iana('Europe/Berlin'))).toBe('01:59:59 Europe/Berlin');
    expect(formatLocal('2026-03-29T01:00:00Z', iana('Europe/Berlin'))).toBe('03:00:00 Europe/Berlin');
  });

  it('New York, with the date when it is still the previous day there', () => {
    expect(formatLocal('2026-11-22T12:34:56Z', iana('America/New_York'))).toBe('07:34:56 America/New_York');
    expect(formatLocal('2026-07-01T12:34:56Z', iana('America/New_York'))).toBe('08:34:56 America/New_York');
    expect(formatLocal('2026-11-22T02:00:00Z', iana('America/New_York'))).toBe(
      '2026-11-21 21:00:00 America/New_York',
    );
  });

  it('Tokyo: prefixes the local date when it differs from the UTC date', () => {
    expect(formatLocal('2026-11-22T15:34:56Z', iana('Asia/Tokyo'))).toBe('2026-11-23 00:34:56 Asia/Tokyo');
    expect(formatLocal('2026-11-22T14:59:59Z', iana('Asia/Tokyo'))).toBe('23:59:59 Asia/Tokyo');
  });

  it('half and quarter hour zones: Kolkata +05:30, Kathmandu +05:45', () => {
    expect(formatLocal('2026-11-22T12:34:56Z', iana('Asia/Kolkata'))).toBe('18:04:56 Asia/Kolkata');
    expect(formatLocal('2026-11-22T12:34:56Z', iana('Asia/Kathmandu'))).toBe('18:19:56 Asia/Kathmandu');
  });

  it('prints local midnight as 00, never 24', () => {
    expect(formatLocal('2026-11-22T23:00:00Z', iana('Europe/Berlin'))).toBe(
      '2026-11-23 00:00:00 Europe/Berlin',
    );
  });

  it('offset zones are labelled UTC±hh:mm', () => {
    expect(formatLocal('2026-11-22T12:34:56Z', offset(60))).toBe('13:34:56 UTC+01:00');
    expect(formatLocal('2026-11-22T12:34:56Z', offset(345))).toBe('18:19:56 UTC+05:45');
    expect(formatLocal('2026-11-22T12:34:56Z', offset(-330))).toBe('07:04:56 UTC-05:30');
    expect(formatLocal('2026-11-22T02:00:00Z', offset(-300))).toBe('2026-11-21 21:00:00 UTC-05:00');
  });

  it('spells the zone as the tz database does', () => {
    expect(formatLocal('2026-11-22T12:34:56Z', iana('europe/berlin'))).toBe('13:34:56 Europe/Berlin');
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(formatLocal('2026-11-22T12:34:56Z', iana('Mars/Olympus_Mons'))).toBe('12:34:56 UTC');
    expect(formatLocal('2026-11-22T12:34:56Z', offset(24 * 60))).toBe('12:34:56 UTC');
  });
});

describe('formatInstant', () => {
  it('UTC with the local time in brackets', () => {
    expect(formatInstant('2026-11-22T12:34:56Z', iana('Europe/Berlin'))).toBe(
      '2026-11-22 12:34:56 UTC (13:34:56 Europe/Berlin)',
    );
    expect(formatInstant('2026-11-22T15:34:56Z', iana('Asia/Tokyo'))).toBe(
      '2026-11-22 15:34:56 UTC (2026-11-23 00:34:56 Asia/Tokyo)',
    );
    expect(formatInstant('2026-11-22T12:34:56Z', offset(60))).toBe(
      '2026-11-22 12:34:56 UTC (13:34:56 UTC+01:00)',
    );
  });

  it('just UTC without a zone, for UTC itself, and for an unknown zone', () => {
    const utc = '2026-11-22 12:34:56 UTC';
    expect(formatInstant('2026-11-22T12:34:56Z')).toBe(utc);
    expect(formatInstant('2026-11-22T12:34:56Z', iana('UTC'))).toBe(utc);
    expect(formatInstant('2026-11-22T12:34:56Z', iana('Etc/UTC'))).toBe(utc);
    expect(formatInstant('2026-11-22T12:34:56Z', offset(0))).toBe(utc);
    expect(formatInstant('2026-11-22T12:34:56Z', iana('Not/AZone'))).toBe(utc);
  });

  it('keeps London even when its offset is zero: the zone name tells the reader it is their clock', () => {
    expect(isUtcZone(iana('Europe/London'))).toBe(false);
    expect(formatInstant('2026-11-22T12:34:56Z', iana('Europe/London'))).toBe(
      '2026-11-22 12:34:56 UTC (12:34:56 Europe/London)',
    );
  });
});

describe('formatShortTime and formatValidFromLine', () => {
  it('short time of day for an expiry', () => {
    expect(formatShortTime('2026-11-22T12:49:30Z', iana('Europe/Berlin'))).toBe(
      '12:49 UTC (13:49 Europe/Berlin)',
    );
    expect(formatShortTime('2026-11-22T12:49:30Z')).toBe('12:49 UTC');
    expect(formatShortTime('2026-11-22T15:10:00Z', iana('Asia/Tokyo'))).toBe(
      '15:10 UTC (2026-11-23 00:10 Asia/Tokyo)',
    );
  });

  it('valid-from line', () => {
    expect(formatValidFromLine('2026-11-22T12:34:56Z', iana('Europe/Berlin'))).toBe(
      'Sessions valid from 2026-11-22 12:34:56 UTC (13:34:56 Europe/Berlin)',
    );
    expect(formatValidFromLine('2026-11-22T12:34:56Z')).toBe('Sessions valid from 2026-11-22 12:34:56 UTC');
  });
});

describe('zoneFromActivity', () => {
  it('prefers a valid IANA localTimezone', () => {
    expect(
      zoneFromActivity({ localTimezone: 'Europe/Berlin', localTimestamp: '2026-11-22T18:04:56.000+05:30' }),
    ).toEqual(iana('Europe/Berlin'));
  });

  it('falls back to the offset of the raw localTimestamp when the zone is missing or invalid', () => {
    expect(zoneFromActivity({ localTimestamp: '2026-11-22T13:34:56.000+01:00' })).toEqual(offset(60));
    expect(
      zoneFromActivity({ localTimezone: 'Nowhere/Special', localTimestamp: '2026-11-22T18:19:56+05:45' }),
    ).toEqual(offset(345));
    expect(zoneFromActivity({ localTimestamp: '2026-11-22T07:34:56.000-05:00' })).toEqual(offset(-300));
    expect(zoneFromActivity({ localTimestamp: '2026-11-22T12:34:56.000Z' })).toEqual(offset(0));
  });

  it('asks Intl about a zone name once, whatever its case and however many messages carry it', () => {
    const made = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      for (let i = 0; i < 20; i++) {
        expect(zoneFromActivity({ localTimezone: 'Pacific/Chatham' })).toEqual(iana('Pacific/Chatham'));
        expect(zoneFromActivity({ localTimezone: 'PACIFIC/chatham' })).toEqual(iana('Pacific/Chatham'));
        // an alias keeps the name the client sent
        expect(zoneFromActivity({ localTimezone: 'Asia/Calcutta' })).toEqual(iana('Asia/Calcutta'));
      }
      expect(made).toHaveBeenCalledTimes(2);
      // a name Intl refuses is never remembered as valid
      for (let i = 0; i < 3; i++) expect(zoneFromActivity({ localTimezone: 'Nowhere/Else' })).toBeUndefined();
    } finally {
      made.mockRestore();
    }
  });

  it('accepts an offset given as localTimezone', () => {
    expect(zoneFromActivity({ localTimezone: '+05:30' })).toEqual(offset(330));
  });

  it('gives up on a parsed Date (its offset is lost), a zone-less or garbage timestamp, and nothing', () => {
    expect(zoneFromActivity({ localTimestamp: new Date('2026-11-22T13:34:56+01:00') })).toBeUndefined();
    expect(zoneFromActivity({ localTimestamp: '2026-11-22T13:34:56' })).toBeUndefined();
    expect(zoneFromActivity({ localTimestamp: 'tomorrow +01:00' })).toBeUndefined();
    expect(zoneFromActivity({ localTimestamp: '2026-11-22T13:34:56+25:00' })).toBeUndefined();
    expect(zoneFromActivity({ localTimezone: '' })).toBeUndefined();
    expect(zoneFromActivity({})).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('formats durations for people, never in milliseconds', () => {
    expect(formatDuration(400)).toBe('under a second');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(180_000)).toBe('3 min');
    expect(formatDuration(192_000)).toBe('3 min 12 s');
    expect(formatDuration(3_840_000)).toBe('1 h 4 min');
    expect(formatDuration(7_200_000)).toBe('2 h');
    expect(formatDuration(-1)).toBe('unknown');
  });
});
