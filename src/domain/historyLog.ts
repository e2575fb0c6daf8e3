/**
 * The audit log read so far by recentHistory, newest first. Pure.
 *
 * For one user's history, lines that cannot matter are not parsed (historyLines.ts): a line that does
 * not name the user is set aside under its request's hash, and parsed in place once the request is
 * wanted: once a line of it names the user (the request then matches), or a refusal names it (the
 * refusal may take its targets, and is whole only once the request's `requested` entry is read).
 *
 * A job's summary line (jobSummary.ts) is written after its outcome lines, so it is read before them: it
 * is parsed as soon as it is met, and from then on the request's `revoked`, `failed`, `blocked` and
 * `unblocked` lines that do not name the user are dropped unparsed (historyLines.ts, topEvent), as
 * history leaves them out of a request with a summary anyway. A 10,000-user job then costs one parse.
 *
 * A `targeted` line (requestedAudit.ts) only says that a request has more targets: it is dropped unparsed
 * unless it may name the user asked about, as history counts targets from the `requested` line.
 */

import { Buffer } from 'node:buffer';
import type { AuditEntry } from './audit';
import { type LogChunk, lineBounds, parseLine } from './auditLines';
import { type HistoryQuery, userMatch } from './history';
import { PARSE, requestIdHash, requestIdIs, SKIP, topEvent, UserLines } from './historyLines';
import { readJobSummary, SUMMARISED_EVENTS } from './jobSummary';

export class HistoryLog {
  /** lines read, parsed or not */
  lines = 0;
  /** entries, or (a number) the index of a line set aside */
  private readonly slots: (AuditEntry | number)[] = [];
  /** lines set aside: their chunk, start and end, and their entry once parsed */
  private readonly aside: {
    chunk: Buffer[];
    start: number[];
    end: number[];
    entry: AuditEntry[];
  } = {
    chunk: [],
    start: [],
    end: [],
    entry: [],
  };
  /** lines set aside, by the hash of their request id */
  private readonly asideByRequest = new Map<number, number[]>();
  private readonly wanted = new Set<number>();
  /** ids (as bytes) of the requests with a summary that reads well, by hash */
  private readonly summarisedIds = new Map<number, Buffer[]>();
  private readonly filter: UserLines | undefined;
  private readonly touches: (targets: unknown) => boolean;

  constructor(user: HistoryQuery['user']) {
    this.filter = UserLines.of(user);
    this.touches = userMatch(user).touches;
  }

  /**
   * Adds a chunk; `onEntry` sees each entry parsed from it (not those parsed later from lines set
   * aside, which do not name the user). Values that are not objects are left out: no action has them.
   */
  add(chunk: LogChunk, onEntry: (e: AuditEntry) => void): void {
    if (!Buffer.isBuffer(chunk)) {
      for (const e of chunk as readonly AuditEntry[]) this.addEntry(e, onEntry);
      this.lines += chunk.length;
      return;
    }
    const { starts, ends } = lineBounds(chunk);
    const verdicts = this.filter?.verdicts(chunk, starts, ends);
    this.lines += starts.length;
    for (let i = starts.length - 1; i >= 0; i--) {
      const verdict = verdicts ? verdicts[i] : PARSE;
      if (verdict === SKIP) continue;
      if (!this.filter && targetedLine(chunk, starts[i], ends[i])) continue;
      if (verdict !== PARSE && this.unusedLine(chunk, starts[i], ends[i], verdict)) continue;
      if (verdict === PARSE || this.wanted.has(verdict)) {
        this.addEntry(parseLine(chunk, starts[i], ends[i]), onEntry);
        continue;
      }
      const line = this.aside.chunk.push(chunk) - 1;
      this.aside.start.push(starts[i]);
      this.aside.end.push(ends[i]);
      this.slots.push(line);
      const same = this.asideByRequest.get(verdict);
      if (same) same.push(line);
      else this.asideByRequest.set(verdict, [line]);
    }
  }

  /** The entries read so far, newest first. */
  entries(): AuditEntry[] {
    const entries: AuditEntry[] = [];
    for (const s of this.slots) {
      const e = typeof s === 'number' ? this.aside.entry[s] : s;
      if (e) entries.push(e);
    }
    return entries;
  }

  /**
   * Whether a line set aside under `hash` is one history never uses, dropped: a `targeted` line, or one
   * a summary read already stands for. A summary line is parsed to learn that (and still set aside, as
   * any line of its request).
   */
  private unusedLine(chunk: Buffer, start: number, end: number, hash: number): boolean {
    const event = topEvent(chunk, start, end);
    if (event === 'targeted') return true;
    if (event === 'ended') {
      this.noteSummary(parseLine(chunk, start, end));
      return false;
    }
    const ids = this.summarisedIds.get(hash);
    return (
      !!ids &&
      event !== undefined &&
      SUMMARISED_EVENTS.has(event as AuditEntry['event']) &&
      ids.some((id) => requestIdIs(chunk, start, end, id))
    );
  }

  private noteSummary(e: AuditEntry | undefined): void {
    if (!e || typeof e.requestId !== 'string' || !e.requestId || !readJobSummary(e)) return;
    const hash = requestIdHash(e.requestId);
    const id = Buffer.from(e.requestId, 'utf8');
    const ids = this.summarisedIds.get(hash) ?? [];
    if (!ids.some((known) => known.equals(id))) this.summarisedIds.set(hash, [...ids, id]);
  }

  private addEntry(e: AuditEntry | undefined, onEntry: (e: AuditEntry) => void): void {
    if (!e || typeof e !== 'object') return;
    this.slots.push(e);
    onEntry(e);
    if (!this.filter || typeof e.requestId !== 'string' || !e.requestId) return;
    if (e.event === 'ended') this.noteSummary(e);
    if (
      e.event === 'refused' ||
      (e.event !== 'status' && e.event !== 'downloaded' && this.touches(e.targets))
    ) {
      this.want(requestIdHash(e.requestId));
    }
  }

  private want(hash: number): void {
    if (this.wanted.has(hash)) return;
    this.wanted.add(hash);
    const { chunk, start, end, entry } = this.aside;
    for (const line of this.asideByRequest.get(hash) ?? []) {
      const e = parseLine(chunk[line], start[line], end[line]);
      if (e && typeof e === 'object') entry[line] = e;
    }
    this.asideByRequest.delete(hash);
  }
}

/** Whether a line is a `targeted` line, told from its bytes (topEvent needs a line without a backslash). */
function targetedLine(chunk: Buffer, start: number, end: number): boolean {
  if (topEvent(chunk, start, end) !== 'targeted') return false;
  for (let i = start; i < end; i++) if (chunk[i] === BACKSLASH) return false;
  return true;
}

const BACKSLASH = 0x5c;
