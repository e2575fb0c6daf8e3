const NEWLINE = 0x0a;

/**
 * Bytes `from` (a line's start) to `to` of a log, read backwards with `read`, `blockBytes` at a time,
 * or, with `growTo`, `blockBytes` first and twice as much each time after, up to `growTo` (a reader that
 * stops early then fetches little, one that reads on makes few requests). Each chunk holds its block's
 * whole lines (a line split between blocks is carried to the next one). Lines are cut at newline
 * bytes, which never occur inside a UTF-8 character; a last line without its newline is given as it is,
 * for the reader to parse or skip.
 */
export async function* readBack(
  read: (position: number, length: number) => Promise<Buffer>,
  from: number,
  to: number,
  blockBytes: number,
  growTo = blockBytes,
): AsyncGenerator<Buffer> {
  let end = to;
  let carry: Buffer = Buffer.alloc(0); // the start of a line whose end was in the block after
  for (let size = blockBytes; end > from; size = Math.min(growTo, size * 2)) {
    const start = Math.max(from, end - size);
    const block = await read(start, end - start);
    const data = carry.length ? Buffer.concat([block, carry]) : block;
    end = start;
    if (start === from) {
      if (data.length) yield data;
      break;
    }
    const firstNewline = data.indexOf(NEWLINE);
    carry = firstNewline < 0 ? data : data.subarray(0, firstNewline);
    if (firstNewline >= 0 && firstNewline + 1 < data.length) yield data.subarray(firstNewline + 1);
  }
}
