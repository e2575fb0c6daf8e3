import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { AuditEntry, NewAuditEntry } from '../domain/audit';
import { type LogChunk, parseLineText } from '../domain/auditLines';
import type { HistoryQuery } from '../domain/history';
import { backwardsIsCheaper, historySegments } from '../domain/historySegments';
import { AuditIndexFile, type AuditIndexOptions } from './auditIndexFile';
import { readAt, unlessMissing } from './fileBytes';
import { readBack } from './readBack';

/** What the bot needs of an audit log: this JSONL file, or an append blob (BlobAuditLog) to scale out. */
export interface AuditSink {
  init(): Promise<this>;
  append(entry: NewAuditEntry): Promise<void>;
  /** Several entries (a multi-target job's outcomes), in order, in as few writes as the sink allows. */
  appendMany(entries: readonly NewAuditEntry[]): Promise<void>;
  /** Resolves when every append started so far has finished. */
  flush(): Promise<void>;
  /** Every entry in the order it was appended; unreadable lines are skipped. */
  readAll(): Promise<AuditEntry[]>;
  /**
   * The same entries from the newest, in chunks each older than the one before, so that a reader
   * (recentHistory) can stop once it has enough: entries (newest first), or whole lines as bytes for the
   * reader to parse only those it needs (see LogChunk).
   *
   * With `about` (a user's object id and UPN, as `history <user>` asks), a sink may leave out chunks
   * that cannot matter to that user's history (AuditLog does, from its index; historySegments.ts).
   */
  readNewestFirst(about?: HistoryQuery['user']): AsyncIterable<LogChunk>;
}

/** The append half of an AuditSink: each append becomes JSON Lines, written one append after another. */
export abstract class SerialAppender {
  private tail: Promise<unknown> = Promise.resolve();

  /** `now`: the time in ms, stamped on entries that do not say when */
  constructor(protected readonly now: () => number = Date.now) {}

  append(entry: NewAuditEntry): Promise<void> {
    return this.appendMany([entry]);
  }

  appendMany(entries: readonly NewAuditEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const text = toJsonLines(entries, this.now());
    const write = this.tail.catch(() => undefined).then(() => this.write(text));
    this.tail = write;
    return write;
  }

  async flush(): Promise<void> {
    await this.tail.catch(() => undefined);
  }

  /** Writes whole lines durably; called for one append at a time. */
  protected abstract write(text: string): Promise<void>;
}

/**
 * Append-only JSON Lines audit log. Each append, of one entry or many, is one write, fsynced before the
 * call returns. A process that dies mid-append (or a full disk) leaves a torn last line without its
 * newline; the next append would glue its own line onto it and be unreadable too. So every append first
 * checks that the log ends with a newline: a torn line is cut off and kept in `audit.jsonl.torn`, a
 * complete entry that only lacks its newline gets one. Reading skips a torn line.
 */
export class AuditLog extends SerialAppender implements AuditSink {
  /** lets `history <user>` read only the parts of the log that may name the user (auditIndexFile.ts) */
  readonly index: AuditIndexFile;

  constructor(
    private readonly file: string,
    private readonly options: {
      onTornLine?: (t: TornLine) => void;
      now?: () => number;
      index?: AuditIndexOptions;
    } = {},
  ) {
    super(options.now);
    this.index = new AuditIndexFile(file, options.index);
  }

