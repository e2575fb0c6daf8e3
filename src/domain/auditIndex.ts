/**
 * The audit log's index: for each stretch (segment) of the log, a Bloom filter of what its lines name,
 * so that `history <user>` reads only the segments that may matter to the user (historySegments.ts)
 * instead of the whole year. Pure; src/store/auditIndexFile.ts keeps it beside the log.
 *
 * A segment's filter holds, for every line that history reads (not `status`, not `downloaded`):
 * - `u:` + the object id and the UPN of each of its targets, in lower case, as history matches a user
 *   (history.ts, userMatch);
 * - its request: `o:` + the request id for the outcome lines a job's summary stands for
 *   (jobSummary.ts, SUMMARISED_EVENTS), `r:` + the request id for every other line of a request but
 *   `targeted` lines, which history reads only when they name the user.
 *
 * The keys are made from the entries as JSON.parse reads the line, the same way history reads it, so
 * a line that names the user (however it is written: escapes, letter case) always puts the user's key
 * in its segment's filter. The index is derived from the log and can be thrown away at any time: a
 * segment is only a byte range of the log and a filter, and anything the index does not cover is read
 * whole.
 */

import { Buffer } from 'node:buffer';
import type { AuditEntry } from './audit';
import { lineBounds, parseLine } from './auditLines';
import { BloomFilter } from './bloomFilter';
import { targetList } from './historyItem';
import { SUMMARISED_EVENTS } from './jobSummary';

export interface IndexedSegment {
  /** the byte range of the log, start included, end excluded; it ends just after a newline */
  start: number;
  end: number;
  /** a hash of the segment's bytes, to tell that the log is still the one indexed */
  hash: number;
  filter: BloomFilter;
}

const FORMAT = 1;

/** The key of a user (object id or UPN) as history asks for it. */
export function userKey(idOrUpn: string): string {
  return `u:${idOrUpn.trim().toLowerCase()}`;
}

/**
 * The key of a request's lines (`r:`), or of its outcome lines a summary stands for (`o:`). A request id
 * that is not a string (a log edited by hand) is keyed by its JSON after `#`, so that request 7 and
 * request "7", which history keeps apart, have different keys.
 */
export function requestKey(requestId: unknown, outcome = false): string {
  const kind = outcome ? 'o' : 'r';
  return typeof requestId === 'string' ? `${kind}:${requestId}` : `${kind}#${JSON.stringify(requestId)}`;
}

/** The keys of one entry (see the module comment). */
export function entryKeys(e: AuditEntry | undefined): string[] {
  if (!e || typeof e !== 'object' || e.event === 'status' || e.event === 'downloaded') return [];
  const keys: string[] = [];
  for (const t of targetList(e.targets)) {
    keys.push(`u:${t.id.toLowerCase()}`);
    if (typeof t.upn === 'string') keys.push(`u:${t.upn.toLowerCase()}`);
  }
  // a `targeted` line matters only when it names the user (requestedAudit.ts)
  if (e.requestId && e.event !== 'targeted')
    keys.push(requestKey(e.requestId, SUMMARISED_EVENTS.has(e.event)));
  return keys;
}

/** The segment of `bytes` (whole lines), which starts at `start` in the log. */
export function indexSegment(bytes: Buffer, start: number): IndexedSegment {
  const { starts, ends } = lineBounds(bytes);
  const keys = new Set<string>();
  for (let i = 0; i < starts.length; i++) {
    for (const k of entryKeys(parseLine(bytes, starts[i], ends[i]))) keys.add(k);
  }
  const filter = BloomFilter.sized(keys.size);
  for (const k of keys) filter.add(k);
  return { start, end: start + bytes.length, hash: segmentHash(bytes), filter };
}

/**
 * Where to cut `bytes` (whole lines from the log's unindexed part) into segments of at least
 * `segmentBytes`: the end of each, relative to `bytes`. What is left after the last cut stays unindexed.
 */
export function segmentCuts(bytes: Buffer, segmentBytes: number): number[] {
  const cuts: number[] = [];
  let from = 0;
  while (from < bytes.length) {
    const nl = bytes.indexOf(0x0a, Math.min(bytes.length, from + Math.max(1, segmentBytes) - 1));
    if (nl < 0) break;
    cuts.push(nl + 1);
    from = nl + 1;
  }
  return cuts;
}

/** FNV-1a of a segment's bytes. */
export function segmentHash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** A segment as one line of the index file. */
export function formatSegment(s: IndexedSegment): string {
  return `${JSON.stringify({ v: FORMAT, start: s.start, end: s.end, hash: s.hash, probes: s.filter.probes, bits: s.filter.toBase64() })}\n`;
}

/** The segment a line of the index file holds, or undefined for one that does not read well. */
export function parseSegment(line: string): IndexedSegment | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || v.v !== FORMAT) return undefined;
  const { start, end, hash } = v;
  const offset = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!offset(start) || !offset(end) || start >= end || !offset(hash) || hash > 0xffffffff) return undefined;
  const filter = BloomFilter.fromBase64(v.bits, v.probes);
  return filter ? { start, end, hash, filter } : undefined;
}

/**
 * The segments that cover the log from its start without a gap, in order: each line that continues the
 * chain is taken, any other (a duplicate from a race, a torn line) is passed over.
 */
export function segmentChain(
  lines: Iterable<string>,
  from: readonly IndexedSegment[] = [],
): IndexedSegment[] {
  const chain = [...from];
  let end = chain.at(-1)?.end ?? 0;
  for (const line of lines) {
    const s = parseSegment(line);
    if (s && s.start === end) {
      chain.push(s);
      end = s.end;
    }
  }
  return chain;
}
