import { BudgetPacer, TokenBucket } from '../../src/domain/tokenBucket';

describe('TokenBucket', () => {
  it('starts full, spends, and refills continuously up to capacity', () => {
    const b = new TokenBucket(10, 1 / 100, 0); // 10 tokens, one per 100 ms
    expect(b.take(10, 0)).toBe(true);
    expect(b.take(1, 0)).toBe(false);
    expect(b.available(250)).toBeCloseTo(2.5);
    expect(b.available(100_000)).toBe(10);
  });

  it('says how long until an amount is available, and Infinity beyond capacity', () => {
    const b = new TokenBucket(10, 1 / 100, 0, 0);
    expect(b.timeUntil(3, 0)).toBe(300);
    expect(b.take(3, 299)).toBe(false);
    expect(b.timeUntil(3, 299)).toBe(1);
    expect(b.take(3, 300)).toBe(true);
    expect(b.timeUntil(11, 300)).toBe(Infinity);
  });

  it('drains to empty and estimates the time to spend more than it holds', () => {
    const b = new TokenBucket(10, 1 / 100, 0);
    b.drain(0);
    expect(b.available(0)).toBe(0);
    expect(b.timeToSpend(50, 0)).toBe(5000);
  });

  it('rejects a bucket that could never refill', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0, 0)).toThrow(RangeError);
  });
});

describe('BudgetPacer', () => {
  const specs = { ru: { limit: 100, windowMs: 1000 }, writes: { limit: 10, windowMs: 1000 } };

  it('keeps the safety margin out of both burst and rate', () => {
    const p = new BudgetPacer(specs, 0, 0.1);
    expect(p.capacity('ru')).toBeCloseTo(90);
    expect(p.capacity('writes')).toBeCloseTo(9);
    expect(p.take({ ru: 9, writes: 9 }, 0)).toBe(true);
    // 9 writes per second at 10% margin: one write every 111.1 ms
    expect(p.timeUntil({ ru: 1, writes: 1 }, 0)).toBe(112);
  });

  it('needs every budget to afford a cost, and takes from all or none', () => {
    const p = new BudgetPacer(specs, 0);
    expect(p.take({ ru: 95, writes: 1 }, 0)).toBe(true);
    expect(p.take({ ru: 10, writes: 1 }, 0)).toBe(false);
    expect(p.available('writes', 0)).toBe(9);
    expect(p.timeUntil({ ru: 10, writes: 1 }, 0)).toBe(50);
  });

  it('holds everything back during a pause, empties the buckets, and never shortens a pause', () => {
    const p = new BudgetPacer(specs, 0);
    p.pause(5000, 0);
    p.pause(2000, 0);
    expect(p.available('ru', 0)).toBe(0);
    expect(p.timeUntil({ ru: 1, writes: 0 }, 1000)).toBe(4000);
    expect(p.take({ ru: 1, writes: 0 }, 4999)).toBe(false);
    expect(p.take({ ru: 1, writes: 0 }, 5000)).toBe(true);
  });

  it('rejects a margin outside [0, 1)', () => {
    expect(() => new BudgetPacer(specs, 0, 1)).toThrow(RangeError);
  });
});
