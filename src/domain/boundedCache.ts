/**
 * A map whose entries live `ttlMs` and of which at most `maxEntries` are kept: what traffic fills (an
 * answer per caller, say) stays bounded by count as well as by age. Entries are kept in the order they
 * were set, so the oldest go first, both when they expire and when the count is full.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value set for `key` less than ttlMs ago, if any. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() - e.at < this.ttlMs) return e.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V): void {
    const t = this.now();
    this.entries.delete(key);
    this.entries.set(key, { value, at: t });
    for (const [oldest, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && t - e.at < this.ttlMs) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
