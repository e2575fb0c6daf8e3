/**
 * Remembers keys for a while, bounded in size: "have I seen this recently?" in O(1). Used to drop
 * Teams' redelivery of a message already handled, and to keep one caller's repeated refused attempts
 * from flooding the security channel.
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
    }
    return recent;
  }
}
