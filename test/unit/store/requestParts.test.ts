import { MemoryStorage } from 'botbuilder';
import { INLINE_ITEMS, PART_ITEMS, PartReader, planList } from '../../../src/store/requestParts';

const items = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ n: from + i }));

describe('planList', () => {
  it('keeps a list that did not change, inline or in parts', () => {
    const list = items(3);
    expect(planList('r', { inline: list }, list, list)).toEqual({
      stored: { inline: list },
      write: new Map(),
      drop: [],
    });
    const big = items(PART_ITEMS + 1);
    const plan = planList('r', { parts: ['a', 'b'] }, big, big, 1);
    expect(plan).toEqual({ stored: { parts: ['a', 'b'] }, write: new Map(), drop: [] });
  });

  it('keeps a short list inline and moves a long one into full parts', () => {
    expect(planList('r', { inline: [] }, [], items(INLINE_ITEMS)).stored).toEqual({
      inline: items(INLINE_ITEMS),
    });
    const long = items(2 * PART_ITEMS + 5);
    const plan = planList('r', { inline: [] }, [], long);
    expect([...plan.write.values()].map((p) => p.length)).toEqual([PART_ITEMS, PART_ITEMS, 5]);
    expect(plan.stored).toEqual({ parts: [...plan.write.keys()] });
    expect([...plan.write.values()].flat()).toEqual(long);
    for (const key of plan.write.keys()) expect(key).toMatch(/^requestpart\/r\/[0-9a-f-]{36}$/);
  });

  it('refills a last part that is not full, writing only it and what is new', () => {
    const current = items(PART_ITEMS + 10);
    const next = [...current, ...items(20, current.length)];
    const plan = planList('r', { parts: ['full', 'last'] }, current, next, 10);
    expect(plan.drop).toEqual(['last']);
    expect(plan.write.size).toBe(1);
    const [key, written] = [...plan.write][0];
    expect(written).toEqual(next.slice(PART_ITEMS));
    expect(plan.stored).toEqual({ parts: ['full', key] });
  });

  it('starts a new part after a full one, and does not refill a part whose size it does not know', () => {
    const current = items(PART_ITEMS);
    const next = [...current, ...items(3, PART_ITEMS)];
    const plan = planList('r', { parts: ['full'] }, current, next, PART_ITEMS);
    expect(plan.drop).toEqual([]);
    expect([...plan.write.values()]).toEqual([next.slice(PART_ITEMS)]);
    const unknown = planList('r', { parts: ['a', 'b'] }, current, next, 0);
    expect(unknown.drop).toEqual([]);
    expect(unknown.stored).toEqual({ parts: ['a', 'b', ...unknown.write.keys()] });
  });

  it('writes a list anew when it is not the current one grown, and drops the old parts', () => {
    const current = items(PART_ITEMS + 1);
    const copied = current.map((x) => ({ ...x })); // equal, but not the same objects
    const plan = planList('r', { parts: ['a', 'b'] }, current, [...copied, { n: -1 }], 1);
    expect(plan.drop).toEqual(['a', 'b']);
    expect([...plan.write.values()].flat()).toEqual([...copied, { n: -1 }]);
    expect(planList('r', { parts: ['a', 'b'] }, current, items(2), 1)).toEqual({
      stored: { inline: items(2) },
      write: new Map(),
      drop: ['a', 'b'],
    });
  });
});

describe('PartReader', () => {
  it('reads parts written by another reader, and a request larger than its cache', async () => {
    const storage = new MemoryStorage();
    const writer = new PartReader(storage);
    const plan = planList('r', { inline: [] }, [], items(5 * PART_ITEMS + 7));
    await writer.write(plan.write);
    const small = new PartReader(storage, PART_ITEMS);
    expect(await small.items(plan.stored)).toEqual(items(5 * PART_ITEMS + 7));
    expect(await small.items(plan.stored)).toEqual(items(5 * PART_ITEMS + 7));
  });

  it('answers undefined when a part is missing, and forgets dropped parts', async () => {
    const storage = new MemoryStorage();
    const reader = new PartReader(storage);
    const plan = planList('r', { inline: [] }, [], items(PART_ITEMS * 2));
    await reader.write(plan.write);
    const [first] = plan.write.keys();
    await reader.drop([first]);
    expect(await storage.read([first])).toEqual({});
    expect(await reader.items(plan.stored)).toBeUndefined();
    expect(reader.sizeOf(first)).toBe(0);
  });
});
