import { BoundedCache } from '../../../src/domain/boundedCache';

describe('BoundedCache', () => {
  it('answers within the time to live and forgets after', () => {
    let now = 0;
    const cache = new BoundedCache<boolean>(1000, 10, () => now);
    cache.set('a', true);
    now = 999;
    expect(cache.get('a')).toBe(true);
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest first', () => {
    const cache = new BoundedCache<number>(60_000, 3, () => 0);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) cache.set(k, i);
    expect(cache.size).toBe(3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('d')).toBe(3);
  });

  it('drops expired entries as new ones come, so a stream of callers never fills it', () => {
    let now = 0;
    const cache = new BoundedCache<number>(1000, 10_000, () => now);
    for (let i = 0; i < 5000; i++) {
      now += 10;
      cache.set(`caller-${i}`, i);
    }
    expect(cache.size).toBeLessThanOrEqual(100);
    expect(cache.get('caller-4999')).toBe(4999);
  });

  it('renews an entry that is set again', () => {
    let now = 0;
    const cache = new BoundedCache<string>(1000, 2, () => now);
    cache.set('a', 'old');
    now = 500;
    cache.set('b', 'b');
    cache.set('a', 'new');
    cache.set('c', 'c');
    expect(cache.get('a')).toBe('new');
    expect(cache.get('b')).toBeUndefined();
  });
});
