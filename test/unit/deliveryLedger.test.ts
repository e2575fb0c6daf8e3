import { ClaimTable, MemoryDeliveryLedger } from '../../src/store/deliveryLedger';

const WINDOW = 10 * 60_000;
const CLAIM = 30_000;

describe('ClaimTable (the delivery claims of one process)', () => {
  const T0 = 1_000_000;
  const table = (maxKeys = 100) => new ClaimTable({ windowMs: WINDOW, claimMs: CLAIM, maxKeys });

  it('gives a fresh message to its first delivery; keys are per conversation and activity', () => {
    const t = table();
    expect(t.take('conv|1', T0)).toBeDefined();
    expect(t.take('conv|2', T0)).toBeDefined();
    expect(t.take('other|1', T0)).toBeDefined();
  });

  it('refuses a repeat while the message is in progress, and after it is answered for the window', () => {
    const t = table();
    const held = t.take('conv|1', T0)!;
    expect(t.take('conv|1', T0 + 1000)).toBeUndefined();
    t.complete(held, T0 + 2000);
    expect(t.take('conv|1', T0 + 2000 + WINDOW - 1)).toBeUndefined();
    expect(t.take('conv|1', T0 + 2000 + WINDOW)).toBeDefined();
  });

  it('lets a repeat retry a message whose handling failed (released), and ignores the old holder after', () => {
    const t = table();
    const first = t.take('conv|1', T0)!;
    t.release(first);
    const second = t.take('conv|1', T0 + 10)!;
    expect(second).toBeDefined();
    t.complete(first, T0 + 20);
    t.release(first);
    expect(t.take('conv|1', T0 + 30)).toBeUndefined();
    t.release(second);
    expect(t.take('conv|1', T0 + 40)).toBeDefined();
  });

  it('lets a repeat take over a claim in progress once it expires; the old holder then changes nothing', () => {
    const t = table();
    const stale = t.take('conv|1', T0)!;
    expect(t.take('conv|1', T0 + CLAIM - 1)).toBeUndefined();
    const taken = t.take('conv|1', T0 + CLAIM)!;
    expect(taken).toBeDefined();
    expect(t.renew(stale, T0 + CLAIM + 1)).toBe(false);
    t.release(stale);
    t.complete(stale, T0 + CLAIM + 2);
    expect(t.take('conv|1', T0 + CLAIM + 3)).toBeUndefined();
    t.complete(taken, T0 + CLAIM + 4);
    expect(t.take('conv|1', T0 + CLAIM * 3)).toBeUndefined();
  });

  it('keeps a claim that is renewed in time', () => {
    const t = table();
    const held = t.take('conv|1', T0)!;
    for (let at = T0 + CLAIM / 2; at < T0 + 10 * CLAIM; at += CLAIM / 2) {
      expect(t.renew(held, at)).toBe(true);
      expect(t.take('conv|1', at + CLAIM - 1)).toBeUndefined();
    }
  });

  it('holds at most maxKeys keys, forgetting the oldest first, and sweeps each state by its age', () => {
    const t = table(3);
    for (const k of ['a', 'b', 'c', 'd']) t.complete(t.take(k, T0)!, T0);
    expect(t.size).toBe(3);
    // 'a' was forgotten, so a repeat of it is handled again; the others are still refused
    expect(t.take('b', T0 + 1)).toBeUndefined();
    expect(t.take('a', T0 + 1)).toBeDefined();
    t.sweep(T0 + CLAIM + 1);
    // the claim on 'a' expired in progress; 'c' and 'd' are answered and within the window
    expect(t.size).toBe(2);
    t.sweep(T0 + WINDOW + 1);
    expect(t.size).toBe(0);
  });
});

describe('MemoryDeliveryLedger', () => {
  afterEach(() => jest.useRealTimers());

  it('lets exactly one of two racing deliveries claim a message', async () => {
    const l = new MemoryDeliveryLedger({ windowMs: WINDOW, claimMs: CLAIM });
    const claims = await Promise.all([l.claim('conv|1'), l.claim('conv|1')]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    await Promise.all(claims.map((c) => c?.complete()));
  });

  it('renews the claim of a message still being handled, so a repeat never takes it over', async () => {
    jest.useFakeTimers();
    const l = new MemoryDeliveryLedger({ windowMs: WINDOW, claimMs: CLAIM });
    const claim = (await l.claim('conv|1'))!;
    for (let i = 0; i < 10; i++) {
      await jest.advanceTimersByTimeAsync(CLAIM / 2);
      expect(await l.claim('conv|1')).toBeUndefined();
    }
    await claim.release();
    const retry = await l.claim('conv|1');
    expect(retry).toBeDefined();
    await retry!.complete();
    // once answered nothing renews it, and it is still refused for the window
    await jest.advanceTimersByTimeAsync(CLAIM * 2);
    expect(await l.claim('conv|1')).toBeUndefined();
  });
});
