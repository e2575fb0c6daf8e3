/**
 * At most `limit` requests per caller in each window of `windowMs` (POST /api/alerts: 60 a minute).
 * Memory is bounded by age (a window lives `windowMs`) and by count (at most `maxCallers` windows;
 * beyond that, new callers share one overflow window, so a flood of callers cannot grow the map or
 * escape the limit). Pure: times are passed in.
 */

export const OVERFLOW_CALLER = 'overflow';

export class CallerRateLimit {
  /** caller → its window, in the order the windows opened (all are equally long) */
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxCallers = 1000,
  ) {}

  get size(): number {
    return this.windows.size;
  }

  /** Counts one request of `caller` at `now`; false when it is over the limit (and is not counted). */
  allow(caller: string, now: number): boolean {
    for (const [key, w] of this.windows) {
      if (now - w.start < this.windowMs) break;
      this.windows.delete(key);
    }
    const key = this.windows.has(caller) || this.windows.size < this.maxCallers ? caller : OVERFLOW_CALLER;
    const w = this.windows.get(key);
    if (!w) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    if (w.count >= this.limit) return false;
    w.count++;
    return true;
  }

  /** Seconds until `caller` may send again (for Retry-After). */
  retryAfterSeconds(caller: string, now: number): number {
    const w = this.windows.get(caller) ?? this.windows.get(OVERFLOW_CALLER);
    return w ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 1;
  }
}
