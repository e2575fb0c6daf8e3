/**
 * Wall-clock times in IANA time zones, with Intl only (full ICU, as in official Node builds): which
 * instants a local date and time name (none in a spring-forward gap, two in a fall-back overlap), and
 * what a zone's clock shows at an instant. Pure.
 */

import { resolvedZone } from './timeFormat';

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const UTC_ALIASES = /^(?:utc|gmt|z|zulu|etc\/utc|etc\/gmt|etc\/zulu|universal|etc\/universal)$/i;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The IANA name of a zone as the tz database spells it ('europe/berlin' → 'Europe/Berlin'; an alias ICU
 * maps to another name stays as typed), 'UTC' for
 * UTC and its aliases, undefined for a name this runtime does not know. Offsets (`+01:00`) are not
 * zones here: their clock does not follow daylight saving time.
 */
export function canonicalZone(name: string): string | undefined {
  const n = name.trim();
  if (!n || n.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(n)) return undefined;
  if (UTC_ALIASES.test(n)) return 'UTC';
  const resolved = resolvedZone(n);
  if (!resolved) return undefined;
  if (UTC_ALIASES.test(resolved)) return 'UTC';
  // ICU answers some current names with older aliases (Asia/Kolkata → Asia/Calcutta): keep the one typed
  return resolved.toLowerCase() === n.toLowerCase() ? resolved : n;
}

/** What the zone's clock shows at `instant` (to the minute; seconds dropped). */
export function wallTimeAt(zone: string, instant: Date): WallTime {
  const v: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(instant)) {
    if (p.type !== 'literal') v[p.type] = Number(p.value);
  }
  return { year: v.year, month: v.month, day: v.day, hour: v.hour, minute: v.minute };
}

/** The zone's offset from UTC at `instant`, in minutes (Berlin in winter: 60). */
export function offsetMinutesAt(zone: string, instant: Date): number {
  const w = wallTimeAt(zone, instant);
  const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const instantMinute = Math.floor(instant.getTime() / MINUTE_MS) * MINUTE_MS;
  return Math.round((wallMs - instantMinute) / MINUTE_MS);
}

/**
 * The instants at which the zone's clock shows `wall`, earliest first: one normally, none when the
 * clocks skip it (daylight saving time starts), two when they show it twice (it ends).
 */
export function instantsOf(zone: string, wall: WallTime): Date[] {
  const naive = wallAsUtcMs(wall);
  // Any zone's offset is within ±14 h, so the instant lies within a day of the naive one; the offsets a
  // day before and after are the ones on either side of a change near that date.
  const offsets = new Set(
    [naive - DAY_MS, naive, naive + DAY_MS].map((t) => offsetMinutesAt(zone, new Date(t))),
  );
  const found = new Set<number>();
  for (const offset of offsets) {
    const t = naive - offset * MINUTE_MS;
    if (sameWall(wallTimeAt(zone, new Date(t)), wall)) found.add(t);
  }
  return [...found].sort((a, b) => a - b).map((t) => new Date(t));
}

/** `wall` read as if it were UTC, in ms: for date arithmetic on calendar days. */
export function wallAsUtcMs(wall: WallTime): number {
  const d = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute));
  d.setUTCFullYear(wall.year); // Date.UTC maps years 0–99 to 1900–1999
  return d.getTime();
}

/** The calendar day after `wall`'s, same clock time. */
export function nextDay(wall: WallTime): WallTime {
  const d = new Date(wallAsUtcMs(wall) + DAY_MS);
  return { ...wall, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** True for a real calendar date (no 31 April, 29 February only in leap years). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(2000, month - 1, day));
  d.setUTCFullYear(year);
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function sameWall(a: WallTime, b: WallTime): boolean {
  return (
    a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute
  );
}

/** '2026-12-05' */
export function formatDate(wall: Pick<WallTime, 'year' | 'month' | 'day'>): string {
  return `${String(wall.year).padStart(4, '0')}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** '18:00' */
export function formatClock(wall: Pick<WallTime, 'hour' | 'minute'>): string {
  return `${pad(wall.hour)}:${pad(wall.minute)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
