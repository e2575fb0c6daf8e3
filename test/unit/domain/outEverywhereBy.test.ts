import {
  accessTokenLifetimeMinutes,
  DEFAULT_ACCESS_TOKEN_LIFETIME_MINUTES,
  outEverywhereBy,
} from '../../../src/domain/outEverywhereBy';

const def = (lifetime: unknown) =>
  JSON.stringify({ TokenLifetimePolicy: { Version: 1, AccessTokenLifetime: lifetime } });

describe('outEverywhereBy', () => {
  const validFrom = new Date('2026-12-05T14:02:00Z');

  it('gives CAE apps 15 minutes and every other app the access-token lifetime', () => {
    const by = outEverywhereBy(validFrom, { minutes: 30, source: 'policy' });
    expect(by.caeAppsBy.toISOString()).toBe('2026-12-05T14:17:00.000Z');
    expect(by.allAppsBy.toISOString()).toBe('2026-12-05T14:32:00.000Z');
    expect(by.lifetime.source).toBe('policy');
  });

  it('uses 90 minutes by default', () => {
    const by = outEverywhereBy(validFrom, {
      minutes: DEFAULT_ACCESS_TOKEN_LIFETIME_MINUTES,
      source: 'default',
    });
    expect(by.allAppsBy.toISOString()).toBe('2026-12-05T15:32:00.000Z');
  });

  it('never says every app is out before the CAE apps are', () => {
    const by = outEverywhereBy(validFrom, { minutes: 10, source: 'policy' });
    expect(by.allAppsBy.getTime()).toBe(by.caeAppsBy.getTime());
  });
});

describe('accessTokenLifetimeMinutes', () => {
  it.each([
    ['00:30:00', 30],
    ['01:00:00', 60],
    ['00:10:00', 10],
    ['1.00:00:00', 1440],
    ['00:45:30', 46],
  ])('reads %s as %i minutes', (span, minutes) => {
    expect(accessTokenLifetimeMinutes(def(span))).toBe(minutes);
  });

  it.each([
    ['not json', 'nope'],
    ['no lifetime', JSON.stringify({ TokenLifetimePolicy: { Version: 1 } })],
    ['a number', def(30)],
    ['below the documented minimum', def('00:05:00')],
    ['above a day', def('1.00:00:01')],
    ['minutes out of range', def('00:75:00')],
    ['null', 'null'],
  ])('ignores %s', (_what, definition) => {
    expect(accessTokenLifetimeMinutes(definition)).toBeUndefined();
  });
});
