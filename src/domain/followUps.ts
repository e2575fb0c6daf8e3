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
