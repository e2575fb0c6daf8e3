/**
 * Remembers keys for a while, bounded in size: "have I seen this recently?" in O(1). Used to drop
 * Teams' redelivery of a message already handled, and to keep one caller's repeated refused attempts
 * from flooding the security channel. Bounded both ways: at most maxKeys, and keys older than the
 * window are dropped as new ones come (the map is in marking order, so the oldest are first).
 */
export class RecentKeys {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True if `key` was marked within the last ttlMs; marks it either way. */
  checkAndMark(key: string): boolean {
    const t = this.now();
    const last = this.seen.get(key);
    const recent = last !== undefined && t - last < this.ttlMs;
    if (!recent) {
      this.seen.delete(key);
      this.seen.set(key, t);
      while (this.seen.size > this.maxKeys) this.seen.delete(this.seen.keys().next().value as string);
      for (const [oldest, at] of this.seen) {
        if (t - at < this.ttlMs) break;
        this.seen.delete(oldest);
      }
    }
    return recent;
  }

  /** Keys remembered now. */
  get size(): number {
    return this.seen.size;
  }
}
