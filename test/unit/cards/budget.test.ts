import { cardBytes, fitToBudget, MAX_CARD_BYTES } from '../../../src/cards/budget';
import { renderTemplate } from '../../../src/cards/template';

const list = {
  type: 'AdaptiveCard',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: '${title}' },
    { type: 'TextBlock', $data: '${items}', text: '${text}' },
    { type: 'TextBlock', $when: '${hasMore}', text: '${moreText}' },
  ],
};

/** A card with n items of about `size` bytes each, and the function that shows its first k. */
function listCard(n: number, size: number) {
  const all = Array.from({ length: n }, (_, i) => ({ text: `${i} `.padEnd(size, 'ä') }));
  const data = { title: 'List', items: all, hasMore: false, moreText: '' };
  const set = (k: number) => {
    data.items = all.slice(0, k);
    data.hasMore = k < n;
    data.moreText = `…and ${n - k} more`;
  };
  return { data, set };
}

describe('cardBytes', () => {
  it('counts the UTF-8 bytes of the JSON, as Teams does', () => {
    expect(cardBytes({ a: 'x' })).toBe(9);
    expect(cardBytes({ a: 'ä' })).toBe(10);
    expect(cardBytes({ a: '⚠' })).toBe(11);
  });
});

describe('fitToBudget', () => {
  it('leaves a card that fits as it is', () => {
    const { data, set } = listCard(10, 100);
    fitToBudget(list, data, 10, set);
    expect(data.items).toHaveLength(10);
    expect(data.hasMore).toBe(false);
  });

  it('cuts an oversized list to as many items as fit, and says how many are left out', () => {
    const { data, set } = listCard(500, 300);
    fitToBudget(list, data, 500, set);
    const k = data.items.length;
    expect(cardBytes(renderTemplate(list, data))).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(data.hasMore).toBe(true);
    expect(data.moreText).toBe(`…and ${500 - k} more`);
    // "ä" is two bytes: an item is about 630 bytes of JSON, so about 41 fit, and not one more
    expect(k).toBeGreaterThan(35);
    set(k + 1);
    expect(cardBytes(renderTemplate(list, data))).toBeGreaterThan(MAX_CARD_BYTES);
  });

  it('shows no item at all when even one does not fit', () => {
    const { data, set } = listCard(3, 20_000);
    fitToBudget(list, data, 3, set);
    expect(data.items).toEqual([]);
    expect(data.moreText).toBe('…and 3 more');
  });
});
