/**
 * `history <user>` over an indexed audit log (auditIndex.ts): the entries that can matter to the user,
 * newest first, read from the segments that may hold them and from the log's unindexed tail. Whatever
 * else the log holds is whole actions that do not involve the user, and a summarised job's outcome lines
 * that do not name the user, which history never uses; so recentHistory gives the same answer from these
 * entries as from the whole log.
 *
 * Three steps, each reading only segments whose filter says "maybe":
 * 1. the segments that may name the user (`u:`), and the tail: the requests whose lines name the user;
 * 2. the segments that may hold other lines of those requests (`r:`): their requests, confirmations,
 *    refusals and summaries;
 * 3. for a request without a summary that reads well, the segments that may hold its outcome lines
 *    (`o:`), which history then counts one by one.
 * A refusal that names only its request is found in step 2; one that names the user, in step 1.
 *
 * Lines are told apart by their bytes first (historyLines.ts): one that cannot name the user is parsed
 * only if it belongs to one of those requests, and a summarised job's outcome lines not at all.
 */

import { Buffer } from 'node:buffer';
import type { AuditEntry } from './audit';
import { lineBounds, parseLine } from './auditLines';
import { type IndexedSegment, requestKey, userKey } from './auditIndex';
import { type HistoryQuery, userMatch } from './history';
import { PARSE, requestIdHash, requestIdIs, SKIP, topEvent, UserLines } from './historyLines';
import { readJobSummary, SUMMARISED_EVENTS } from './jobSummary';

export interface IndexedLogReader {
  /** the segments of the index, in log order, covering the log from its start */
  segments: readonly IndexedSegment[];
  /** the bytes of one segment */
  read(segment: IndexedSegment): Promise<Buffer>;
  /** what follows the last segment, newest first (whole lines, in chunks each older than the one before) */
  tail(): AsyncIterable<Buffer>;
}

/**
 * Whether reading the whole log backwards is likely cheaper for `user` than reading it through the index,
 * told from the filters alone. The backwards reader (recentHistory) stops once the newest actions are
 * known; the index reads every segment that may name the user, however old. So for a user named in at
 * least `actions` segments, it compares how far back the `actions`-th of them lies (bytes from the end,
 * the unindexed tail included) with what the index would read of those segments alone.
 */
export function backwardsIsCheaper(
  segments: readonly IndexedSegment[],
  user: HistoryQuery['user'],
  actions: number,
  tailBytes: number,
): boolean {
  const keys = [...userMatch(user).wanted].map(userKey);
  let naming = 0;
  let namingBytes = 0;
  let reach = Infinity;
  let fromEnd = tailBytes;
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i];
    fromEnd += s.end - s.start;
    if (!keys.some((k) => s.filter.mayHave(k))) continue;
    namingBytes += s.end - s.start;
    if (++naming === actions) reach = fromEnd;
  }
  return reach < namingBytes;
}

/** The entries that matter to `user`'s history, newest first, a chunk of the log at a time. */
export async function historySegments(
  log: IndexedLogReader,
  user: HistoryQuery['user'],
): Promise<AuditEntry[][]> {
  const filter = UserLines.of(user);
  const { wanted, touches } = userMatch(user);
  const tail: Lines[] = [];
  for await (const chunk of log.tail()) tail.push(new Lines(chunk, filter));
  const chosen = new Map<IndexedSegment, Lines>();
  const readSegmentsWith = async (keys: readonly string[]) => {
    for (const s of log.segments) {
      if (chosen.has(s) || !keys.some((k) => s.filter.mayHave(k))) continue;
      chosen.set(s, new Lines(await log.read(s), filter));
    }
  };
  const all = () => [...tail, ...chosen.values()];

  await readSegmentsWith([...wanted].map(userKey));
  const requests = new Requests();
  for (const lines of all()) {
    for (const e of lines.parsedEntries()) {
      if (e.event !== 'status' && e.event !== 'downloaded' && e.requestId && touches(e.targets))
        requests.add(e);
    }
  }

  await readSegmentsWith(requests.keys());
  for (const lines of all()) {
    for (const e of lines.requestEntries(requests)) if (readJobSummary(e)) requests.summarised(e.requestId);
  }

  await readSegmentsWith(requests.unsummarisedOutcomeKeys());
  const segments = [...chosen.keys()].sort((a, b) => b.start - a.start).map((s) => chosen.get(s) as Lines);
  return [...tail, ...segments].map((lines) => lines.newestFirst(requests, touches));
}

/** The requests that involve the user, and which of them have a summary that reads well. */
class Requests {
  private readonly ids = new Map<string, unknown>();
  private readonly hashes = new Map<number, Buffer[]>();
  private readonly withSummary = new Set<string>();

