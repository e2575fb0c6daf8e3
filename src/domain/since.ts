/**
 * The `since <time>` of `verify`: what an admin may type, and the moment it names. Pure.
 *
 * Accepted, case-insensitively: an ISO date-time (`2026-11-29T14:02Z`, `2026-11-29 14:02`, with an
 * optional offset or `UTC`), a time of day (`14:02`, `14:02 UTC`: the latest such moment that is not in
 * the future), or a duration back from now (`90m`, `2h`, `1d`, `2 hours ago`). A time without a zone is
 * UTC, as every time the bot shows starts with UTC.
 */

import { parseInstant } from './timeFormat';

export type SinceSpec =
  | { kind: 'instant'; iso: string }
  | { kind: 'timeOfDay'; hour: number; minute: number }
  | { kind: 'ago'; minutes: number };

/** Entra keeps sign-in logs 30 days with P1 or P2: an older `since` can only find nothing. */
export const MAX_SINCE_DAYS = 30;

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?\s*(z|utc|[+-]\d{2}:?\d{2})?$/i;
const TIME_OF_DAY = /^(\d{1,2}):(\d{2})\s*(?:z|utc)?$/i;
const AGO = /^(\d{1,5})\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)(?:\s+ago)?$/i;
const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440 };

/** The spec `text` names, or a sentence saying why it names none. */
export function parseSince(text: string): SinceSpec | { problem: string } {
  const t = withoutTrailingStops(text.trim());
  const example = 'e.g. since 14:02, since 2026-11-29 14:02 or since 2h';
  if (!t) return { problem: `Say since when, ${example}.` };
  const dt = DATE_TIME.exec(t);
  if (dt) {
    const [, date, h, m, s = '00', zone] = dt;
    const offset = !zone || /^(z|utc)$/i.test(zone) ? 'Z' : zone;
    const iso = `${date}T${h.padStart(2, '0')}:${m}:${s}${offset}`;
    try {
      return { kind: 'instant', iso: parseInstant(iso).toISOString() };
    } catch {
      return { problem: `${show(t)} is not a real date and time.` };
    }
  }
  const tod = TIME_OF_DAY.exec(t);
  if (tod) {
    const hour = Number(tod[1]);
    const minute = Number(tod[2]);
    if (hour > 23 || minute > 59) return { problem: `${show(t)} is not a time of day.` };
    return { kind: 'timeOfDay', hour, minute };
  }
  const ago = AGO.exec(t);
  if (ago) {
    const minutes = Number(ago[1]) * UNIT_MINUTES[ago[2][0].toLowerCase()];
    if (minutes < 1) return { problem: 'since must reach back at least one minute.' };
    return { kind: 'ago', minutes };
  }
  return { problem: `I can't read ${show(t)} as a time, ${example}.` };
}

/** The moment a spec names at `now`, or why it cannot be used (in the future, beyond the logs). */
export function resolveSince(spec: SinceSpec, now: Date): { at: Date } | { problem: string } {
  let at: Date;
  if (spec.kind === 'instant') at = new Date(spec.iso);
  else if (spec.kind === 'ago') at = new Date(now.getTime() - spec.minutes * 60_000);
  else {
    at = new Date(now);
    at.setUTCHours(spec.hour, spec.minute, 0, 0);
    if (at.getTime() > now.getTime()) at = new Date(at.getTime() - 86_400_000);
  }
  if (at.getTime() > now.getTime())
    return { problem: 'That time is in the future: there is nothing to check yet.' };
  if (now.getTime() - at.getTime() > MAX_SINCE_DAYS * 86_400_000) {
    return {
      problem: `Sign-in logs reach back ${MAX_SINCE_DAYS} days at most: give a time within the last ${MAX_SINCE_DAYS} days.`,
    };
  }
  return { at };
}

function withoutTrailingStops(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === '.' || s[end - 1] === '!')) end--;
  return s.slice(0, end).trim();
}

function show(s: string): string {
  return `"${s.length > 40 ? `${s.slice(0, 40)}…` : s}"`;
}
