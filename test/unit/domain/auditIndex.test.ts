import fc from 'fast-check';
import type { AuditEntry } from '../../../src/domain/audit';
import {
  entryKeys,
  formatSegment,
  type IndexedSegment,
  indexSegment,
  parseSegment,
  requestKey,
  segmentChain,
  segmentCuts,
  segmentHash,
  userKey,
} from '../../../src/domain/auditIndex';
import { BloomFilter } from '../../../src/domain/bloomFilter';

const at = '2026-01-01T00:00:00Z';
const actor = { id: 'admin' };
const entry = (e: Partial<AuditEntry> & Pick<AuditEntry, 'event'>) => ({ at, actor, ...e }) as AuditEntry;

describe('entryKeys', () => {
  it('keys the ids and UPNs of well-formed targets in lower case, and the request', () => {
    const e = entry({
      event: 'requested',
      requestId: 'Req-1',
      targets: [
        { id: 'U-1', upn: 'Ada@Contoso.COM', name: 'Not A Key' },
        { id: 'u-2' },
        { id: '\u212aay' }, // the Kelvin sign: its lower case is an ASCII k
      ],
    });
    expect(entryKeys(e)).toEqual(['u:u-1', 'u:ada@contoso.com', 'u:u-2', 'u:kay', 'r:Req-1']);
    // the key of a user as history asks for them
    expect(userKey('  ADA@contoso.com ')).toBe('u:ada@contoso.com');
    expect(entryKeys(e)).toContain(userKey('KAY'));
  });

  it('leaves out targets that are not well formed, as history does', () => {
    const targets: unknown = [
      null,
      'u-1',
      42,
      { upn: 'a@b.c' },
      { id: 7, upn: 'b@b.c' },
      { id: 'ok', upn: 9 },
      [],
    ];
    expect(entryKeys(entry({ event: 'revoked', targets: targets as AuditEntry['targets'] }))).toEqual([
      'u:ok',
    ]);
    expect(
      entryKeys(entry({ event: 'revoked', targets: 'u-1' as unknown as AuditEntry['targets'] })),
    ).toEqual([]);
    expect(
      entryKeys(entry({ event: 'revoked', targets: { id: 'u-1' } as unknown as AuditEntry['targets'] })),
    ).toEqual([]);
  });

  it('keys the outcome lines a summary stands for with o:, every other line of a request with r:', () => {
    for (const event of ['revoked', 'failed', 'blocked', 'unblocked'] as const) {
      expect(entryKeys(entry({ event, requestId: 'r1' }))).toEqual(['o:r1']);
    }
    for (const event of [
      'requested',
      'confirmed',
      'approved',
      'rejected',
      'cancelled',
      'expired',
      'refused',
      'ended',
      'alerted',
    ] as const) {
      expect(entryKeys(entry({ event, requestId: 'r1' }))).toEqual(['r:r1']);
    }
    expect(requestKey('r1')).toBe('r:r1');
    expect(requestKey('r1', true)).toBe('o:r1');
  });

  it('keys nothing for look-ups and downloads, which history does not read, nor for what is not an entry', () => {
    const targets = [{ id: 'u-1', upn: 'a@contoso.com' }];
    expect(entryKeys(entry({ event: 'status', requestId: 'r1', targets }))).toEqual([]);
    expect(entryKeys(entry({ event: 'downloaded', requestId: 'r1', targets }))).toEqual([]);
    for (const v of [undefined, null, 42, 'text', true]) {
      expect(entryKeys(v as unknown as AuditEntry)).toEqual([]);
    }
  });

  it('keys a request id that is not a string by its JSON, apart from string ids, and none for an empty one', () => {
    const keyOf = (requestId: unknown) =>
      entryKeys(entry({ event: 'confirmed', requestId: requestId as string }));
    expect(keyOf(7)).toEqual(['r#7']);
    expect(keyOf('7')).toEqual(['r:7']);
    expect(keyOf({ a: 1 })).toEqual(['r#{"a":1}']);
    expect(keyOf(['x'])).toEqual(['r#["x"]']);
    expect(keyOf(true)).toEqual(['r#true']);
    expect(keyOf('true')).toEqual(['r:true']);
    for (const none of ['', 0, null, false, undefined]) expect(keyOf(none)).toEqual([]);
    expect(entryKeys(entry({ event: 'revoked', requestId: 7 as unknown as string }))).toEqual(['o#7']);
  });
});

