/**
 * The `at <when>` clause of signout: `2026-12-05 18:00 [zone]`, `18:00 [zone]`, or `in 45m` / `in 2h`
 * (also written without `at`). The zone is UTC or an IANA name; an abbreviation (CET, EST) or an offset
 * (UTC+2) is refused, since it is ambiguous or ignores daylight saving time. A word after the time that
 * is not zone-shaped starts the reason. What the time means now is src/domain/scheduleTime.ts's job.
 */

import type { WhenSpec } from '../domain/command';
import { canonicalZone, isCalendarDate } from '../domain/zonedTime';
import { refuse, type Refusal } from './grammar';
import type { Lexer } from './lexer';
import { show, stripTrailing, SENTENCE_END } from './text';

export const WHEN_FORMATS =
  'at 2026-12-05 18:00 UTC, at 18:00 Europe/Berlin, at 18:00 (your Teams time zone) or in 45m';

const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const CLOCK = /^(\d{1,2}):(\d{2})$/;
const DATE_T_CLOCK = /^(\d{4}-\d{1,2}-\d{1,2})t(\d{1,2}:\d{2})(z?)$/i;
const AMOUNT = /^(\d{1,6})([a-z]*)$/i;
const HOURS_MINUTES = /^(\d{1,4})h(\d{1,2})m?$/i;
const MINUTE_UNITS = new Set(['m', 'min', 'mins', 'minute', 'minutes']);
const HOUR_UNITS = new Set(['h', 'hr', 'hrs', 'hour', 'hours']);
/** Abbreviations admins type that name no single zone (CST: US Central or China), or not in IANA's sense. */
const ABBREVIATIONS = new Set(
  'CET CEST EET EEST WET WEST BST IST EST EDT CST CDT MST MDT PST PDT AKST AKDT HST AEST AEDT ACST AWST JST KST HKT SGT MSK NZST NZDT'.split(
    ' ',
  ),
);

export interface WhenReading {
  spec: WhenSpec;
  /** where the clause ends in the arguments */
  end: number;
}

const formats = (what: string) =>
  refuse(`I can't read ${show(what)} as a time. Write it like ${WHEN_FORMATS}.`);

/** Reads the time after `at`, from `pos`. */
export function readWhen(lex: Lexer, pos: number): WhenReading | Refusal {
  const first = lex.read(pos);
  if (!first) return refuse(`"at" needs a time after it, like ${WHEN_FORMATS}.`);
  const word = stripTrailing(first.raw, SENTENCE_END).toLowerCase();
  if (word === 'in') return readRelative(lex, first.end);
  const joined = DATE_T_CLOCK.exec(word);
  if (joined) {
    const date = readDate(joined[1]);
    const clock = readClock(joined[2])!;
    if ('kind' in date) return date;
    if ('kind' in clock) return clock;
    if (joined[3]) return { spec: { kind: 'date', ...date, ...clock, zone: 'UTC' }, end: first.end };
    return withZone(lex, first.end, (zone) => ({ kind: 'date', ...date, ...clock, zone }));
  }
  if (DATE.test(word)) {
    const date = readDate(word);
    if ('kind' in date) return date;
    const next = lex.read(first.end);
    const clock = next ? readClock(stripTrailing(next.raw, SENTENCE_END)) : undefined;
    if (!next || !clock || 'kind' in clock) {
      return clock && 'kind' in clock
        ? clock
        : refuse(`After the date, give the time as HH:MM (24-hour), e.g. ${word} 18:00 UTC.`);
    }
    return withZone(lex, next.end, (zone) => ({ kind: 'date', ...date, ...clock, zone }));
  }
  if (CLOCK.test(word)) {
    const clock = readClock(word)!;
    if ('kind' in clock) return clock;
    return withZone(lex, first.end, (zone) => ({ kind: 'clock', ...clock, zone }));
  }
  if (/^\d/.test(word)) {
    return refuse(
      `I can't read ${show(first.raw)} as a time. Write times as 24-hour HH:MM (18:00, not 6pm), ` +
        `like ${WHEN_FORMATS}.`,
    );
  }
  return formats(first.raw);
}