  async init(): Promise<this> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    this.index.catchUpSoon();
    return this;
  }

  protected async write(text: string): Promise<void> {
    const handle = await fs.open(this.file, 'a+');
    try {
      await this.endWithNewline(handle);
      await handle.appendFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.index.catchUpSoon();
  }

  /** Repairs a torn last line: keeps a complete entry (adds its newline), else cuts it off and keeps it aside. */
  private async endWithNewline(handle: FileHandle): Promise<void> {
    const { size } = await handle.stat();
    if (size === 0 || (await readAt(handle, size - 1, 1))[0] === NEWLINE) return;
    const start = await lastLineStart(handle, size);
    const tail = await readAt(handle, start, size - start);
    const kept = isEntry(tail);
    if (kept) {
      await handle.appendFile('\n');
    } else {
      await this.keepAside(tail, start);
      await handle.truncate(start);
    }
    await handle.sync();
    this.options.onTornLine?.({ file: this.file, tornFile: this.tornFile, bytes: tail.length, kept });
  }

  /** Appends torn bytes, as they were, under a line saying when and where they were cut. */
  private async keepAside(bytes: Buffer, offset: number): Promise<void> {
    const header = `--- ${new Date(this.now()).toISOString()}: ${bytes.length} bytes cut from the end of ${path.basename(this.file)} at byte ${offset} ---\n`;
    const aside = await fs.open(this.tornFile, 'a');
    try {
      await aside.appendFile(Buffer.concat([Buffer.from(header), bytes, Buffer.from('\n')]));
      await aside.sync();
    } finally {
      await aside.close();
    }
  }

  private get tornFile(): string {
    return `${this.file}.torn`;
  }

  async readAll(): Promise<AuditEntry[]> {
    const text = await unlessMissing(fs.readFile(this.file, 'utf8'));
    if (text === undefined) return [];
    const entries: AuditEntry[] = [];
    for (const line of text.split('\n')) pushEntry(entries, line);
    return entries;
  }

  /**
   * The log read backwards from its end, a block at a time: each chunk holds the block's whole lines as
   * bytes. Appends made while it reads are not included. With `about`, only the entries that matter to
   * that user's history, parsed, from the segments the index chooses and the part it does not cover yet.
   */
  async *readNewestFirst(
    about?: HistoryQuery['user'],
    blockBytes = READ_BACK_BYTES,
  ): AsyncGenerator<LogChunk> {
    const handle = await unlessMissing(fs.open(this.file, 'r'));
    if (!handle) return;
    try {
      const size = (await handle.stat()).size;
      const segments = asksAboutUser(about) ? await this.index.usable(size) : [];
      const indexedEnd = segments.at(-1)?.end ?? 0;
      if (!segments.length || backwardsIsCheaper(segments, about, BUSY_USER_ACTIONS, size - indexedEnd)) {
        yield* readBack((at, n) => readAt(handle, at, n), 0, size, blockBytes);
        return;
      }
      this.index.catchUpSoon();
      yield* await historySegments(
        {
          segments,
          read: (s) => readAt(handle, s.start, s.end - s.start),
          tail: () => readBack((at, n) => readAt(handle, at, n), indexedEnd, size, blockBytes),
        },
        about,
      );
    } finally {
      await handle.close();
    }
  }
}

function asksAboutUser(about: HistoryQuery['user']): boolean {
  return (typeof about === 'string' ? [about] : (about ?? [])).some((u) => u.trim() !== '');
}

/** Adds the entry a line holds; a blank or unreadable line (torn by a crash mid-append) adds nothing. */
function pushEntry(entries: AuditEntry[], line: string): void {
  const e = parseLineText(line);
  if (e !== undefined) entries.push(e);
}

/** A torn last line found before an append. */
export interface TornLine {
  file: string;
  /** where cut bytes are kept */
  tornFile: string;
  bytes: number;
  /** true: it was a whole entry and only got its newline; false: cut off into tornFile */
  kept: boolean;
}

const NEWLINE = 0x0a;
const SCAN_BYTES = 64 * 1024;
const READ_BACK_BYTES = 256 * 1024;
/**
 * The most actions `history` shows (MAX_HISTORY_COUNT): a user named in that many of the newest
 * segments is answered sooner by reading backwards than through the index (backwardsIsCheaper).
 */
const BUSY_USER_ACTIONS = 50;

/** The offset just after the last newline before `size`, or 0; read backwards, a chunk at a time. */
async function lastLineStart(handle: FileHandle, size: number): Promise<number> {
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - SCAN_BYTES);
    const at = (await readAt(handle, start, end - start)).lastIndexOf(NEWLINE);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

function isEntry(bytes: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** JSON Lines, each entry stamped `now` unless it says when; `at` comes first so a line starts {"at": */
export function toJsonLines(entries: readonly NewAuditEntry[], now: number): string {
  const at = new Date(now).toISOString();
  return entries.map((e) => JSON.stringify({ at, ...e }) + '\n').join('');
}
