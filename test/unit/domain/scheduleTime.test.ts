import type { WhenSpec } from '../../../src/domain/command';
import { resolveWhen, type WhenResolution } from '../../../src/domain/scheduleTime';

/** The injected clock: every case says what time it is. */
const at = (iso: string) => new Date(iso);
const date = (s: string, zone?: string): WhenSpec => {
  const [d, t] = s.split(' ');
  const [year, month, day] = d.split('-').map(Number);
  const [hour, minute] = t.split(':').map(Number);
  return { kind: 'date', year, month, day, hour, minute, zone };
};
const clock = (s: string, zone?: string): WhenSpec => {
  const [hour, minute] = s.split(':').map(Number);
  return { kind: 'clock', hour, minute, zone };
};

function ok(r: WhenResolution): { at: string; zone: string; zoneFrom: string } {
  if (!r.ok) throw new Error(`refused: ${r.problem}`);
  return { at: r.at.toISOString(), zone: r.zone, zoneFrom: r.zoneFrom };
}
function problem(r: WhenResolution): string {
  if (r.ok) throw new Error(`accepted: ${r.at.toISOString()}`);
  return r.problem;
}

describe('resolveWhen: a date and a time', () => {
  const now = at('2026-11-30T10:00:00Z');

  it('reads UTC and IANA zones', () => {
    expect(ok(resolveWhen(date('2026-12-05 18:00', 'UTC'), now))).toEqual({
      at: '2026-12-05T18:00:00.000Z',
      zone: 'UTC',
      zoneFrom: 'typed',
    });
    expect(ok(resolveWhen(date('2026-12-05 18:00', 'Europe/Berlin'), now)).at).toBe(
      '2026-12-05T17:00:00.000Z',
    );
    expect(ok(resolveWhen(date('2026-12-05 18:00', 'America/New_York'), now)).at).toBe(
      '2026-12-05T23:00:00.000Z',
    );
    expect(ok(resolveWhen(date('2026-12-05 18:00', 'Asia/Kolkata'), now)).at).toBe(
      '2026-12-05T12:30:00.000Z',
    );
  });

  it("uses the requester's Teams zone when none is typed, and says so", () => {
    expect(ok(resolveWhen(date('2026-12-05 18:00'), now, 'Europe/Berlin'))).toEqual({
      at: '2026-12-05T17:00:00.000Z',
      zone: 'Europe/Berlin',
      zoneFrom: 'teams',
    });
    // a typed zone wins over Teams'
    expect(ok(resolveWhen(date('2026-12-05 18:00', 'UTC'), now, 'Europe/Berlin')).at).toBe(
      '2026-12-05T18:00:00.000Z',
    );
  });

  it('refuses a clock time without a zone when Teams sent none (or one it cannot use)', () => {
    expect(problem(resolveWhen(date('2026-12-05 18:00'), now))).toMatch(
      /Teams did not tell me your time zone.*at 18:00 UTC/,
    );
    expect(problem(resolveWhen(clock('18:00'), now, '+01:00'))).toMatch(
      /Teams did not tell me your time zone/,
    );
    expect(problem(resolveWhen(clock('18:00'), now, 'Mars/Olympus'))).toMatch(/Teams did not tell me/);
  });

  it('refuses an unknown zone', () => {
    expect(problem(resolveWhen(date('2026-12-05 18:00', 'Europe/Berln'), now))).toMatch(
      /don't know the time zone "Europe\/Berln"/,
    );
  });

  it('refuses the past, now, and more than 30 days ahead; accepts exactly 30 days', () => {
    expect(problem(resolveWhen(date('2026-11-29 18:00', 'UTC'), now))).toMatch(
      /2026-11-29 18:00 UTC is in the past \(it is 2026-11-30 10:00 UTC now\)/,
    );
    expect(problem(resolveWhen(date('2026-11-30 10:00', 'UTC'), now))).toMatch(/in the past/);
    expect(ok(resolveWhen(date('2026-11-30 10:01', 'UTC'), now)).at).toBe('2026-11-30T10:01:00.000Z');
    expect(ok(resolveWhen(date('2026-12-30 10:00', 'UTC'), now)).at).toBe('2026-12-30T10:00:00.000Z');
    expect(problem(resolveWhen(date('2026-12-30 10:01', 'UTC'), now))).toMatch(
      /more than 30 days ahead; I schedule sign-outs up to 2026-12-30 10:00 UTC/,
    );
    expect(problem(resolveWhen(date('2027-06-01 10:00', 'UTC'), now))).toMatch(/more than 30 days/);
  });
});

