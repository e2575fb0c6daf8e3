import type { AppendBlobClient, ContainerClient } from '@azure/storage-blob';
import { type AuditEntry } from '../domain/audit';
import { lineBounds } from '../domain/auditLines';
import { type AuditSink, SerialAppender } from './auditLog';
import { readBack } from './readBack';

/** The first segment keeps the file back-end's name; later ones are audit.000001.jsonl, … */
const SEGMENT = /^audit(?:\.(\d{6}))?\.jsonl$/;
const MAX_APPEND_ATTEMPTS = 5;
/**
 * Lines are packed into blocks of up to 4 MiB, Azure's limit before service version 2022-11-02; a
 * longer line (the request entry of `all` in a large tenant) goes alone, up to the current 100 MiB.
 */
const PACKED_BLOCK_BYTES = 4 * 1024 * 1024;
const MAX_BLOCK_BYTES = 100 * 1024 * 1024;
/**
 * readNewestFirst downloads 256 KiB of a segment's end first (enough for `history 50`), then twice as
 * much each time, up to 4 MiB a download.
 */
const FIRST_READ_BYTES = 256 * 1024;
const READ_BACK_BYTES = 4 * 1024 * 1024;

export interface BlobAuditLogOptions {
  /**
   * Start a new segment before one grows past this many bytes. Unset: only when Azure refuses more
   * blocks (50,000 per append blob). Tests set it small to exercise the roll-over; with it, a smaller
   * entry may still land in a segment another instance has left, so order across segments is approximate.
   */
  maxSegmentBytes?: number;
  /** How many bytes of lines to pack into one block; default 4 MiB. Tests set it small. */
  packedBlockBytes?: number;
  /** the time in ms, stamped on entries that do not say when (default Date.now) */
  now?: () => number;
}

/**
 * The audit log as JSON Lines in Azure append blobs, for several bot instances at once: each append is
 * one Append Block (a long appendMany, several, each of whole lines), which Azure commits atomically
 * and in order, so concurrent writers never tear a line and a resolved append is durable. An append
 * blob takes at most 50,000 blocks; then every writer moves to the next segment (which only grows once
 * the previous one is full, so the order across segments holds). A retry after a lost response may
 * write entries twice: at least once.
 */
export class BlobAuditLog extends SerialAppender implements AuditSink {
  private segment = 0;

  constructor(
    private readonly container: ContainerClient,
    private readonly options: BlobAuditLogOptions = {},
  ) {
    super(options.now);
  }

  async init(): Promise<this> {
    await this.container.createIfNotExists();
    const segments = await this.segments();
    this.segment = segments.length ? segments[segments.length - 1] : 0;
    await this.blob(this.segment).createIfNotExists();
    return this;
  }

  protected async write(text: string): Promise<void> {
    for (const block of packLines(text, this.packLimit())) await this.appendBlock(block);
  }

  async readAll(): Promise<AuditEntry[]> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.bytes()) chunks.push(chunk);
    return parseLines(Buffer.concat(chunks).toString('utf8'));
  }

  /**
   * Newest first: each segment read backwards from its end in ranged downloads (FIRST_READ_BYTES,
   * growing to READ_BACK_BYTES), as chunks of whole lines (bytes) for the reader to parse only what it
   * needs. A reader that stops early (`history 50`, `unblock`) downloads only the end of the log. Lines
   * are given as readAll reads them (blobLines).
   */
  async *readNewestFirst(): AsyncGenerator<Buffer> {
    for (const n of (await this.segments()).reverse()) {
      const blob = this.blob(n);
      let size: number;
      try {
        size = (await blob.getProperties()).contentLength ?? 0;
      } catch (err) {
        if ((err as { statusCode?: unknown } | null)?.statusCode === 404) continue;
        throw err;
      }
      const read = (at: number, count: number) => blob.downloadToBuffer(at, count);
      for await (const chunk of readBack(read, 0, size, FIRST_READ_BYTES, READ_BACK_BYTES))
        yield blobLines(chunk);
    }
  }

  /**
   * The log's bytes, segment after segment, as they download: for exports of any size. A segment
   * holds whole lines, and a newline is added after one that does not end with one.
   */
  async *bytes(): AsyncGenerator<Buffer> {
    for (const n of await this.segments()) {
      let body: NodeJS.ReadableStream | undefined;
      try {
        body = (await this.blob(n).download()).readableStreamBody;
      } catch (err) {
        if ((err as { statusCode?: unknown } | null)?.statusCode === 404) continue;
        throw err;
      }
      let last = 0x0a;
      for await (const chunk of body ?? []) {
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        if (bytes.length) last = bytes[bytes.length - 1];
        yield bytes;
      }
      if (last !== 0x0a) yield Buffer.from('\n');
    }
  }

  /** Whether the container holds a segment of the log. */
  async exists(): Promise<boolean> {
    return (await this.segments()).length > 0;
  }

  private packLimit(): number {
    const { maxSegmentBytes, packedBlockBytes = PACKED_BLOCK_BYTES } = this.options;
    return Math.min(packedBlockBytes, maxSegmentBytes ?? Infinity);
  }

  private async appendBlock(body: Buffer): Promise<void> {
    const { maxSegmentBytes } = this.options;
    const limit = Math.min(MAX_BLOCK_BYTES, maxSegmentBytes ?? Infinity);
    if (body.length > limit) {
      throw new Error(`audit entry of ${body.length} bytes exceeds the largest block (${limit} bytes)`);
    }
    const conditions = maxSegmentBytes ? { conditions: { maxSize: maxSegmentBytes } } : {};
    for (let attempt = 1; ; attempt++) {
      const blob = this.blob(this.segment);
      try {
        await blob.appendBlock(body, body.length, conditions);
        return;
      } catch (err) {
        const code = errorCode(err);
        if (attempt >= MAX_APPEND_ATTEMPTS) throw err;
        if (code === 'BlobNotFound') {
          // deleted under us: recreate it
          await blob.createIfNotExists();
        } else if (code === 'BlockCountExceedsLimit' || code === 'MaxBlobSizeConditionNotMet') {
          // full: join the newest segment, or start the next one
          const newest = (await this.segments()).pop() ?? 0;
          this.segment = newest > this.segment ? newest : this.segment + 1;
          await this.blob(this.segment).createIfNotExists();
        } else {
          throw err;
        }
      }
    }
  }

  /** Segment numbers present in the container, ascending. */
  private async segments(): Promise<number[]> {
    const found: number[] = [];
    for await (const item of this.container.listBlobsFlat({ prefix: 'audit.' })) {
      const m = SEGMENT.exec(item.name);
      if (m) found.push(m[1] ? Number(m[1]) : 0);
    }
    return found.sort((a, b) => a - b);
  }

  private blob(n: number): AppendBlobClient {
    return this.container.getAppendBlobClient(
      n === 0 ? 'audit.jsonl' : `audit.${String(n).padStart(6, '0')}.jsonl`,
    );
  }
}

