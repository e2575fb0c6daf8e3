import { Lexer } from '../../../src/commands/lexer';
import { readWhen, readZone } from '../../../src/commands/whenClause';
import type { WhenSpec } from '../../../src/domain/command';

/** Reads the clause that follows `at` in `text`. */
function when(text: string): { spec: WhenSpec; rest: string } | string {
  const r = readWhen(new Lexer(text), 0);
  if ('kind' in r) return r.sentence;
  return { spec: r.spec, rest: text.slice(r.end).trim() };
}

describe('readWhen', () => {
  it.each<[string, WhenSpec, string]>([
    [
      '2026-12-05 18:00 UTC',
      { kind: 'date', year: 2026, month: 12, day: 5, hour: 18, minute: 0, zone: 'UTC' },
      '',
    ],
    [
      '2026-12-05 18:00 Europe/Berlin cutover',
      { kind: 'date', year: 2026, month: 12, day: 5, hour: 18, minute: 0, zone: 'Europe/Berlin' },
      'cutover',
    ],
    [
      '2026-12-05 18:00 europe/berlin',
      { kind: 'date', year: 2026, month: 12, day: 5, hour: 18, minute: 0, zone: 'Europe/Berlin' },
      '',
    ],
    [
      '2026-12-05 18:00 migration wave 1',
      { kind: 'date', year: 2026, month: 12, day: 5, hour: 18, minute: 0, zone: undefined },
      'migration wave 1',
    ],
    [
      '2026-12-5 6:05',
      { kind: 'date', year: 2026, month: 12, day: 5, hour: 6, minute: 5, zone: undefined },
      '',
    ],
    [
      '2026-12-05T18:00Z',
      { kind: 'date', year: 2026, month: 12, day: 5, hour: 18, minute: 0, zone: 'UTC' },
      '',
    ],
    [
      '2026-12-05T18:00 Asia/Tokyo',
      { kind: 'date', year: 2026, month: 12, day: 5, hour: 18, minute: 0, zone: 'Asia/Tokyo' },
      '',
    ],
    ['18:00', { kind: 'clock', hour: 18, minute: 0, zone: undefined }, ''],
    ['18:00 UTC', { kind: 'clock', hour: 18, minute: 0, zone: 'UTC' }, ''],
    ['18:00 gmt', { kind: 'clock', hour: 18, minute: 0, zone: 'UTC' }, ''],
    [
      '18:00 America/New_York new tenant',
      { kind: 'clock', hour: 18, minute: 0, zone: 'America/New_York' },
      'new tenant',
    ],
    ['00:00', { kind: 'clock', hour: 0, minute: 0, zone: undefined }, ''],
    ['23:59.', { kind: 'clock', hour: 23, minute: 59, zone: undefined }, ''],
    ['18:00 "quoted reason"', { kind: 'clock', hour: 18, minute: 0, zone: undefined }, '"quoted reason"'],
    ['in 45m', { kind: 'relative', minutes: 45 }, ''],
    ['in 45 min because', { kind: 'relative', minutes: 45 }, 'because'],
    ['in 2h', { kind: 'relative', minutes: 120 }, ''],
    ['in 2 hours', { kind: 'relative', minutes: 120 }, ''],
    ['in 1h30m', { kind: 'relative', minutes: 90 }, ''],
    ['in 1h30', { kind: 'relative', minutes: 90 }, ''],
    ['IN 90 Minutes', { kind: 'relative', minutes: 90 }, ''],
  ])('at %s', (text, spec, rest) => {
    expect(when(text)).toEqual({ spec, rest });
  });

  it.each<[string, RegExp]>([
    ['', /needs a time after it/],
    ['noon', /can't read `noon` as a time. Write it like at 2026-12-05 18:00 UTC/],
    ['tomorrow 18:00', /can't read `tomorrow` as a time/],
    ['6pm', /24-hour HH:MM \(18:00, not 6pm\)/],
    ['18h00', /24-hour HH:MM/],
    ['24:00', /`24:00` is not a time of day/],
    ['18:60', /is not a time of day/],
    ['2026-02-30 18:00', /`2026-02-30` is not a date/],
    ['2026-13-01 18:00', /is not a date/],
    ['2026-12-05', /After the date, give the time as HH:MM/],
    ['2026-12-05 evening', /After the date, give the time as HH:MM/],
    ['2026-12-05 25:00', /is not a time of day/],
    ['18:00 Europe/Berln', /don't know the time zone `Europe\/Berln`/],
    ['18:00 CET', /`CET` is ambiguous as a time zone/],
    ['18:00 EST', /ambiguous/],
    ['18:00 UTC+2', /not as an offset/],
    ['18:00 +01:00', /not as an offset/],
    ['in', /Write how long from now like in 45m/],
    ['in soon', /Write how long from now/],
    ['in 45', /Write how long from now/],
    ['in 45s', /Write how long from now/],
    ['in 3 days', /Give days as a date/],
    ['in 1h75m', /Write how long from now/],
  ])('refuses at %j', (text, problem) => {
    expect(when(text)).toMatch(problem);
  });
});

describe('readZone', () => {
  it('leaves ordinary words for the reason', () => {
    expect(readZone('cutover')).toBeUndefined();
    expect(readZone('wet')).toBeUndefined(); // an abbreviation only in capitals
    expect(readZone('HR')).toBeUndefined();
  });
});
