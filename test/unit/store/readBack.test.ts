import fc from 'fast-check';
import { readBack } from '../../../src/store/readBack';

/** The lines of chunks given newest first, in log order (a chunk's last newline may have been taken). */
function linesOf(chunks: string[]): string[] {
  return [...chunks].reverse().flatMap((c) => (c.endsWith('\n') ? c.slice(0, -1) : c).split('\n'));
}

async function chunksOf(text: string, from: number, block: number, growTo?: number) {
  const bytes = Buffer.from(text, 'utf8');
  const reads: number[] = [];
  const read = async (at: number, n: number) => {
    reads.push(n);
    return bytes.subarray(at, at + n);
  };
  const chunks: string[] = [];
  for await (const c of readBack(read, from, bytes.length, block, growTo)) chunks.push(c.toString('utf8'));
  return { chunks, reads };
}

describe('readBack', () => {
  it('gives every line once and whole, newest chunk first, whatever the block size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/\n/g, '')),
          { maxLength: 25 },
        ),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        async (lines, lastNewline, block, growth) => {
          const text = lines.join('\n') + (lastNewline && lines.length ? '\n' : '');
          const { chunks } = await chunksOf(text, 0, block, block * growth);
          // blank lines, which every reader skips, may be dropped
          const nonBlank = (ls: string[]) => ls.filter((l) => l !== '');
          expect(nonBlank(linesOf(chunks))).toEqual(nonBlank(linesOf([text])));
        },
      ),
    );
  });

  it('reads a small block first, then twice as much each time up to the limit', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const { reads } = await chunksOf(text, 0, 16, 64);
    expect(reads.slice(0, 4)).toEqual([16, 32, 64, 64]);
    expect(Math.max(...reads)).toBe(64);
    const fixed = await chunksOf(text, 0, 16);
    expect(new Set(fixed.reads.slice(0, -1))).toEqual(new Set([16]));
  });

  it('starts at `from`, the first line after an indexed part of the log', async () => {
    const text = 'old one\nold two\nnew one\nnew two\n';
    const { chunks } = await chunksOf(text, 'old one\nold two\n'.length, 5);
    expect(linesOf(chunks)).toEqual(['new one', 'new two']);
  });
});