  add(e: AuditEntry): void {
    const key = requestKey(e.requestId);
    if (this.ids.has(key)) return;
    this.ids.set(key, e.requestId);
    if (typeof e.requestId !== 'string') return;
    const hash = requestIdHash(e.requestId);
    this.hashes.set(hash, [...(this.hashes.get(hash) ?? []), Buffer.from(e.requestId, 'utf8')]);
  }

  has(requestId: unknown): boolean {
    return !!requestId && this.ids.has(requestKey(requestId));
  }

  /** Whether a line set aside under `hash` (not naming the user) may belong to one of the requests. */
  mayOwn(hash: number): boolean {
    return this.hashes.has(hash);
  }

  /**
   * Whether that line is one history leaves out: a `targeted` line, or an outcome line of a request with
   * a summary.
   */
  unused(buf: Buffer, start: number, end: number, hash: number): boolean {
    const event = topEvent(buf, start, end);
    if (event === 'targeted') return true;
    if (!this.withSummary.size) return false;
    if (event === undefined || !SUMMARISED_EVENTS.has(event as AuditEntry['event'])) return false;
    return (this.hashes.get(hash) ?? []).some(
      (id) => this.withSummary.has(requestKey(id.toString('utf8'))) && requestIdIs(buf, start, end, id),
    );
  }

  /** Whether that line is an outcome or a `targeted` line, not needed to find the requests' summaries. */
  static outcomeLine(buf: Buffer, start: number, end: number): boolean {
    const event = topEvent(buf, start, end);
    return (
      event === 'targeted' || (event !== undefined && SUMMARISED_EVENTS.has(event as AuditEntry['event']))
    );
  }

  summarised(requestId: unknown): void {
    this.withSummary.add(requestKey(requestId));
  }

  keys(): string[] {
    return [...this.ids.keys()];
  }

  unsummarisedOutcomeKeys(): string[] {
    return [...this.ids].filter(([key]) => !this.withSummary.has(key)).map(([, id]) => requestKey(id, true));
  }
}

/** A chunk's lines, each parsed at most once, and only when it may matter. */
class Lines {
  private readonly starts: number[];
  private readonly ends: number[];
  private readonly verdicts: Float64Array | undefined;
  private readonly parsed = new Map<number, AuditEntry | undefined>();

  constructor(
    private readonly buf: Buffer,
    filter: UserLines | undefined,
  ) {
    ({ starts: this.starts, ends: this.ends } = lineBounds(buf));
    this.verdicts = filter?.verdicts(buf, this.starts, this.ends);
  }

  /** The entries of the lines that may name the user (every line, when the filter cannot tell). */
  parsedEntries(): AuditEntry[] {
    const entries: AuditEntry[] = [];
    for (let i = 0; i < this.starts.length; i++) {
      if (this.verdict(i) !== PARSE) continue;
      const e = this.entry(i);
      if (e) entries.push(e);
    }
    return entries;
  }

  /** The entries of the requests' lines that are not outcome lines. */
  requestEntries(requests: Requests): AuditEntry[] {
    const entries: AuditEntry[] = [];
    for (let i = 0; i < this.starts.length; i++) {
      const v = this.verdict(i);
      if (v === SKIP || (v !== PARSE && !requests.mayOwn(v))) continue;
      if (v !== PARSE && Requests.outcomeLine(this.buf, this.starts[i], this.ends[i])) continue;
      const e = this.entry(i);
      if (e && requests.has(e.requestId)) entries.push(e);
    }
    return entries;
  }

  /** The entries that matter, newest first: those that name the user and those of the requests. */
  newestFirst(requests: Requests, touches: (targets: unknown) => boolean): AuditEntry[] {
    const entries: AuditEntry[] = [];
    for (let i = this.starts.length - 1; i >= 0; i--) {
      const v = this.verdict(i);
      if (v === SKIP || (v !== PARSE && !requests.mayOwn(v))) continue;
      if (v !== PARSE && requests.unused(this.buf, this.starts[i], this.ends[i], v)) continue;
      const e = this.entry(i);
      if (e && (requests.has(e.requestId) || touches(e.targets))) entries.push(e);
    }
    return entries;
  }

  private verdict(i: number): number {
    return this.verdicts ? this.verdicts[i] : PARSE;
  }

  private entry(i: number): AuditEntry | undefined {
    if (this.parsed.has(i)) return this.parsed.get(i);
    const e = parseLine(this.buf, this.starts[i], this.ends[i]);
    const entry = e && typeof e === 'object' ? e : undefined;
    this.parsed.set(i, entry);
    return entry;
  }
}