/** JSON Lines cut into blocks of whole lines, each of at most `limit` bytes or a single longer line. */
export function packLines(text: string, limit: number): Buffer[] {
  const blocks: Buffer[] = [];
  let pending: Buffer[] = [];
  let size = 0;
  for (const line of text.split(/(?<=\n)/)) {
    const bytes = Buffer.from(line, 'utf8');
    if (size > 0 && size + bytes.length > limit) {
      blocks.push(Buffer.concat(pending));
      pending = [];
      size = 0;
    }
    pending.push(bytes);
    size += bytes.length;
  }
  if (pending.length) blocks.push(Buffer.concat(pending));
  return blocks;
}

/**
 * Parses JSON Lines, skipping what is not an entry. Every entry starts with {"at": (written first), so
 * a line glued to a foreign line without a newline is recovered from its last {"at":.
 */
function parseLines(text: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    const e = entryOf(line);
    if (e) entries.push(e);
  }
  return entries;
}

function entryOf(line: string): AuditEntry | undefined {
  return lineEntry(line)?.entry;
}

/** The entry a line holds, and its text: the line, or what follows its last {"at": (glued to a torn line). */
function lineEntry(line: string): { entry: AuditEntry; text: string } | undefined {
  if (!line.trim()) return undefined;
  for (const text of [line, line.slice(Math.max(0, line.lastIndexOf(AT_KEY)))]) {
    const entry = tryParse(text);
    if (entry) return { entry, text };
  }
  return undefined;
}

const AT_KEY = '{"at":';
const AT_KEY_BYTES = Buffer.from(AT_KEY);
const NEWLINE = Buffer.from('\n');

/**
 * A chunk of whole lines as readAll reads them, for a reader that parses lines one by one (JSON.parse,
 * no recovery): a line that might read otherwise here — one that does not start with `{`, or holds a
 * second `{"at":` (glued to a torn line) — is parsed now and replaced by its entry's line, or dropped.
 * Other lines are left as bytes: JSON.parse reads them the same way readAll does. The chunk is copied
 * only when such a line is found, which the bot never writes.
 */
export function blobLines(chunk: Buffer): Buffer {
  const lines: Buffer[] = [];
  let changed = false;
  const { starts, ends } = lineBounds(chunk);
  for (let i = 0; i < starts.length; i++) {
    const line = chunk.subarray(starts[i], ends[i]);
    if (!suspect(line)) {
      lines.push(line);
      continue;
    }
    changed = true;
    const text = lineEntry(line.toString('utf8'))?.text;
    if (text !== undefined) lines.push(Buffer.from(text, 'utf8'));
  }
  return changed ? Buffer.concat(lines.flatMap((l) => [l, NEWLINE])) : chunk;
}

function suspect(line: Buffer): boolean {
  let first = 0;
  while (first < line.length && (line[first] === 0x20 || line[first] === 0x09 || line[first] === 0x0d))
    first++;
  if (first === line.length) return false;
  return line[first] !== 0x7b || line.indexOf(AT_KEY_BYTES, first + 1) >= 0;
}

function tryParse(line: string): AuditEntry | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as AuditEntry)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The storage service's error code (x-ms-error-code), e.g. BlobNotFound. */
function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
