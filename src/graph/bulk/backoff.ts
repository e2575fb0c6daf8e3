const BACKOFF_BASE_MS = 1000;
/** the longest wait before resending a request that failed (5xx, timeout…) */
export const RETRY_BACKOFF_MAX_MS = 30_000;
/** the longest pause after a 429 that gave no Retry-After */
export const THROTTLE_BACKOFF_MAX_MS = 60_000;

/** Exponential backoff with equal jitter: half fixed, half random. `random` is in [0, 1). */
export function backoff(attempt: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