/** `in 45m`, `in 2h`, `in 1h30m`, `in 90 minutes`, from just after `in`. */
export function readRelative(lex: Lexer, pos: number): WhenReading | Refusal {
  const tok = lex.read(pos);
  const usage = refuse('Write how long from now like in 45m or in 2h.');
  if (!tok) return usage;
  const word = stripTrailing(tok.raw, SENTENCE_END).toLowerCase();
  const hm = HOURS_MINUTES.exec(word);
  if (hm) {
    if (Number(hm[2]) > 59) return usage;
    return { spec: { kind: 'relative', minutes: Number(hm[1]) * 60 + Number(hm[2]) }, end: tok.end };
  }
  const amount = AMOUNT.exec(word);
  if (!amount) return usage;
  let unit = amount[2];
  let end = tok.end;
  if (!unit) {
    const next = lex.read(tok.end);
    if (!next) return usage;
    unit = stripTrailing(next.raw, SENTENCE_END).toLowerCase();
    end = next.end;
  }
  const n = Number(amount[1]);
  if (MINUTE_UNITS.has(unit)) return { spec: { kind: 'relative', minutes: n }, end };
  if (HOUR_UNITS.has(unit)) return { spec: { kind: 'relative', minutes: n * 60 }, end };
  if (/^d(ays?)?$/.test(unit)) return refuse('Give days as a date: at 2026-12-05 18:00 UTC.');
  return usage;
}

/** True when the token at `pos` is a duration (`45m`, `2`+`hours`): `in` then starts a schedule, not a reason. */
export function isRelativeAhead(lex: Lexer, pos: number): boolean {
  const r = readRelative(lex, pos);
  return 'spec' in r;
}

/** The optional zone after a time; a word that is not zone-shaped is left for the reason. */
function withZone(
  lex: Lexer,
  pos: number,
  make: (zone: string | undefined) => WhenSpec,
): WhenReading | Refusal {
  const tok = lex.read(pos);
  if (!tok || tok.quoted !== undefined) return { spec: make(undefined), end: pos };
  const raw = stripTrailing(tok.raw, SENTENCE_END);
  const zone = readZone(raw);
  if (zone === undefined) return { spec: make(undefined), end: pos };
  if (typeof zone !== 'string') return zone;
  return { spec: make(zone), end: tok.end };
}

/** A zone name, a refusal for a zone-shaped word that is not a usable zone, or undefined (not a zone). */
export function readZone(raw: string): string | Refusal | undefined {
  if (/^(?:utc|gmt)[+-]\d/i.test(raw) || /^[+-]\d{1,2}(?::?\d{2})?$/.test(raw)) {
    return refuse(
      `Give a time zone by name, not as an offset like ${show(raw)}: an offset does not follow daylight ` +
        'saving time. Use e.g. Europe/Berlin, or UTC.',
    );
  }
  if (ABBREVIATIONS.has(raw)) {
    return refuse(
      `${show(raw)} is ambiguous as a time zone. Use an IANA name like Europe/Berlin or America/Chicago, or UTC.`,
    );
  }
  if (!/^(?:utc|gmt|z)$/i.test(raw) && !raw.includes('/')) return undefined;
  const zone = canonicalZone(raw);
  if (!zone) {
    return refuse(
      `I don't know the time zone ${show(raw)}. Use an IANA name like Europe/Berlin or America/New_York, or UTC.`,
    );
  }
  return zone;
}

function readDate(word: string): { year: number; month: number; day: number } | Refusal {
  const m = DATE.exec(word)!;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDate(year, month, day))
    return refuse(`${show(word)} is not a date. Write dates as YYYY-MM-DD.`);
  return { year, month, day };
}

function readClock(word: string): { hour: number; minute: number } | Refusal | undefined {
  const m = CLOCK.exec(word);
  if (!m) return undefined;
  const [hour, minute] = [Number(m[1]), Number(m[2])];
  if (hour > 23 || minute > 59)
    return refuse(`${show(word)} is not a time of day. Write it as 00:00 to 23:59.`);
  return { hour, minute };
}
