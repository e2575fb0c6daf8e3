/**
 * Client-side token buckets that mirror a server's throttling buckets, so that a client paces itself
 * instead of learning the limits from 429s. Pure: time is always passed in (ms).
 */

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  /**
   * @param capacity most tokens the bucket holds (the largest burst)
   * @param refillPerMs tokens added per ms, continuously
   * @param initial tokens at `now`; defaults to full
   */
  constructor(
    readonly capacity: number,
    readonly refillPerMs: number,
    now: number,
    initial = capacity,
  ) {
    if (!(capacity > 0) || !(refillPerMs > 0))
      throw new RangeError('capacity and refill rate must be positive');
    this.tokens = Math.min(capacity, Math.max(0, initial));
    this.updatedAt = now;
  }

  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** ms until `amount` tokens are available; 0 if now, Infinity if the bucket can never hold that many. */
  timeUntil(amount: number, now: number): number {
    if (amount > this.capacity) return Infinity;
    const missing = amount - this.available(now);
    return missing <= 0 ? 0 : Math.ceil(missing / this.refillPerMs);
  }

  /** ms until `amount` tokens have been spendable, when spending as fast as the bucket refills. */
  timeToSpend(amount: number, now: number): number {
    return Math.max(0, (amount - this.available(now)) / this.refillPerMs);
  }

  /** Takes `amount` tokens if available; returns whether it did. */
  take(amount: number, now: number): boolean {
    if (this.available(now) < amount) return false;
    this.tokens -= amount;
    return true;
  }

  /** Empties the bucket, e.g. when the server says its own bucket is empty. */
  drain(now: number): void {
    this.refill(now);
    this.tokens = 0;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.refillPerMs);
      this.updatedAt = now;
    }
  }
}

export interface BudgetSpec {
  /** tokens per window */
  limit: number;
  windowMs: number;
}

/**
 * Several token buckets that must all afford a cost (e.g. resource units and writes), plus a pause
 * that holds everything back (a server's Retry-After applies to the whole shared budget).
 */
export class BudgetPacer<K extends string> {
  private readonly buckets: Record<K, TokenBucket>;
  private pausedUntil = -Infinity;

  /** `margin` (0..1) is kept unused in every bucket, both in burst size and in refill rate. */
  constructor(specs: Record<K, BudgetSpec>, now: number, margin = 0) {
    if (!(margin >= 0 && margin < 1)) throw new RangeError('margin must be in [0, 1)');
    const buckets = {} as Record<K, TokenBucket>;
    for (const key of Object.keys(specs) as K[]) {
      const { limit, windowMs } = specs[key];
      const capacity = limit * (1 - margin);
      buckets[key] = new TokenBucket(capacity, capacity / windowMs, now);
    }
    this.buckets = buckets;
  }

  capacity(key: K): number {
    return this.buckets[key].capacity;
  }

  available(key: K, now: number): number {
    return this.buckets[key].available(now);
  }

  /** ms until `cost` can be taken (pause included); Infinity if some bucket can never hold it. */
  timeUntil(cost: Record<K, number>, now: number): number {
    let wait = Math.max(0, this.pausedUntil - now);
    for (const key of this.keys()) wait = Math.max(wait, this.buckets[key].timeUntil(cost[key], now));
    return wait;
  }

  /** Takes `cost` from every bucket if all can afford it and no pause is on; returns whether it did. */
  take(cost: Record<K, number>, now: number): boolean {
    if (this.timeUntil(cost, now) > 0) return false;
    for (const key of this.keys()) this.buckets[key].take(cost[key], now);
    return true;
  }

  /** Holds everything back until `until` (never shortens a longer pause) and empties every bucket. */
  pause(until: number, now: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    for (const key of this.keys()) this.buckets[key].drain(now);
  }

  pausedFor(now: number): number {
    return Math.max(0, this.pausedUntil - now);
  }

  /** Lower bound on the ms needed to spend `cost` at the paced rate. */
  timeToSpend(cost: Record<K, number>, now: number): number {
    let t = this.pausedFor(now);
    for (const key of this.keys()) t = Math.max(t, this.buckets[key].timeToSpend(cost[key], now));
    return t;
  }

  private keys(): K[] {
    return Object.keys(this.buckets) as K[];
  }
}
