import { RecentKeys } from '../../src/domain/recentKeys';

describe('RecentKeys', () => {
  it('says a key is recent within the window and forgets it after', () => {
    let now = 0;
    const keys = new RecentKeys(1000, 10, () => now);
    expect(keys.checkAndMark('a')).toBe(false);
    now = 999;
    expect(keys.checkAndMark('a')).toBe(true);
    now = 1000;
    expect(keys.checkAndMark('a')).toBe(false);
  });

  it('stays bounded, dropping the oldest keys first', () => {
    const keys = new RecentKeys(60_000, 3, () => 0);
    for (const k of ['a', 'b', 'c', 'd']) keys.checkAndMark(k);
    expect(keys.checkAndMark('a')).toBe(false);
    expect(keys.checkAndMark('d')).toBe(true);
  });

  it('forgets keys older than the window as new ones come, so a slow trickle does not fill it', () => {
    let now = 0;
    const keys = new RecentKeys(1000, 10_000, () => now);
    for (let i = 0; i < 5000; i++) {
      now += 10;
      keys.checkAndMark(`k${i}`);
    }
    // one key marked every 10 ms with a 1 s window: about 100 are within it
    expect(keys.size).toBeLessThanOrEqual(100);
    expect(keys.checkAndMark('k4999')).toBe(true);
    expect(keys.checkAndMark('k0')).toBe(false);
  });
});
