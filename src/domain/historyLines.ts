/**
 * Which lines of the audit log can matter to `history <user>`, told from their bytes before any is
 * parsed. Pure.
 *
 * rankActions matches a user by the targets of an action's entries (object id or UPN, compared after
 * toLowerCase). So a line matters only if it names the user, or belongs to a request that another line
 * shows to involve the user (its confirmation, the outcomes of its other targets, a refusal about it).
 * Read backwards, those lines come before the line that shows the request involves the user, so each is
 * set aside under its request id until then (recentHistory).
 *
 * A line is one of:
 * - PARSE: it may name the user, or cannot be told cheaply: its bytes hold the user's id or UPN in any
 *   letter case, a backslash, `refused`, the Kelvin sign, or a requestId key not written
 *   `"requestId":"…"` with printable ASCII inside, or more than one such key;
 * - SKIP: it names neither the user nor a request, so it cannot matter;
 * - a request id (its hash): it does not name the user and belongs to that request or to none.
 *
 * Why that is enough: JSON.stringify writes every character of a string as it is except `"`, `\` and
 * control characters, which it escapes with a backslash; a line written by hand can escape any character
 * (`\u0040` for @), also with a backslash. So in a line without a backslash every string is its own
 * bytes. A target id or UPN whose lower case is an ASCII needle is made of ASCII letters in either case,
 * the needle's other characters, and Kelvin signs (the only character outside ASCII whose lower case is
 * ASCII: U+212A → k), so its bytes show the needle in some letter case or a Kelvin sign. A key can only
 * be `requestId` if its bytes are `"requestId"`, and a value written `"X"` without a backslash is X.
 * Refusals are always parsed: one about a request needs that request's lines, which makes them wanted.
 *
 * A line set aside may also be told to hold one event (topEvent): one that begins `{"at":"…","event":"E"`
 * with no other `"event"` key and no backslash. Its first key is at the top level and nothing else can
 * set `event`, so if the line is JSON at all, its entry's event is E (jobSummary.ts drops lines that
 * a request's summary stands for by this test, unparsed).
 */

import { Buffer } from 'node:buffer';
import type { HistoryQuery } from './history';

/** A line's verdict: PARSE, SKIP, or else requestIdHash of the request it belongs to (0 or more). */
export const PARSE = -1;
export const SKIP = -2;

const KEY = Buffer.from('"requestId"');
const ALWAYS_PARSE = [Buffer.from('\\'), Buffer.from('refused'), Buffer.from('\u212a')];
const QUOTE = 0x22;
const COLON = 0x3a;

/**
 * A 32-bit hash (FNV-1a) of a request id's UTF-8 bytes: lines set aside are kept by it, so that no
 * string is made per line. Two ids with one hash only make a line parsed that did not need to be.
 */
export function requestIdHash(id: string): number {
  return hashBytes(Buffer.from(id, 'utf8'), 0, Buffer.byteLength(id, 'utf8'));
}

function hashBytes(buf: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h >>> 0;
}

/** Tells which lines can matter to the history of one user. */
export class UserLines {
  private constructor(private readonly needles: readonly CaseFreeNeedle[]) {}

  /**
   * For the user of a query, as rankActions reads it (trimmed, lower case); undefined when every line
   * must be parsed: no user, or one whose id or UPN is not ASCII (its letter cases are not bytes).
   */
  static of(user: HistoryQuery['user']): UserLines | undefined {
    const wanted = (typeof user === 'string' ? [user] : (user ?? []))
      .map((u) => u.trim().toLowerCase())
      .filter(Boolean);
    if (!wanted.length || wanted.some((w) => !/^[\x20-\x7e]+$/.test(w))) return undefined;
    return new UserLines([...new Set(wanted)].map((w) => new CaseFreeNeedle(w)));
  }

  /** The verdict on each line of `buf`, whose lines are at `starts`/`ends` (see lineBounds). */
  verdicts(buf: Buffer, starts: readonly number[], ends: readonly number[]): Float64Array {
    const hits = this.hits(buf);
    const verdicts = new Float64Array(starts.length);
    let h = 0;
    let key = buf.indexOf(KEY);
    for (let i = 0; i < starts.length; i++) {
      const [start, end] = [starts[i], ends[i]];
      while (h < hits.length && hits[h] < start) h++;
      while (key >= 0 && key < start) key = buf.indexOf(KEY, start);
      if (h < hits.length && hits[h] < end) verdicts[i] = PARSE;
      else if (key < 0 || key >= end) verdicts[i] = SKIP;
      else {
        const next = buf.indexOf(KEY, key + KEY.length);
        verdicts[i] = next >= 0 && next < end ? PARSE : requestIdAt(buf, key + KEY.length, end);
        key = next;
      }
    }
    return verdicts;
  }

