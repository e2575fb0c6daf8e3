/**
 * Time formatting for admins: Graph speaks UTC, people read their own clock (DESIGN.md §4).
 * Pure; depends only on Intl (full ICU, as in official Node builds).
 *
 * Every function taking an `iso` throws a RangeError for a string that is not an ISO-8601 date-time:
 * the timestamps come from Graph and from our own store, so a bad one is a bug to surface, not to hide.
 */

export type LocalZone = { kind: 'iana'; zone: string } | { kind: 'offset'; minutes: number };

const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const UTC_NAMES = /^(?:etc\/)?(?:utc|uct|gmt(?:[+-]?0)?|universal|zulu|greenwich)$/i;
/** UTC±14:00 is the widest offset in use (Kiribati); anything beyond is garbage. */
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * Parses an ISO-8601 timestamp. One without a zone designator is read as UTC, as Graph means it,
 * instead of as the server's local time (which is what Date.parse would do).
 */
export function parseInstant(iso: string): Date {
  const m = ISO.exec(iso.trim());
  const bad = () => new RangeError(`Not an ISO-8601 timestamp: ${JSON.stringify(iso)}`);
  if (!m) throw bad();
  const [y, mo, d, h = 0, mi = 0, s = 0] = m
    .slice(1, 7)
    .map((x) => (x === undefined ? undefined : Number(x)));
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const offset = !m[8] || m[8].toUpperCase() === 'Z' ? 0 : parseOffset(m[8]);
  if (y === undefined || mo === undefined || d === undefined || offset === undefined) throw bad();
  const wall = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  wall.setUTCFullYear(y); // Date.UTC maps years 0–99 to 1900–1999
  // Date.UTC rolls 2026-02-31 over to March; a timestamp that does not round-trip is not a real one.
  if (
    wall.getUTCMonth() !== mo - 1 ||
    wall.getUTCDate() !== d ||
    wall.getUTCHours() !== h ||
    wall.getUTCMinutes() !== mi ||
    wall.getUTCSeconds() !== s
  )
    throw bad();
  return new Date(wall.getTime() - offset * 60_000);
}

/** The zone of whoever sent an activity: a valid IANA `localTimezone`, else the offset of `localTimestamp`. */
export function zoneFromActivity(a: {
  localTimezone?: string;
  localTimestamp?: string | Date;
}): LocalZone | undefined {
  const tz = a.localTimezone?.trim();
  if (tz) {
    const offset = parseOffset(tz);
    if (offset !== undefined) return { kind: 'offset', minutes: offset };
    const name = ianaName(tz);
    if (name) return { kind: 'iana', zone: name };
  }
  // A Date has lost the sender's offset (botbuilder parses the field); only the raw string still has it.
  if (typeof a.localTimestamp === 'string') {
    const designator = ISO.exec(a.localTimestamp.trim())?.[8];
    if (designator) {
      const minutes = designator.toUpperCase() === 'Z' ? 0 : parseOffset(designator);
      if (minutes !== undefined) return { kind: 'offset', minutes };
    }
  }
  return undefined;
}

/** '2026-11-22 12:34:56 UTC' */
export function formatUtc(iso: string): string {
  const p = utcParts(parseInstant(iso));
  return `${p.date} ${p.time} UTC`;
}

/**
 * '13:34:56 Europe/Berlin', '13:34:56 UTC+01:00'; prefixed with the local date when it differs from the
 * UTC date ('2026-11-23 00:34:56 Asia/Tokyo'). An unknown IANA zone falls back to UTC ('12:34:56 UTC').
 */
export function formatLocal(iso: string, zone: LocalZone): string {
  return local(parseInstant(iso), zone, true) ?? `${utcParts(parseInstant(iso)).time} UTC`;
}

/** '2026-11-22 12:34:56 UTC (13:34:56 Europe/Berlin)'; just the UTC part without a zone, or when it is UTC. */
export function formatInstant(iso: string, zone?: LocalZone): string {
  const at = parseInstant(iso);
  const p = utcParts(at);
  const loc = zone && local(at, zone, true);
  return `${p.date} ${p.time} UTC${loc ? ` (${loc})` : ''}`;
}

/** '12:49 UTC (13:49 Europe/Berlin)': a time of day for moments close to now, such as a request's expiry. */
export function formatShortTime(iso: string, zone?: LocalZone): string {
  const at = parseInstant(iso);
  const loc = zone && local(at, zone, false);
  return `${utcParts(at).time.slice(0, 5)} UTC${loc ? ` (${loc})` : ''}`;
}

