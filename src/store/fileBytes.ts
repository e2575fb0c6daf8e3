import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/** What `io` gives, or undefined if the file it touches does not exist (ENOENT); other errors throw. */
export async function unlessMissing<T>(io: Promise<T>): Promise<T | undefined> {
  try {
    return await io;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** `length` bytes from `position` (fewer at the end of the file). */
export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(Math.max(0, length));
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
  return buffer.subarray(0, bytesRead);
}

/** The file's bytes from `start` to `end` (fewer if it is shorter), or undefined if there is no file. */
export async function readRange(file: string, start: number, end: number): Promise<Buffer | undefined> {
  const handle = await unlessMissing(fs.open(file, 'r'));
  if (!handle) return undefined;
  try {
    return await readAt(handle, start, end - start);
  } finally {
    await handle.close();
  }
}
