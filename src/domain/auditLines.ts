/**
 * The audit log's JSON Lines as bytes: where each line is, and the entry it holds. Pure.
 *
 * A reader that goes backwards (recentHistory) gets the log as chunks of whole lines and parses only the
 * lines it needs (historyLines.ts says which).
 */

import { Buffer } from 'node:buffer';
import type { AuditEntry } from './audit';

/**
 * A chunk of the log read newest first: entries already parsed (newest first), or whole JSON lines as
 * bytes in log order, each ended by a newline but maybe the last.
 */
export type LogChunk = readonly AuditEntry[] | Buffer;

const NEWLINE = 0x0a;

/**
 * The entry a line holds, as `JSON.parse` gives it (a line written by hand may hold any JSON value);
 * `undefined` for a blank line or one that is not JSON (torn by a crash mid-append).
 */
export function parseLineText(text: string): AuditEntry | undefined {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as AuditEntry;
  } catch {
    return undefined;
  }
}

/** parseLineText of the line at `start`…`end` of `bytes` (UTF-8). */
export function parseLine(bytes: Buffer, start = 0, end = bytes.length): AuditEntry | undefined {
  return parseLineText(bytes.toString('utf8', start, end));
}

/** Where each line of a chunk starts and ends (the newline excluded), in log order; blank lines too. */
export function lineBounds(buf: Buffer): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let start = 0; start < buf.length;) {
    const nl = buf.indexOf(NEWLINE, start);
    const end = nl < 0 ? buf.length : nl;
    starts.push(start);
    ends.push(end);
    start = end + 1;
  }
  return { starts, ends };
}

/** A chunk's entries, newest first; unreadable lines are skipped. */
export function entriesNewestFirst(chunk: LogChunk): AuditEntry[] {
  if (!Buffer.isBuffer(chunk)) return [...(chunk as readonly AuditEntry[])];
  const { starts, ends } = lineBounds(chunk);
  const entries: AuditEntry[] = [];
  for (let i = starts.length - 1; i >= 0; i--) {
    const e = parseLine(chunk, starts[i], ends[i]);
    if (e !== undefined) entries.push(e);
  }
  return entries;
}
