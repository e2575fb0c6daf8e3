/**
 * A Retry-After header in ms from `now`: delay-seconds or an HTTP date (RFC 9110 §10.2.3). A date in the
 * past is 0; a value that is neither is undefined. Callers cap what they are willing to wait: this
 * says only what was asked, which may be a year.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