describe('segmentCuts', () => {
  /** Lines of any length, ASCII or not (a newline is never inside a UTF-8 character). */
  const lines = fc.array(
    fc.string({ unit: 'grapheme', maxLength: 80 }).map((s) => s.replace(/\n/g, ' ')),
    {
      maxLength: 60,
    },
  );

  it('cuts whole lines into segments of at least segmentBytes, leaving the rest', () => {
    fc.assert(
      fc.property(lines, fc.boolean(), fc.integer({ min: 1, max: 400 }), (ls, ended, size) => {
        const bytes = Buffer.from(ls.join('\n') + (ended && ls.length ? '\n' : ''));
        const cuts = segmentCuts(bytes, size);
        let from = 0;
        for (const cut of cuts) {
          expect(cut - from).toBeGreaterThanOrEqual(size);
          expect(bytes[cut - 1]).toBe(0x0a);
          // the first newline that makes the segment long enough: a segment is as short as it can be
          expect(bytes.subarray(from + size - 1, cut - 1).includes(0x0a)).toBe(false);
          from = cut;
        }
        // what is left cannot make a segment: too short, or no newline at or past the size
        const rest = bytes.subarray(from);
        expect(rest.length < size || !rest.subarray(size - 1).includes(0x0a)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('makes a segment of one line longer than segmentBytes, and leaves a line without its newline', () => {
    const long = 'x'.repeat(1_000);
    const bytes = Buffer.from(`a\n${long}\nb\nc`);
    expect(segmentCuts(bytes, 100)).toEqual([2 + long.length + 1]);
    expect(segmentCuts(Buffer.from(long), 10)).toEqual([]);
    expect(segmentCuts(Buffer.from(''), 10)).toEqual([]);
    // segmentBytes below 1 counts as 1: every line a segment
    expect(segmentCuts(Buffer.from('a\nb\n'), 0)).toEqual([2, 4]);
  });
});

describe('indexSegment', () => {
  it('holds the keys of every line it history reads, as JSON.parse reads them, and its byte range', () => {
    const lines = [
      JSON.stringify(
        entry({ event: 'requested', requestId: 'r1', targets: [{ id: 'u-1', upn: 'ada@contoso.com' }] }),
      ),
      // escaped by hand: the key is the parsed value
      JSON.stringify(
        entry({ event: 'revoked', requestId: 'r2', targets: [{ id: 'u-2', upn: 'bob@contoso.com' }] }),
      )
        .replace('@', '\\u0040')
        .replace('"r2"', '"\\u0072\\u0032"'),
      // a second requestId key: JSON.parse keeps the last
      `{"requestId":"r9",${JSON.stringify(entry({ event: 'confirmed', requestId: 'r3' })).slice(1)}`,
      'not json',
      '',
      JSON.stringify(entry({ event: 'status', targets: [{ id: 'u-9' }] })),
    ];
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const s = indexSegment(bytes, 1_000);
    expect(s).toMatchObject({ start: 1_000, end: 1_000 + bytes.length, hash: segmentHash(bytes) });
    // exactly these keys: a filter made of them has the same bits
    const keys = ['u:u-1', 'u:ada@contoso.com', 'r:r1', 'u:u-2', 'u:bob@contoso.com', 'o:r2', 'r:r3'];
    const expected = BloomFilter.sized(keys.length);
    for (const k of keys) expected.add(k);
    expect(s.filter.toBase64()).toBe(expected.toBase64());
    for (const k of keys) expect(s.filter.mayHave(k)).toBe(true);
  });
});

describe('segmentHash', () => {
  it('hashes every byte of the segment: logs that end alike but differ before are told apart', () => {
    const a = Buffer.from('a'.repeat(100) + 'z'.repeat(64));
    const b = Buffer.from('b'.repeat(100) + 'z'.repeat(64));
    expect(segmentHash(a)).not.toBe(segmentHash(b));
    expect(segmentHash(Buffer.from(a))).toBe(segmentHash(a));
    expect(segmentHash(Buffer.from('z'.repeat(63) + 'y'))).not.toBe(segmentHash(a));
  });
});

describe('formatSegment / parseSegment', () => {
  const segment = (start: number, end: number, keys: string[] = ['u:a']): IndexedSegment => {
    const filter = BloomFilter.sized(keys.length);
    for (const k of keys) filter.add(k);
    return { start, end, hash: 0xffffffff, filter };
  };
  const line = (s: IndexedSegment) => formatSegment(s).replace(/\n$/, '');
  const edit = (fields: Record<string, unknown>) =>
    JSON.stringify({ ...(JSON.parse(line(segment(0, 10))) as object), ...fields });

  it('reads back what it wrote, as one line', () => {
    const s = segment(65_536, 131_072, ['u:a', 'r:b']);
    const text = formatSegment(s);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.indexOf('\n')).toBe(text.length - 1);
    const back = parseSegment(text) as IndexedSegment;
    expect(back).toMatchObject({ start: 65_536, end: 131_072, hash: 0xffffffff });
    expect(back.filter.toBase64()).toBe(s.filter.toBase64());
    expect(back.filter.mayHave('u:a') && back.filter.mayHave('r:b')).toBe(true);
  });

  it('refuses a line that does not read well', () => {
    expect(parseSegment(edit({}))).toBeDefined();
    for (const bad of [
      '',
      'not json',
      'null',
      '42',
      '[]',
      line(segment(0, 10)).slice(0, -5), // torn
      edit({ v: 2 }),
      edit({ v: '1' }),
      edit({ v: undefined }),
      edit({ start: 10, end: 10 }),
      edit({ start: 11, end: 10 }),
      edit({ start: -1 }),
      edit({ start: 1.5 }),
      edit({ start: '0' }),
      edit({ end: Number.MAX_SAFE_INTEGER + 2 }),
      edit({ end: null }),
      edit({ hash: -1 }),
      edit({ hash: 0x100000000 }),
      edit({ hash: 0.5 }),
      edit({ hash: undefined }),
      edit({ bits: '' }),
      edit({ bits: 'not base64!' }),
      edit({ bits: 42 }),
      edit({ probes: 0 }),
      edit({ probes: 33 }),
      edit({ probes: 2.5 }),
      edit({ probes: undefined }),
    ]) {
      expect(parseSegment(bad)).toBeUndefined();
    }
  });
});

describe('segmentChain', () => {
  const seg = (start: number, end: number) => {
    const filter = BloomFilter.sized(1);
    filter.add(`${start}-${end}`);
    return formatSegment({ start, end, hash: start, filter }).replace(/\n$/, '');
  };
  const ranges = (chain: IndexedSegment[]) => chain.map((s) => [s.start, s.end]);

  it('takes the segments that continue the chain from the start of the log, in order', () => {
    expect(ranges(segmentChain([seg(0, 10), seg(10, 25), seg(25, 30)]))).toEqual([
      [0, 10],
      [10, 25],
      [25, 30],
    ]);
    expect(segmentChain([])).toEqual([]);
    // one that does not start at 0 cannot begin it
    expect(segmentChain([seg(10, 20)])).toEqual([]);
  });

  it('passes over duplicates from two writers, torn lines, garbage and gaps', () => {
    const lines = [
      seg(0, 10),
      seg(0, 10), // the same segment from a second process
      seg(0, 12), // another cut of it
      seg(10, 20).slice(0, 30), // torn by a crash
      '',
      'garbage',
      seg(10, 20),
      seg(25, 30), // after a gap
      seg(10, 20),
      seg(20, 25),
      seg(25, 30),
    ];
    const chain = segmentChain(lines);
    expect(ranges(chain)).toEqual([
      [0, 10],
      [10, 20],
      [20, 25],
      [25, 30],
    ]);
    // the first line that continues the chain is the one taken
    expect(chain[1].hash).toBe(10);
  });

  it('continues a chain it is given', () => {
    const first = segmentChain([seg(0, 10)]);
    expect(ranges(segmentChain([seg(0, 10), seg(10, 20)], first))).toEqual([
      [0, 10],
      [10, 20],
    ]);
  });
});
