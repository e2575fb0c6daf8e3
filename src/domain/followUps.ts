/**
 * When the bot posts a sign-out's verify result by itself (FOLLOW_UP_MINUTES). Pure.
 *
 * Each offset counts from the new valid-from, so "15" lands when apps with Continuous Access Evaluation
 * should have cut the user off, and "90" when every access token issued before has expired.
 */

export const DEFAULT_FOLLOW_UP_MINUTES: readonly number[] = [15, 90];
/** A day: sign-in logs show what happened after a sign-out within hours, and later is another incident. */
export const MAX_FOLLOW_UP_MINUTES = 24 * 60;
export const MAX_FOLLOW_UPS = 5;

/**
 * Reads FOLLOW_UP_MINUTES: offsets in minutes, comma-separated, decimals allowed (0.5 = 30 seconds, for
 * tests), each above 0 and at most a day; returned sorted without repeats. Empty means off.
 */
export function parseFollowUpMinutes(text: string): number[] | { problem: string } {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const values: number[] = [];
  for (const p of parts) {
    const n = /^\d+(?:\.\d+)?$/.test(p) ? Number(p) : NaN;
    if (!(n > 0 && n <= MAX_FOLLOW_UP_MINUTES)) {
      return {
        problem: `FOLLOW_UP_MINUTES must be minutes after the sign-out, comma-separated, each above 0 and at most ${MAX_FOLLOW_UP_MINUTES} (e.g. 15,90), or empty for none; "${p.slice(0, 20)}" is not`,
      };
    }
    values.push(n);
  }
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length > MAX_FOLLOW_UPS) {
    return { problem: `FOLLOW_UP_MINUTES takes at most ${MAX_FOLLOW_UPS} offsets` };
  }
  return sorted;
}

/** When each follow-up of a sign-out whose sessions are valid from `validFrom` is due (ISO, UTC). */
export function followUpTimes(validFrom: string, offsetsMinutes: readonly number[]): string[] {
  const from = Date.parse(validFrom);
  return offsetsMinutes.map((m) => new Date(from + Math.round(m * 60_000)).toISOString());
}

/** "15 minutes", "1 hour 30 minutes", "30 seconds": how long after the sign-out a follow-up is. */
export function offsetLabel(minutes: number): string {
  const s = Math.round(minutes * 60);
  if (s < 60) return `${s} seconds`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  const part = (n: number, unit: string) => (n ? `${n} ${unit}${n === 1 ? '' : 's'}` : '');
  return [part(h, 'hour'), part(m, 'minute')].filter(Boolean).join(' ') || '0 minutes';
}

/**
 * A follow-up the bot owes: the verify result of one user of a request (`userId`), or of a whole multi-target
 * job (no `userId`: one tenant-wide read of the window), due at `dueAt`. Kept in the store so it survives
 * restarts; an instance claims it before posting, so with several instances one posts it.
 */
export interface FollowUp {
  id: string;
  requestId: string;
  userId?: string;
  /** the valid-from it counts from (a job's: its first) */
  validFrom: string;
  offsetMinutes: number;
  dueAt: string;
  /** the instance posting it, and since when; a claim older than the lease may be taken over */
  claim?: { by: string; at: string };
  postedAt?: string;
}

/** The follow-ups of one user's sign-out, one per offset. */
export function userFollowUps(
  requestId: string,
  userId: string,
  validFrom: string,
  offsets: readonly number[],
): FollowUp[] {
  return followUpTimes(validFrom, offsets).map((dueAt, i) => ({
    id: `${requestId}.${userId}.${offsets[i]}`,
    requestId,
    userId,
    validFrom,
    offsetMinutes: offsets[i],
    dueAt,
  }));
}

/**
 * A multi-target job's one follow-up: at the last offset after its last valid-from, when every access token
 * issued before has expired, covering the window from its first valid-from.
 */
export function jobFollowUp(
  requestId: string,
  validFroms: readonly string[],
  offsets: readonly number[],
): FollowUp | undefined {
  if (offsets.length === 0 || validFroms.length === 0) return undefined;
  const times = validFroms.map((v) => Date.parse(v)).filter(Number.isFinite);
  if (times.length === 0) return undefined;
  const first = new Date(times.reduce((a, b) => Math.min(a, b))).toISOString();
  const last = new Date(times.reduce((a, b) => Math.max(a, b))).toISOString();
  const offset = offsets[offsets.length - 1];
  return {
    id: `${requestId}.job.${offset}`,
    requestId,
    validFrom: first,
    offsetMinutes: offset,
    dueAt: followUpTimes(last, [offset])[0],
  };
}

/** Whether an instance may claim the follow-up now: due, not posted, and nobody's live claim on it. */
export function claimable(f: FollowUp, now: Date, leaseMs: number): boolean {
  if (f.postedAt || Date.parse(f.dueAt) > now.getTime()) return false;
  return !f.claim || now.getTime() - Date.parse(f.claim.at) >= leaseMs;
}

/** "Follow-up 15 minutes after the sign-out" */
export function followUpHeading(offsetMinutes: number): string {
  return `Follow-up ${offsetLabel(offsetMinutes)} after the sign-out`;
}
