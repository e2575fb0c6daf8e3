import type { SignInEntry } from '../../../src/domain/signIns';
import { knownPlaces, unusualSignIns, unusualness } from '../../../src/domain/unusualPlaces';

let n = 0;
const e = (over: Partial<SignInEntry>): SignInEntry => ({
  id: `e${++n}`,
  at: '2026-11-29T14:10:00.000Z',
  userId: 'u',
  app: 'Exchange Online',
  errorCode: 0,
  interactive: true,
  ...over,
});

describe('knownPlaces', () => {
  it('learns only from successful sign-ins, case-insensitively', () => {
    const known = knownPlaces([
      e({ ipAddress: '203.0.113.7', countryOrRegion: 'de' }),
      e({ ipAddress: '198.51.100.66', countryOrRegion: 'RU', errorCode: 50126 }),
    ]);
    expect([...known.ips]).toEqual(['203.0.113.7']);
    expect([...known.countries]).toEqual(['de']);
  });
});

describe('unusualSignIns', () => {
  const known = knownPlaces([e({ ipAddress: '203.0.113.7', countryOrRegion: 'DE' })]);

  it('flags a new address or country, most unusual first, then newest', () => {
    const sameIp = e({ ipAddress: '203.0.113.7', countryOrRegion: 'DE' });
    const newIp = e({ ipAddress: '203.0.113.8', countryOrRegion: 'DE', at: '2026-11-29T14:20:00.000Z' });
    const newCountry = e({ ipAddress: '203.0.113.7', countryOrRegion: 'BR' });
    const both = e({ ipAddress: '198.51.100.9', countryOrRegion: 'BR', at: '2026-11-29T14:05:00.000Z' });
    const found = unusualSignIns([sameIp, newIp, newCountry, both], known);
    expect(found.map((u) => [u.entry.id, unusualness(u)])).toEqual([
      [both.id, 3],
      [newCountry.id, 2],
      [newIp.id, 1],
    ]);
  });

  it('does not flag what the log leaves out', () => {
    expect(unusualSignIns([e({})], known)).toEqual([]);
  });

  it('without any sign-in in the week before, every place is new', () => {
    expect(unusualSignIns([e({ ipAddress: '203.0.113.7' })], knownPlaces([]))).toHaveLength(1);
  });
});
