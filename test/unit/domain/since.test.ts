import { parseSince, resolveSince, type SinceSpec } from '../../../src/domain/since';

const NOW = new Date('2026-11-29T14:30:00Z');
const resolved = (text: string) => {
  const spec = parseSince(text);
  if ('problem' in spec) throw new Error(spec.problem);
  const r = resolveSince(spec, NOW);
  return 'problem' in r ? r.problem : r.at.toISOString();
};

describe('parseSince and resolveSince', () => {
  it.each([
    ['2026-11-29T14:02Z', '2026-11-29T14:02:00.000Z'],
    ['2026-11-29 14:02', '2026-11-29T14:02:00.000Z'],
    ['2026-11-29 14:02:30 UTC', '2026-11-29T14:02:30.000Z'],
    ['2026-11-29T15:02+01:00', '2026-11-29T14:02:00.000Z'],
    ['14:02', '2026-11-29T14:02:00.000Z'],
    ['14:02 UTC.', '2026-11-29T14:02:00.000Z'],
    ['15:00', '2026-11-28T15:00:00.000Z'],
    ['90m', '2026-11-29T13:00:00.000Z'],
    ['2 hours ago', '2026-11-29T12:30:00.000Z'],
    ['1d', '2026-11-28T14:30:00.000Z'],
  ])('%j is %s', (text, iso) => {
    expect(resolved(text)).toBe(iso);
  });

  it.each([
    ['', /Say since when/],
    ['yesterday', /can't read "yesterday" as a time/],
    ['25:00', /not a time of day/],
    ['2026-02-30 10:00', /not a real date/],
    ['0m', /at least one minute/],
  ])('%j is refused', (text, problem) => {
    const spec = parseSince(text);
    expect('problem' in spec && spec.problem).toMatch(problem);
  });

  it('refuses the future and what the logs no longer hold', () => {
    expect(resolved('2026-11-29 15:00')).toMatch(/in the future/);
    expect(resolved('31d')).toMatch(/30 days at most/);
    const spec: SinceSpec = { kind: 'ago', minutes: 30 * 1440 };
    expect('at' in resolveSince(spec, NOW)).toBe(true);
  });

  it('reads a long run of dots in linear time', () => {
    expect(parseSince(`14:02${'.'.repeat(3000)}`)).toEqual({ kind: 'timeOfDay', hour: 14, minute: 2 });
  });
});
