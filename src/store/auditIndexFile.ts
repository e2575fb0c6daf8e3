import { promises as fs } from 'node:fs';
import {
  type IndexedSegment,
  formatSegment,
  indexSegment,
  segmentChain,
  segmentCuts,
  segmentHash,
} from '../domain/auditIndex';
import { readRange, unlessMissing } from './fileBytes';

/** Segments of at least this many bytes: about 200 lines, a filter of about 600 bytes. */
export const SEGMENT_BYTES = 64 * 1024;
/** The unindexed part of the log is read this much at a time to be cut into segments. */
const READ_BYTES = 1024 * 1024;
const RETRY_MS = 60_000;

export interface AuditIndexOptions {
  segmentBytes?: number;
  /** an index that could not be read or written: history then reads more of the log, never less */
  onError?: (err: unknown) => void;
  /** the index no longer matched the log (cut or replaced since), and was thrown away to be rebuilt */
  onDiscarded?: (d: { file: string; reason: string }) => void;
  /** after an error, how long before the index is extended again (default a minute) */
  retryMs?: number;
  now?: () => number;
}

/**
 * The audit log's index (src/domain/auditIndex.ts), kept in `<log>.index` beside the log, one segment a
 * line. It is derived data: it is extended in the background after appends, never fsynced, and thrown
 * away and rebuilt whenever it does not match the log (the log is shorter than it says, or the bytes of
 * its first or last segment differ). Only whole segments are indexed; history reads the rest whole.
 *
 * One writer per process: every change runs one after another on `work`. Two processes indexing one
 * log only write a segment twice: the reader keeps the first line that continues the chain.
 */
export class AuditIndexFile {
  private segments: IndexedSegment[] = [];
  private loaded: Promise<void> | undefined;
  private work: Promise<void> = Promise.resolve();
  private catchingUp = false;
  /** after an error: no catch-up before then, so that a broken index costs neither work nor a log line per append */
  private quietUntil = -Infinity;
  private readonly segmentBytes: number;

  constructor(
    private readonly logFile: string,
    private readonly options: AuditIndexOptions = {},
  ) {
    this.segmentBytes = Math.max(1, options.segmentBytes ?? SEGMENT_BYTES);
  }

  get file(): string {
    return `${this.logFile}.index`;
  }

  /**
   * The segments usable for a log of `size` bytes (as its reader just found it), once the log is seen to
   * still hold the last segment's bytes; none if it does not (it was cut or replaced since), which also
   * throws the index away to be rebuilt.
   */
  async usable(size: number): Promise<readonly IndexedSegment[]> {
    await this.load();
    const segments = this.segments.slice();
    const last = segments.at(-1);
    if (!last) return [];
    const problem =
      last.end > size ? `the log has ${size} bytes, the index covers ${last.end}` : await this.mismatch(last);
    if (!problem) return segments;
    // unless it was thrown away meanwhile; segments added since were cut from a log that did not match
    await this.run(async () => {
      if (this.segments.includes(last)) await this.discard(problem);
    });
    this.catchUpSoon();
    return [];
  }

  /** Indexes whatever whole segments the log has past the index, in the background. */
  catchUpSoon(): void {
    if (this.catchingUp || this.clock() < this.quietUntil) return;
    this.catchingUp = true;
    void this.load();
    void this.run(async () => {
      this.catchingUp = false;
      // an error since this was asked for (reading the index) keeps it quiet too
      if (this.clock() >= this.quietUntil) await this.catchUp();
    });
  }

  private clock(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Resolves when the work started so far has finished (for tests and the bench). */
  async settled(): Promise<void> {
    await this.load();
    for (let seen; seen !== this.work;) {
      seen = this.work;
      await seen;
    }
  }

  /** Reads the index file once, as the first job on `work`; never waited for from inside a job. */
  private load(): Promise<void> {
    return (this.loaded ??= this.run(() => this.readIndex()));
  }

  private run(job: () => Promise<void>): Promise<void> {
    const next = this.work.then(job).catch((err: unknown) => {
      this.quietUntil = this.clock() + (this.options.retryMs ?? RETRY_MS);
      this.options.onError?.(err);
    });
    this.work = next;
    return next;
  }

  private async readIndex(): Promise<void> {
    const text = await unlessMissing(fs.readFile(this.file, 'utf8'));
    if (text === undefined) return;
    this.segments = segmentChain(text.split('\n'));
    for (const s of new Set([this.segments[0], this.segments.at(-1)])) {
      const problem = s && (await this.mismatch(s));
      if (problem) return this.discard(problem);
    }
    // a torn last line (a crash mid-write) gets its newline, so the next segment is a line of its own
    if (text.length && !text.endsWith('\n')) await fs.appendFile(this.file, '\n');
  }

  /**
   * Why the log no longer holds the bytes a segment was made from, if it does not. Checked for the
   * first and last segments when the index is read, for the last before each use and each extension.
   */
  private async mismatch(s: IndexedSegment): Promise<string | undefined> {
    const bytes = await readRange(this.logFile, s.start, s.end);
    if (bytes?.length !== s.end - s.start) return `the log is shorter than its indexed part (${s.end} bytes)`;
    return segmentHash(bytes) === s.hash
      ? undefined
      : `the log's bytes ${s.start}–${s.end} are not those indexed`;
  }

  private async discard(reason: string): Promise<void> {
    this.segments = [];
    await fs.rm(this.file, { force: true });
    this.options.onDiscarded?.({ file: this.file, reason });
  }

  private async catchUp(): Promise<void> {
    const size = (await unlessMissing(fs.stat(this.logFile)))?.size;
    if (size === undefined) return;
    const last = this.segments.at(-1);
    if (last && size < last.end)
      await this.discard(`the log has ${size} bytes, the index covers ${last.end}`);
    else if (last && size - last.end >= this.segmentBytes) {
      // checked only before the index grows: an append alone costs a stat
      const problem = await this.mismatch(last);
      if (problem) await this.discard(problem);
    }
    let from = this.segments.at(-1)?.end ?? 0;
    let want = Math.max(READ_BYTES, this.segmentBytes);
    while (size - from >= this.segmentBytes) {
      const bytes = await readRange(this.logFile, from, Math.min(size, from + want));
      if (!bytes?.length) return;
      const cuts = segmentCuts(bytes, this.segmentBytes);
      if (!cuts.length) {
        // one line longer than what was read: read more, unless the rest of the log is not whole yet
        if (from + bytes.length >= size) return;
        want *= 2;
        continue;
      }
      const added: IndexedSegment[] = [];
      let at = 0;
      for (const cut of cuts) {
        added.push(indexSegment(bytes.subarray(at, cut), from + at));
        at = cut;
      }
      await fs.appendFile(this.file, added.map(formatSegment).join(''));
      for (const s of added) this.segments.push(s);
      from += at;
    }
  }
}
