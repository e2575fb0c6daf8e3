import fc from 'fast-check';
import { BloomFilter } from '../../../src/domain/bloomFilter';

/** Keys as the index makes them, and strings of any kind: ASCII, graphemes, lone surrogates. */
const key = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.uuid().map((id) => `u:${id}`),
  fc.emailAddress().map((upn) => `u:${upn}`),
);

describe('BloomFilter', () => {
  it('never says "certainly not" for a key it was given', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 300 }), fc.nat({ max: 400 }), (keys, sizedFor) => {
        // sized for fewer keys than it is given, too: only the false "maybe" rate suffers
        const filter = BloomFilter.sized(sizedFor);
        for (const k of keys) filter.add(k);
        for (const k of keys) expect(filter.mayHave(k)).toBe(true);
        const copy = BloomFilter.fromBase64(filter.toBase64(), filter.probes) as BloomFilter;
        for (const k of keys) expect(copy.mayHave(k)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('says "maybe" for under 2% of absent keys when sized for its keys', () => {
    // keys as alike as the index's: user ids and UPNs, request ids differing in a digit or two
    for (const n of [1, 10, 200, 5_000]) {
      const present = Array.from({ length: n }, (_, i) => `u:user${i}@contoso.com`);
      const filter = BloomFilter.sized(n);
      for (const k of present) filter.add(k);
      const absent = Array.from({ length: 20_000 }, (_, i) =>
        i % 2 ? `u:user${n + i}@contoso.com` : `r:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      );
      const rate = absent.filter((k) => filter.mayHave(k)).length / absent.length;
      expect(rate).toBeLessThan(0.02);
    }
  });

  it('says "certainly not" to every key when empty', () => {
    const filter = BloomFilter.sized(0);
    expect(['', 'u:a', 'r:1', 'é'].some((k) => filter.mayHave(k))).toBe(false);
  });

  it('round-trips through base64, answering every key the same', () => {
    const filter = BloomFilter.sized(50);
    for (let i = 0; i < 50; i++) filter.add(`k${i}`);
    const copy = BloomFilter.fromBase64(filter.toBase64(), filter.probes) as BloomFilter;
    expect(copy).toBeInstanceOf(BloomFilter);
    expect(copy.probes).toBe(filter.probes);
    expect(Buffer.from(copy.bits)).toEqual(Buffer.from(filter.bits));
    for (let i = 0; i < 5_000; i++) expect(copy.mayHave(`k${i}`)).toBe(filter.mayHave(`k${i}`));
  });

  it('refuses what cannot be a filter', () => {
    const good = BloomFilter.sized(10).toBase64();
    for (const [bits, probes] of [
      ['', 8],
      ['not base64!', 8],
      [`${good}\n`, 8],
      [`${good}===`, 8],
      ['A', 8], // decodes to no bytes
      [42, 8],
      [undefined, 8],
      [null, 8],
      [[good], 8],
      [good, 0],
      [good, -1],
      [good, 1.5],
      [good, 33],
      [good, '8'],
      [good, Number.NaN],
      [good, Infinity],
      [good, undefined],
    ] as [unknown, unknown][]) {
      expect(BloomFilter.fromBase64(bits, probes)).toBeUndefined();
    }
    expect(BloomFilter.fromBase64(good, 1)).toBeInstanceOf(BloomFilter);
    expect(BloomFilter.fromBase64(good, 32)).toBeInstanceOf(BloomFilter);
  });
});