/** 'Sessions valid from 2026-11-22 12:34:56 UTC (13:34:56 Europe/Berlin)' */
export function formatValidFromLine(iso: string, zone?: LocalZone): string {
  return `Sessions valid from ${formatInstant(iso, zone)}`;
}

/** 'Europe/Berlin', 'UTC+05:45', 'UTC'; undefined for an IANA name this runtime does not know. */
export function zoneLabel(zone: LocalZone): string | undefined {
  if (zone.kind === 'offset') {
    if (zone.minutes === 0) return 'UTC';
    const abs = Math.abs(zone.minutes);
    return `UTC${zone.minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }
  return ianaName(zone.zone);
}

/** True when the zone adds nothing to a UTC time: UTC itself, an alias of it, or offset zero. */
export function isUtcZone(zone: LocalZone): boolean {
  if (zone.kind === 'offset') return zone.minutes === 0;
  const name = ianaName(zone.zone);
  return name !== undefined && (UTC_NAMES.test(name) || UTC_NAMES.test(resolvedZone(name) ?? ''));
}

/** The local part, or undefined when it would only repeat UTC (UTC zone, unknown or out-of-range zone). */
function local(at: Date, zone: LocalZone, seconds: boolean): string | undefined {
  if (isUtcZone(zone)) return undefined;
  const label = zoneLabel(zone);
  if (!label) return undefined;
  let p: Parts;
  if (zone.kind === 'offset') {
    if (!Number.isInteger(zone.minutes) || Math.abs(zone.minutes) > MAX_OFFSET_MINUTES) return undefined;
    p = utcParts(new Date(at.getTime() + zone.minutes * 60_000));
  } else {
    p = zonedParts(at, label);
  }
  const time = seconds ? p.time : p.time.slice(0, 5);
  return p.date === utcParts(at).date ? `${time} ${label}` : `${p.date} ${time} ${label}`;
}

interface Parts {
  date: string;
  time: string;
}

function utcParts(d: Date): Parts {
  const s = d.toISOString(); // 2026-11-22T12:34:56.789Z; truncating drops the milliseconds
  return { date: s.slice(0, 10), time: s.slice(11, 19) };
}

/** By the zone's canonical name, so the tz database bounds it whatever spellings senders use. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function zonedParts(d: Date, name: string): Parts {
  const zone = resolvedZone(name) ?? name;
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      // h23, not hour12:false, which some ICU versions render as 24:00:00 at midnight
      hourCycle: 'h23',
    });
    if (formatters.size < MAX_CANONICAL_ZONES) formatters.set(zone, f);
  }
  const v: Record<string, string> = {};
  for (const part of f.formatToParts(d)) v[part.type] = part.value;
  return { date: `${v.year}-${v.month}-${v.day}`, time: `${v.hour}:${v.minute}:${v.second}` };
}

/** The name to show for a valid IANA zone (case as the tz database spells it), else undefined. */
function ianaName(zone: string): string | undefined {
  const resolved = resolvedZone(zone);
  if (!resolved) return undefined;
  // Intl canonicalizes aliases too (e.g. EST → America/Panama); keep the name the client sent then.
  return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
}

/**
 * Canonical names of the zones met so far, by their lower-cased spelling (Intl ignores case). Every
 * message carries a zone, and making an Intl.DateTimeFormat to check it was the costliest step of a
 * `help`. Only valid names are kept, so the tz database bounds the map; the cap is a second guard.
 */
const canonicalZones = new Map<string, string>();
const MAX_CANONICAL_ZONES = 2_000;

/** The tz database's name for a zone Intl accepts (cached), undefined for an offset or a zone it does not know. */
export function resolvedZone(zone: string): string | undefined {
  if (!zone || OFFSET.test(zone)) return undefined;
  const key = zone.toLowerCase();
  const known = canonicalZones.get(key);
  if (known) return known;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  if (canonicalZones.size < MAX_CANONICAL_ZONES) canonicalZones.set(key, resolved);
  return resolved;
}

function parseOffset(s: string): number | undefined {
  const m = OFFSET.exec(s);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (minutes >= 60) return undefined;
  const total = hours * 60 + minutes;
  if (total > MAX_OFFSET_MINUTES) return undefined;
  return m[1] === '-' ? -total : total;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** '850 ms' is never shown: 'under a second', '12 s', '3 min 12 s', '1 h 4 min'. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  const s = Math.round(ms / 1000);
  if (s < 1) return 'under a second';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