describe('resolveWhen: daylight saving time', () => {
  it('refuses a local time the clocks skip (spring forward), in the typed and the Teams zone', () => {
    const now = at('2026-03-20T10:00:00Z');
    expect(problem(resolveWhen(date('2026-03-29 02:30', 'Europe/Berlin'), now))).toBe(
      '02:30 on 2026-03-29 does not exist in Europe/Berlin: the clocks skip it when daylight saving time ' +
        'starts. Pick another time, or give it in UTC.',
    );
    expect(
      problem(resolveWhen(date('2026-03-08 02:15'), at('2026-03-01T00:00:00Z'), 'America/New_York')),
    ).toMatch(/does not exist in America\/New_York/);
    // just either side of the gap is fine
    expect(ok(resolveWhen(date('2026-03-29 01:59', 'Europe/Berlin'), now)).at).toBe(
      '2026-03-29T00:59:00.000Z',
    );
    expect(ok(resolveWhen(date('2026-03-29 03:00', 'Europe/Berlin'), now)).at).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('refuses a local time the clocks show twice (fall back), naming both in UTC', () => {
    const now = at('2026-10-20T10:00:00Z');
    expect(problem(resolveWhen(date('2026-10-25 02:30', 'Europe/Berlin'), now))).toBe(
      '02:30 on 2026-10-25 happens twice in Europe/Berlin, because the clocks go back when daylight saving ' +
        'time ends (at 00:30 UTC and at 01:30 UTC). Give the time in UTC so I know which one.',
    );
    expect(ok(resolveWhen(date('2026-10-25 03:00', 'Europe/Berlin'), now)).at).toBe(
      '2026-10-25T02:00:00.000Z',
    );
  });

  it('keeps the local clock time across a change: 18:00 Berlin is 17:00 UTC in winter, 16:00 in summer', () => {
    const now = at('2026-03-20T10:00:00Z');
    expect(ok(resolveWhen(date('2026-03-28 18:00', 'Europe/Berlin'), now)).at).toBe(
      '2026-03-28T17:00:00.000Z',
    );
    expect(ok(resolveWhen(date('2026-03-30 18:00', 'Europe/Berlin'), now)).at).toBe(
      '2026-03-30T16:00:00.000Z',
    );
  });
});

describe('resolveWhen: a clock time is the next time it comes', () => {
  it('today when it is still ahead, tomorrow when it has passed', () => {
    const now = at('2026-11-30T10:00:00Z'); // 11:00 in Berlin
    expect(ok(resolveWhen(clock('18:00', 'Europe/Berlin'), now)).at).toBe('2026-11-30T17:00:00.000Z');
    expect(ok(resolveWhen(clock('09:00', 'Europe/Berlin'), now)).at).toBe('2026-12-01T08:00:00.000Z');
    expect(ok(resolveWhen(clock('11:00', 'Europe/Berlin'), now)).at).toBe('2026-12-01T10:00:00.000Z');
    expect(ok(resolveWhen(clock('11:01', 'Europe/Berlin'), now)).at).toBe('2026-11-30T10:01:00.000Z');
  });

  it("counts days in the zone's calendar, not UTC's", () => {
    // 23:30 UTC on 30 November is already 08:30 on 1 December in Tokyo
    const now = at('2026-11-30T23:30:00Z');
    expect(ok(resolveWhen(clock('09:00', 'Asia/Tokyo'), now)).at).toBe('2026-12-01T00:00:00.000Z');
    expect(ok(resolveWhen(clock('08:00', 'Asia/Tokyo'), now)).at).toBe('2026-12-01T23:00:00.000Z');
    // and 18:30 on 30 November in New York
    expect(ok(resolveWhen(clock('18:00', 'America/New_York'), now)).at).toBe('2026-12-01T23:00:00.000Z');
  });

  it('rolls over the end of a month and a year', () => {
    expect(ok(resolveWhen(clock('06:00', 'UTC'), at('2026-12-31T22:00:00Z'))).at).toBe(
      '2027-01-01T06:00:00.000Z',
    );
  });

  it("uses the requester's Teams zone", () => {
    expect(ok(resolveWhen(clock('18:00'), at('2026-11-30T10:00:00Z'), 'america/new_york'))).toEqual({
      at: '2026-11-30T23:00:00.000Z',
      zone: 'America/New_York',
      zoneFrom: 'teams',
    });
  });

  it('refuses when the next one falls in a gap, and rolls past a gap that has gone by', () => {
    // 01:00 UTC on 29 March 2026 is 03:00 in Berlin, right after the gap
    expect(problem(resolveWhen(clock('02:30', 'Europe/Berlin'), at('2026-03-29T00:15:00Z')))).toMatch(
      /02:30 on 2026-03-29 does not exist in Europe\/Berlin/,
    );
    expect(ok(resolveWhen(clock('02:30', 'Europe/Berlin'), at('2026-03-29T01:15:00Z'))).at).toBe(
      '2026-03-30T00:30:00.000Z',
    );
  });

  it('refuses a time shown twice ahead, and rolls to tomorrow once both have passed', () => {
    expect(problem(resolveWhen(clock('02:30', 'Europe/Berlin'), at('2026-10-24T20:00:00Z')))).toMatch(
      /02:30 on 2026-10-25 happens twice in Europe\/Berlin/,
    );
    expect(ok(resolveWhen(clock('02:30', 'Europe/Berlin'), at('2026-10-25T03:00:00Z'))).at).toBe(
      '2026-10-26T01:30:00.000Z',
    );
  });
});

describe('resolveWhen: in 45m, in 2h', () => {
  const now = at('2026-11-30T10:00:20Z');

  it('counts from now, in UTC, with no zone needed', () => {
    expect(ok(resolveWhen({ kind: 'relative', minutes: 45 }, now))).toEqual({
      at: '2026-11-30T10:45:20.000Z',
      zone: 'UTC',
      zoneFrom: 'relative',
    });
    expect(ok(resolveWhen({ kind: 'relative', minutes: 120 }, now)).at).toBe('2026-11-30T12:00:20.000Z');
  });

  it('refuses zero and more than 30 days', () => {
    expect(problem(resolveWhen({ kind: 'relative', minutes: 0 }, now))).toMatch(/at least one minute/);
    expect(ok(resolveWhen({ kind: 'relative', minutes: 30 * 24 * 60 }, now)).at).toBe(
      '2026-12-30T10:00:20.000Z',
    );
    expect(problem(resolveWhen({ kind: 'relative', minutes: 30 * 24 * 60 + 1 }, now))).toMatch(
      /more than 30 days ahead/,
    );
  });
});