  /** Offsets, ascending, of every byte sequence that makes a line PARSE (but for the requestId key). */
  private hits(buf: Buffer): number[] {
    const hits: number[] = [];
    let text: string | undefined;
    for (const n of this.needles) n.findAll(buf, hits, () => (text ??= buf.toString('latin1')));
    for (const bytes of ALWAYS_PARSE) {
      for (let at = buf.indexOf(bytes); at >= 0; at = buf.indexOf(bytes, at + 1)) hits.push(at);
    }
    return hits.sort((a, b) => a - b);
  }
}

/** The hash of the request id written `:"X"` at `at`, just after the key, if X is printable ASCII; else PARSE. */
function requestIdAt(buf: Buffer, at: number, end: number): number {
  if (buf[at] !== COLON || buf[at + 1] !== QUOTE) return PARSE;
  const from = at + 2;
  let to = from;
  for (; to < end && buf[to] !== QUOTE; to++) if (buf[to] < 0x20 || buf[to] > 0x7e) return PARSE;
  return to < end ? hashBytes(buf, from, to) : PARSE;
}

const EVENT_KEY = Buffer.from('"event"');
const AT_KEY = Buffer.from('{"at":"');
const EVENT_AFTER_AT = Buffer.from(',"event":"');

/**
 * The event of the line at `start`…`end` as written by the bot, `{"at":"…","event":"E",…`, if its bytes
 * make E certain (see above); else undefined. Only for a line without a backslash (not PARSE).
 */
export function topEvent(buf: Buffer, start: number, end: number): string | undefined {
  if (start + AT_KEY.length > end) return undefined;
  if (buf.compare(AT_KEY, 0, AT_KEY.length, start, start + AT_KEY.length) !== 0) return undefined;
  const atEnd = buf.indexOf(QUOTE, start + AT_KEY.length);
  const from = atEnd + EVENT_AFTER_AT.length + 1;
  if (atEnd < 0 || from >= end) return undefined;
  if (buf.compare(EVENT_AFTER_AT, 0, EVENT_AFTER_AT.length, atEnd + 1, from) !== 0) return undefined;
  const to = buf.indexOf(QUOTE, from);
  if (to < 0 || to >= end) return undefined;
  const again = buf.indexOf(EVENT_KEY, to);
  if (again >= 0 && again < end) return undefined;
  return buf.toString('latin1', from, to);
}

/** Whether the line's one requestId key (a line of that request's hash, not PARSE) holds `id`'s bytes. */
export function requestIdIs(buf: Buffer, start: number, end: number, id: Buffer): boolean {
  const key = buf.indexOf(KEY, start);
  const from = key + KEY.length + 2;
  return (
    key >= 0 &&
    from + id.length < end &&
    buf.compare(id, 0, id.length, from, from + id.length) === 0 &&
    buf[from + id.length] === QUOTE
  );
}

/** Shorter runs without letters are too common (`@`, `.`) to search for: the chunk is read as text. */
const SHORTEST_ANCHOR = 4;

/**
 * An ASCII needle found in any letter case. When it has a run of SHORTEST_ANCHOR characters or more
 * without letters (an object id has), that run is searched as bytes (the same in every case) and each
 * find is compared letter by letter around it; else a case-insensitive pattern runs over the chunk.
 */
class CaseFreeNeedle {
  private readonly bytes: Buffer;
  private readonly anchor: Buffer | undefined;
  private readonly anchorAt: number = 0;
  private readonly pattern: RegExp | undefined;

  /** `needle`: printable ASCII, lower case */
  constructor(needle: string) {
    this.bytes = Buffer.from(needle, 'latin1');
    let best = { at: 0, length: 0 };
    for (const m of needle.matchAll(/[^a-z]+/g)) {
      if (m[0].length > best.length) best = { at: m.index ?? 0, length: m[0].length };
    }
    if (best.length >= SHORTEST_ANCHOR) {
      this.anchorAt = best.at;
      this.anchor = this.bytes.subarray(best.at, best.at + best.length);
    } else {
      // in a pattern without the u flag, a letter outside ASCII never matches an ASCII one
      this.pattern = new RegExp(needle.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'), 'gi');
    }
  }

  /** Adds to `hits` the offset of every place `buf` holds the needle, in any letter case. */
  findAll(buf: Buffer, hits: number[], text: () => string): void {
    if (this.pattern) {
      const all = text();
      this.pattern.lastIndex = 0;
      for (let m = this.pattern.exec(all); m; m = this.pattern.exec(all)) hits.push(m.index);
      return;
    }
    const anchor = this.anchor as Buffer;
    for (let a = buf.indexOf(anchor); a >= 0; a = buf.indexOf(anchor, a + 1)) {
      const at = a - this.anchorAt;
      if (at >= 0 && this.matchesAt(buf, at)) hits.push(at);
    }
  }

  private matchesAt(buf: Buffer, at: number): boolean {
    const n = this.bytes;
    if (at + n.length > buf.length) return false;
    for (let i = 0; i < n.length; i++) {
      const b = buf[at + i];
      const c = n[i];
      if (b !== c && !(c >= 0x61 && c <= 0x7a && (b | 0x20) === c)) return false;
    }
    return true;
  }
}
