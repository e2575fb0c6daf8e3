import fc from 'fast-check';
import { entriesNewestFirst } from '../../../src/domain/auditLines';
import { blobLines } from '../../../src/store/blobAuditLog';
import { readBack } from '../../../src/store/readBack';

/** The blob back-end's readAll over one text: its own parser, the reference for readNewestFirst. */
function readAllOf(text: string): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const parse = (t: string) => {
      try {
        const v: unknown = JSON.parse(t);
        return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
      } catch {
        return undefined;
      }
    };
    const e = parse(line) ?? parse(line.slice(Math.max(0, line.lastIndexOf('{"at":'))));
    if (e) out.push(e);
  }
  return out;
}

async function newestFirst(text: string, blockBytes: number): Promise<unknown[]> {
  const bytes = Buffer.from(text, 'utf8');
  const read = async (at: number, n: number) => bytes.subarray(at, at + n);
  const entries: unknown[] = [];
  for await (const chunk of readBack(read, 0, bytes.length, blockBytes)) {
    entries.push(...entriesNewestFirst(blobLines(chunk)));
  }
  return entries;
}

const entry = (n: number) =>
  JSON.stringify({ at: `2026-11-30T07:00:${String(n % 60).padStart(2, '0')}Z`, event: 'status', n });

describe('blobLines: the blob log read backwards gives what readAll gives', () => {
  it('leaves a chunk of ordinary lines as it is, without a copy', () => {
    const chunk = Buffer.from(`${entry(1)}\n${entry(2)}\n  ${entry(3)}\n\n`);
    expect(blobLines(chunk)).toBe(chunk);
  });

  it('recovers an entry glued to a torn line, and drops lines that are not entries', async () => {
    const text = [
      entry(1),
      'not json at all',
      '[1,2]',
      '42',
      '"text"',
      `{"at":"2026-11-22T12:00:00.000Z","event":"conf${entry(2)}`,
      `\u00a0${entry(3)}`,
      entry(4),
      '{"at":"2026-11-22T12:00:00.000Z","event":"conf',
    ].join('\n');
    const got = await newestFirst(text, 64);
    expect(got.map((e) => (e as { n: number }).n)).toEqual([4, 3, 2, 1]);
    expect(got).toEqual(readAllOf(text).reverse());
  });

  it('agrees with readAll on any text, however it is cut into blocks', async () => {
    const piece = fc.oneof(
      fc.nat(99).map(entry),
      fc.constantFrom(
        '',
        ' ',
        'not json',
        '[1]',
        'null',
        '{"at":',
        '{"a":1}',
        '{"at":"x"}{"at":"y"}',
        '\u00a0',
      ),
      fc.string(),
      fc.tuple(fc.string(), fc.nat(99)).map(([junk, n]) => `${junk}${entry(n)}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 30 }),
        fc.integer({ min: 1, max: 200 }),
        async (lines, block) => {
          const text = lines.join('\n');
          expect(await newestFirst(text, block)).toEqual(readAllOf(text).reverse());
        },
      ),
    );
  });
});
