/**
 * When a scheduled sign-out starts: the typed `at <when>` (a WhenSpec) read against the clock and the
 * requester's Teams time zone. Pure; the clock is a parameter.
 *
 * Refused, with the reason: a time in the past, one more than 30 days ahead, a clock time without a
 * zone when Teams did not send the requester's, and a local time the zone's clocks skip (daylight saving
 * time starts) or show twice (it ends). A wrong hour at a cutover is worse than a question, so the bot
 * never guesses which of two 02:30s was meant.
 */

import type { WhenSpec } from './command';
import {
  canonicalZone,
  formatClock,
  formatDate,
  instantsOf,
  nextDay,
  wallAsUtcMs,
  wallTimeAt,
  type WallTime,
} from './zonedTime';

export const MAX_SCHEDULE_DAYS = 30;
const MINUTE_MS = 60_000;
const MAX_AHEAD_MS = MAX_SCHEDULE_DAYS * 24 * 60 * MINUTE_MS;

/** Where the zone a time was read in came from: typed after it, the requester's Teams client, or none needed. */
export type ZoneSource = 'typed' | 'teams' | 'relative';

export interface ResolvedWhen {
  ok: true;
  at: Date;
  /** the zone the time was read in ('UTC' for `in 45m`) */
  zone: string;
  zoneFrom: ZoneSource;
}

export type WhenResolution = ResolvedWhen | { ok: false; problem: string };

const fail = (problem: string): WhenResolution => ({ ok: false, problem });

/**
 * The instant `spec` names, now. `requesterZone` is the activity's `localTimezone` (any spelling);
 * without a valid one, a clock time needs a typed zone.
 */
export function resolveWhen(spec: WhenSpec, now: Date, requesterZone?: string): WhenResolution {
  if (spec.kind === 'relative') {
    if (!(spec.minutes >= 1)) return fail('Give a time at least one minute from now, e.g. in 45m.');
    return inRange(new Date(now.getTime() + spec.minutes * MINUTE_MS), now, 'UTC', 'relative', spec);
  }
  const typed = spec.zone !== undefined;
  const zone = typed ? canonicalZone(spec.zone!) : requesterZone ? canonicalZone(requesterZone) : undefined;
  if (!zone) {
    return fail(
      typed
        ? `I don't know the time zone "${spec.zone}". Use an IANA name like Europe/Berlin or America/New_York, or UTC.`
        : `Teams did not tell me your time zone, so I can't tell when ${formatClock(spec)} is. ` +
            `Add a zone: at ${formatClock(spec)} UTC, or at ${formatClock(spec)} Europe/Berlin.`,
    );
  }
  const from: ZoneSource = typed ? 'typed' : 'teams';
  if (spec.kind === 'date') {
    const wall: WallTime = spec;
    const found = single(zone, wall);
    if (!found.ok) return found;
    return inRange(found.at, now, zone, from, spec);
  }
  // the next time the zone's clock shows hour:minute: today, else tomorrow
  const today = wallTimeAt(zone, now);
  let day: WallTime = { ...today, hour: spec.hour, minute: spec.minute };
  for (let i = 0; i < 3; i++, day = nextDay(day)) {
    const instants = instantsOf(zone, day);
    if (instants.length > 0 && instants[instants.length - 1] <= now) continue;
    if (instants.length === 0 && wallAsUtcMs(day) < wallAsUtcMs(today)) continue;
    const found = single(zone, day);
    if (!found.ok) return found;
    return inRange(found.at, now, zone, from, spec);
  }
  return fail(`I could not find when ${formatClock(spec)} next comes in ${zone}.`);
}

/** The one instant of a local time, or why there is not exactly one. */
function single(zone: string, wall: WallTime): { ok: true; at: Date } | { ok: false; problem: string } {
  const instants = instantsOf(zone, wall);
  const when = `${formatClock(wall)} on ${formatDate(wall)}`;
  if (instants.length === 0) {
    return {
      ok: false,
      problem:
        `${when} does not exist in ${zone}: the clocks skip it when daylight saving time starts. ` +
        'Pick another time, or give it in UTC.',
    };
  }
  if (instants.length > 1) {
    return {
      ok: false,
      problem:
        `${when} happens twice in ${zone}, because the clocks go back when daylight saving time ends ` +
        `(at ${instants.map(utcClock).join(' UTC and at ')} UTC). Give the time in UTC so I know which one.`,
    };
  }
  return { ok: true, at: instants[0] };
}

function inRange(at: Date, now: Date, zone: string, zoneFrom: ZoneSource, spec: WhenSpec): WhenResolution {
  if (at.getTime() <= now.getTime()) {
    return fail(
      spec.kind === 'date'
        ? `${utcText(at)} is in the past (it is ${utcText(now)} now). Give a time in the future.`
        : 'That time is not in the future.',
    );
  }
  if (at.getTime() - now.getTime() > MAX_AHEAD_MS) {
    return fail(
      `${utcText(at)} is more than ${MAX_SCHEDULE_DAYS} days ahead; I schedule sign-outs up to ` +
        `${utcText(new Date(now.getTime() + MAX_AHEAD_MS))}.`,
    );
  }
  return { ok: true, at, zone, zoneFrom };
}

function utcClock(d: Date): string {
  return d.toISOString().slice(11, 16);
}

/** '2026-12-05 18:00 UTC' */
function utcText(d: Date): string {
  return `${d.toISOString().slice(0, 10)} ${utcClock(d)} UTC`;
}
