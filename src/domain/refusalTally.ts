import type { PostedNotice } from './postedNotice';
import type { Person, ThreadLabel } from './types';

/**
 * One caller's refused attempts in one clock hour (UTC), gathered into one security-channel card that
 * is updated in place, instead of a post per attempt. Every attempt is counted; the card lists the most
 * recent ones. Pure.
 */

export const REFUSAL_HOUR_MS = 3_600_000;
/** attempts the card lists (the newest); the count covers every one */
export const REFUSAL_ATTEMPTS_KEPT = 10;
/** a refusal's words and place are cut to this, so a record and its card stay small */
export const REFUSAL_TEXT_MAX = 300;

export interface RefusalAttempt {
  at: string;
  /** what the caller tried, in the bot's words: "request a sign-out" */
  what: string;
  /** why not: an authorization result, a guardrail's words, "two-person rule" */
  why: string;
  /** where it was tried */
  thread?: ThreadLabel | string;
  requestId?: string;
}

/** Who was refused: an Entra user, or (no Entra id on the activity) the Teams account id alone. */
export interface RefusedCaller {
  /** the Entra object id, else the Teams account id (`29:…`) */
  id: string;
  /** as Teams named them at the latest attempt; undefined for an unidentified caller */
  name?: string;
  identified: boolean;
}

export interface RefusalTally {
  tenantId: string;
  caller: RefusedCaller;
  /** the hour the tally covers, from this instant (ISO, UTC, on the hour) */
  hourStart: string;
  count: number;
  firstAt: string;
  lastAt: string;
  /** the newest attempts, oldest first, at most REFUSAL_ATTEMPTS_KEPT */
  recent: RefusalAttempt[];
  /** the card showing it; its version is `count` */
  notice?: PostedNotice;
}

/** The start of the clock hour (UTC) that `now` falls in, as ISO. */
export function refusalHourStart(now: Date): string {
  return new Date(Math.floor(now.getTime() / REFUSAL_HOUR_MS) * REFUSAL_HOUR_MS).toISOString();
}

/** Who an activity's refusal counts against: its Entra user, else its Teams sender. */
export function refusedCaller(caller: Person | undefined, senderId: string | undefined): RefusedCaller {
  if (caller) return { id: caller.id, name: cut(caller.name), identified: true };
  return { id: senderId || 'unknown', identified: false };
}

/**
 * The tally after one more attempt at `now`. `current` is the stored tally of the same caller and hour,
 * if any (a tally of another hour is not continued: that is another record).
 */
export function addRefusal(
  current: RefusalTally | undefined,
  tenantId: string,
  caller: RefusedCaller,
  attempt: Omit<RefusalAttempt, 'at'>,
  now: Date,
): RefusalTally {
  const at = now.toISOString();
  const entry: RefusalAttempt = {
    at,
    what: cut(attempt.what),
    why: cut(attempt.why),
    ...(attempt.thread !== undefined ? { thread: cutThread(attempt.thread) } : {}),
    ...(attempt.requestId ? { requestId: attempt.requestId } : {}),
  };
  const hourStart = refusalHourStart(now);
  const base =
    current && current.hourStart === hourStart && current.caller.id === caller.id ? current : undefined;
  const recent = [...(base?.recent ?? []), entry].slice(-REFUSAL_ATTEMPTS_KEPT);
  return {
    tenantId,
    caller: { ...caller, name: caller.name ?? base?.caller.name },
    hourStart,
    count: (base?.count ?? 0) + 1,
    firstAt: base?.firstAt ?? at,
    lastAt: at,
    recent,
    ...(base?.notice ? { notice: base.notice } : {}),
  };
}

function cut(s: string | undefined): string {
  const t = s ?? '';
  return t.length > REFUSAL_TEXT_MAX ? `${t.slice(0, REFUSAL_TEXT_MAX - 1)}…` : t;
}

function cutThread(thread: ThreadLabel | string): ThreadLabel | string {
  if (typeof thread === 'string') return cut(thread);
  return thread.link ? { place: cut(thread.place), link: thread.link } : { place: cut(thread.place) };
}
