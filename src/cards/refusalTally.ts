import type { RefusalAttempt, RefusalTally } from '../domain/refusalTally';
import { formatInstant, formatShortTime, formatUtc } from '../domain/timeFormat';
import type { ThreadLabel } from '../domain/types';
import { num, plural } from '../domain/wording';
import type { CardOptions } from './cardOptions';
import type { Line } from './cardText';
import refusalTallyTemplate from './refusalTally.json';
import { renderTemplate } from './template';

export interface AttemptRow {
  time: string;
  what: string;
  why: string;
  hasPlace: boolean;
  place: string;
}

export interface RefusalTallyCardData {
  title: string;
  lines: Line[];
  attemptsTitle: string;
  /** newest first: the time, what was tried, why not and where, each its own TextRun */
  attempts: AttemptRow[];
  footer: string;
}

/**
 * The wording of one caller's refused attempts in one hour. The caller's name, what they tried and the
 * places are in TextRuns; the title and counts are the bot's own and name nobody.
 */
export function refusalTallyCardData(t: RefusalTally, o: CardOptions = {}): RefusalTallyCardData {
  const end = new Date(Date.parse(t.hourStart) + 3_600_000).toISOString();
  const caller = t.caller.identified
    ? `${t.caller.name ?? t.caller.id} (${t.caller.id})`
    : `an unidentified caller (Teams account ${t.caller.id})`;
  const listed = [...t.recent].reverse();
  return {
    title: `Refused: ${plural(t.count, 'attempt')} by one caller in one hour`,
    lines: [
      { label: 'Caller', text: caller },
      { label: 'Hour', text: `${formatInstant(t.hourStart, o.zone)} to ${formatShortTime(end, o.zone)}` },
      { label: 'First', text: formatInstant(t.firstAt, o.zone) },
      { label: 'Latest', text: formatInstant(t.lastAt, o.zone) },
    ],
    attemptsTitle:
      listed.length < t.count
        ? `The latest ${num(listed.length)} of ${num(t.count)}`
        : 'Attempts, newest first',
    attempts: listed.map(attemptRow),
    footer:
      'Every attempt is in the audit log (history). Nothing was done for them. If this is not someone testing the bot, find out who holds this account.',
  };
}

/** The card of a caller's refusals in an hour, posted once and updated with each further attempt. */
export function renderRefusalTallyCard(t: RefusalTally, o: CardOptions = {}): object {
  return renderTemplate(refusalTallyTemplate, refusalTallyCardData(t, o));
}

function attemptRow(a: RefusalAttempt): AttemptRow {
  return {
    // the hour line gives the date; an attempt needs its time of day, to the second
    time: formatUtc(a.at).slice('2026-11-22 '.length),
    what: a.what,
    why: a.why,
    hasPlace: a.thread !== undefined,
    place: a.thread === undefined ? '' : placeOf(a.thread),
  };
}

function placeOf(thread: ThreadLabel | string): string {
  return typeof thread === 'string' ? thread : thread.place;
}
