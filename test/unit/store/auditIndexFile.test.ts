import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NewAuditEntry } from '../../../src/domain/audit';
import {
  formatSegment,
  type IndexedSegment,
  indexSegment,
  segmentChain,
  segmentCuts,
} from '../../../src/domain/auditIndex';
import type { LogChunk } from '../../../src/domain/auditLines';
import { buildHistory, type HistoryQuery } from '../../../src/domain/history';
import { recentHistory } from '../../../src/domain/recentHistory';
import { AuditLog } from '../../../src/store/auditLog';

const SEGMENT_BYTES = 256;

async function tempFile(): Promise<string> {
  return path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'signout-index-')), 'audit.jsonl');
}

const admin = { id: 'admin', name: 'Ada Admin' };
const person = (i: number) => ({ id: `u-${i}`, upn: `user${i}@contoso.com` });
const ASKED_ABOUT: HistoryQuery['user'][] = [
  'u-1',
  'USER2@CONTOSO.COM',
  ['u-3', 'user3@contoso.com'],
  'u-7',
  'nobody',
];

/**
 * `n` actions as the bot writes them, one a minute from `minute`: requests of a user or two (`tag`
 * decides whom, so that two logs of the same length name different users), confirmations, jobs of
 * several users with their summary, refusals about requests, look-ups, blocks.
 */
function story(n: number, tag = 0, minute = 0): NewAuditEntry[] {
  const at = (i: number) =>
    new Date(Date.parse('2026-01-01T00:00:00Z') + (minute + i) * 60_000).toISOString();
  const entries: NewAuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    const k = minute + i;
    const id = `r-${tag}-${k}`;
    const a = person((k * 7 + tag) % 9);
    const b = person((k * 5 + tag + 1) % 9);
    switch (k % 6) {
      case 0:
        entries.push({
          at: at(i),
          event: 'requested',
          requestId: id,
          actor: admin,
          targets: [a],
          source: a.upn,
        });
        entries.push({ at: at(i), event: 'confirmed', requestId: id, actor: admin });
        entries.push({
          at: at(i),
          event: 'revoked',
          requestId: id,
          actor: admin,
          targets: [a],
          outcome: 'revoked',
        });
        break;
      case 1: {
        const job = [a, b, person(8)];
        entries.push({
          at: at(i),
          event: 'requested',
          requestId: id,
          actor: admin,
          targets: job,
          source: 'all',
        });
        for (const t of job) {
          entries.push({
            at: at(i),
            event: 'revoked',
            requestId: id,
            actor: admin,
            targets: [t],
            outcome: 'revoked',
          });
        }
        entries.push({ at: at(i), event: 'ended', requestId: id, actor: admin, counts: { revoked: 3 } });
        break;
      }
      case 2:
        entries.push({
          at: at(i),
          event: 'requested',
          requestId: id,
          actor: admin,
          targets: [a, b],
          source: '',
        });
        entries.push({
          at: at(i),
          event: 'refused',
          requestId: id,
          actor: admin,
          detail: 'approving your own',
        });
        break;
      case 3:
        entries.push({ at: at(i), event: 'status', actor: admin, targets: [a] });
        break;
      case 4:
        entries.push({ at: at(i), event: 'blocked', actor: admin, targets: [b], outcome: 'Sign-in blocked' });
        break;
      default:
        entries.push({
          at: at(i),
          event: 'requested',
          requestId: id,
          actor: admin,
          targets: [b],
          source: '',
        });
        entries.push({ at: at(i), event: 'cancelled', requestId: id, actor: admin });
    }
  }
  return entries;
}

/** Whether a read gave parsed entries, as only the index's reader does (the plain one gives bytes). */
async function readThroughIndex(log: AuditLog, user: HistoryQuery['user']): Promise<boolean> {
  const chunks: LogChunk[] = [];
  for await (const chunk of log.readNewestFirst(user, 512)) chunks.push(chunk);
  return chunks.length > 0 && chunks.every((c) => !Buffer.isBuffer(c));
}

/**
 * `history <user> n` from the log (through its index when it has one) answers as buildHistory over
 * every entry, and as reading the log without the index.
 */
async function expectRightAnswers(log: AuditLog): Promise<void> {
  const all = await log.readAll();
  for (const user of ASKED_ABOUT) {
    for (const count of [1, 5, 50]) {
      const q = { user, count };
      const expected = buildHistory(all, q);
      expect(await recentHistory(log.readNewestFirst(user, 512), q)).toEqual(expected);
      expect(await recentHistory(log.readNewestFirst(undefined, 512), q)).toEqual(expected);
    }
  }
}

/** The index the log's bytes call for: segments cut from its start, each line as formatSegment writes it. */
async function expectedIndex(file: string): Promise<string> {
  const bytes = await fs.readFile(file);
  let at = 0;
  let text = '';
  for (const cut of segmentCuts(bytes, SEGMENT_BYTES)) {
    text += formatSegment(indexSegment(bytes.subarray(at, cut), at));
    at = cut;
  }
  return text;
}

/** The segments a reader of the index file takes. */
async function chainOf(file: string): Promise<IndexedSegment[]> {
  return segmentChain((await fs.readFile(`${file}.index`, 'utf8')).split('\n'));
}

const openLog = (file: string, onError?: (err: unknown) => void) =>
  new AuditLog(file, { index: { segmentBytes: SEGMENT_BYTES, onError } }).init();

describe('AuditIndexFile', () => {
  it('builds <log>.index in the background as the log grows, one segment a line', async () => {
    const file = await tempFile();
    const errors: unknown[] = [];
    const log = await openLog(file, (err) => errors.push(err));
    for (let i = 0; i < 40; i++) await log.appendMany(story(3, 0, i * 3));
    await log.index.settled();
    const text = await fs.readFile(`${file}.index`, 'utf8');
    expect(text).toBe(await expectedIndex(file));
    expect((await chainOf(file)).length).toBeGreaterThan(20);
    expect(await readThroughIndex(log, 'u-1')).toBe(true);
    // asked about nobody in particular, the log is read whole, as bytes
    expect(await readThroughIndex(log, undefined)).toBe(false);
    expect(await readThroughIndex(log, ' ')).toBe(false);
    expect(errors).toEqual([]);
  });

  it('answers history <user> through the index as without it', async () => {
    const file = await tempFile();
    const log = await openLog(file);
    await log.appendMany(story(300));
    await log.index.settled();
    expect(await readThroughIndex(log, 'u-1')).toBe(true);
    await expectRightAnswers(log);
    // appends not indexed yet are read from the tail
    await log.appendMany(story(20, 0, 300));
    await expectRightAnswers(log);
  });

  it('indexes a log written before it had an index, when opened', async () => {
    const file = await tempFile();
    await fs.writeFile(
      file,
      story(200)
        .map((e) => `${JSON.stringify(e)}\n`)
        .join(''),
    );
    const log = await openLog(file);
    await log.index.settled();
    expect(await fs.readFile(`${file}.index`, 'utf8')).toBe(await expectedIndex(file));
    await expectRightAnswers(log);
  });

  it('passes over a torn line, garbage and duplicate segments in the index, and continues it', async () => {
    const file = await tempFile();
    const first = await openLog(file);
    await first.appendMany(story(200));
    await first.index.settled();
    const lines = (await fs.readFile(`${file}.index`, 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(10);
    const torn = lines[lines.length - 1];
    await fs.writeFile(
      `${file}.index`,
      [
        'garbage',
        lines[0],
        lines[0], // written twice by two processes
        '{"v":1}',
        ...lines.slice(1, -1),
        lines[3],
        '',
      ].join('\n') + torn.slice(0, torn.length >> 1), // a crash mid-write
    );

    const log = await openLog(file);
    await log.index.settled();
    expect(await readThroughIndex(log, 'u-1')).toBe(true);
    await expectRightAnswers(log);
    // the torn line got its newline: the segments indexed since are lines of their own
    await log.appendMany(story(100, 0, 200));
    await log.index.settled();
    const chain = await chainOf(file);
    const expected = segmentChain((await expectedIndex(file)).split('\n'));
    expect(chain.map((s) => [s.start, s.end])).toEqual(expected.map((s) => [s.start, s.end]));
    await expectRightAnswers(log);
  });

  describe('throws away an index that does not match the log, and rebuilds it', () => {
    /** A log and its index, then the log changed by `change`; history asked by a process opened after. */
    async function reopenedAfter(
      change: (file: string, bytes: Buffer) => Promise<void>,
    ): Promise<{ file: string; reason: string }[]> {
      const file = await tempFile();
      const old = await openLog(file);
      await old.appendMany(story(200, 0));
      await old.index.settled();
      await change(file, await fs.readFile(file));
      const discarded: { file: string; reason: string }[] = [];
      const log = await new AuditLog(file, {
        index: { segmentBytes: SEGMENT_BYTES, onDiscarded: (d) => discarded.push(d) },
      }).init();
      await log.index.settled();
      await expectRightAnswers(log);
      // rebuilt for the log as it is now
      expect(await fs.readFile(`${file}.index`, 'utf8')).toBe(await expectedIndex(file));
      expect(await readThroughIndex(log, 'u-1')).toBe(true);
      await expectRightAnswers(log);
      return discarded;
    }

    /**
     * Another log's whole lines, padded with spaces to `length` bytes if shorter: the same kind of story
     * about other users, each line noting that it is another log's.
     */
    const anotherLog = (length: number) => {
      const text = story(300, 4)
        .map((e) => JSON.stringify({ ...e, detail: 'another log' }))
        .join('\n');
      return Buffer.from(`${text.slice(0, text.lastIndexOf('\n', length - 1))}\n`.padEnd(length, ' '));
    };

    it('another log of the same length', async () => {
      const discarded = await reopenedAfter(async (file, bytes) => {
        const other = anotherLog(bytes.length);
        expect(other.length).toBe(bytes.length);
        await fs.writeFile(file, other);
      });
      // said once, naming the index file and why
      expect(discarded).toEqual([
        { file: expect.stringMatching(/\.index$/), reason: expect.stringMatching(/not those indexed/) },
      ]);
    });

    it('another log, longer', async () => {
      await reopenedAfter(async (file, bytes) => {
        await fs.writeFile(file, Buffer.concat([anotherLog(bytes.length), Buffer.from('\n')]));
        await fs.appendFile(
          file,
          story(50, 5, 400)
            .map((e) => `${JSON.stringify(e)}\n`)
            .join(''),
        );
      });
    });

    it('the log cut shorter than the index', async () => {
      await reopenedAfter(async (file, bytes) => {
        await fs.writeFile(file, bytes.subarray(0, bytes.lastIndexOf('\n', bytes.length >> 1) + 1));
      });
    });

    it('no index at all', async () => {
      const discarded = await reopenedAfter(async (file) => {
        await fs.rm(`${file}.index`);
      });
      expect(discarded).toEqual([]);
    });

    /** A log of 200 actions indexed by the process that goes on with it, then cut to half. */
    async function cutWhileRunning() {
      const file = await tempFile();
      const log = await openLog(file);
      await log.appendMany(story(200));
      await log.index.settled();
      const bytes = await fs.readFile(file);
      await fs.writeFile(file, bytes.subarray(0, bytes.lastIndexOf('\n', bytes.length >> 1) + 1));
      return { file, log, size: bytes.length };
    }

    it('the log cut shorter, seen by a read in the process that indexed it, then written past the cut', async () => {
      const { file, log, size } = await cutWhileRunning();
      await expectRightAnswers(log);
      // longer than before the cut: only the read could tell the index no longer matches
      await log.appendMany(story(300, 0, 200));
      expect((await fs.stat(file)).size).toBeGreaterThan(size);
      await log.index.settled();
      expect(await fs.readFile(`${file}.index`, 'utf8')).toBe(await expectedIndex(file));
      expect(await readThroughIndex(log, 'u-1')).toBe(true);
      await expectRightAnswers(log);
    });

    it('the log cut shorter, seen by the next append in the process that indexed it', async () => {
      const { file, log } = await cutWhileRunning();
      await log.appendMany(story(10, 0, 200));
      await log.index.settled();
      // thrown away by that append's catch-up, which rebuilds it from the start in the same pass
      expect(await fs.readFile(`${file}.index`, 'utf8')).toBe(await expectedIndex(file));
      await expectRightAnswers(log);
      await log.appendMany(story(10, 0, 210));
      await log.index.settled();
      expect(await fs.readFile(`${file}.index`, 'utf8')).toBe(await expectedIndex(file));
      await expectRightAnswers(log);
    });

    it('another, shorter log, seen by a read in the process that indexed the first', async () => {
      const file = await tempFile();
      const log = await openLog(file);
      await log.appendMany(story(200));
      await log.index.settled();
      const size = (await fs.stat(file)).size;
      await fs.writeFile(file, anotherLog(size >> 1));
      await expectRightAnswers(log);
      await log.index.settled();
      await log.appendMany(story(10, 0, 300));
      await log.index.settled();
      expect(await fs.readFile(`${file}.index`, 'utf8')).toBe(await expectedIndex(file));
      await expectRightAnswers(log);
    });

    it('the index removed while the process that wrote it still runs', async () => {
      const file = await tempFile();
      const log = await openLog(file);
      await log.appendMany(story(100));
      await log.index.settled();
      await fs.rm(`${file}.index`);
      await log.appendMany(story(100, 0, 100));
      await log.index.settled();
      await expectRightAnswers(log);
      const reopened = await openLog(file);
      await reopened.index.settled();
      expect(await readThroughIndex(reopened, 'u-1')).toBe(true);
      await expectRightAnswers(reopened);
    });
  });

  it('gives right answers to two AuditLogs writing one file, and to a third opened after', async () => {
    const file = await tempFile();
    const a = await openLog(file);
    const b = await openLog(file);
    for (let i = 0; i < 30; i++) {
      await (i % 2 ? a : b).appendMany(story(5, 0, i * 5));
      if (i % 7 === 0) await Promise.all([a.index.settled(), b.index.settled()]);
    }
    await Promise.all([a.index.settled(), b.index.settled()]);
    await expectRightAnswers(a);
    await expectRightAnswers(b);
    // each wrote the segments it found past its own: the file holds some twice, the chain each once
    const chain = await chainOf(file);
    const expected = segmentChain((await expectedIndex(file)).split('\n'));
    expect(chain.map((s) => [s.start, s.end])).toEqual(expected.map((s) => [s.start, s.end]));
    const c = await openLog(file);
    await c.index.settled();
    expect(await readThroughIndex(c, 'u-1')).toBe(true);
    await expectRightAnswers(c);
  });

  it('reports an index it cannot write, and answers from the log alone', async () => {
    const file = await tempFile();
    await fs.mkdir(`${file}.index`);
    const errors: unknown[] = [];
    const log = await openLog(file, (err) => errors.push(err));
    await log.appendMany(story(200));
    await log.index.settled();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ code: 'EISDIR' });
    expect(await readThroughIndex(log, 'u-1')).toBe(false);
    await expectRightAnswers(log);
    // the appends themselves went through
    expect((await log.readAll()).length).toBe(story(200).length);
  });

  it('reads backwards for a user named all through the newest part of the log, where it stops sooner', async () => {
    const file = await tempFile();
    const log = await openLog(file);
    const single = (i: number, id: string): NewAuditEntry => ({
      at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      event: 'requested',
      requestId: `s-${i}`,
      actor: admin,
      targets: [{ id }],
    });
    await log.appendMany(
      Array.from({ length: 600 }, (_, i) => single(i, i === 0 ? 'rare' : i % 2 ? 'busy' : `o-${i}`)),
    );
    await log.index.settled();
    expect((await chainOf(file)).length).toBeGreaterThan(100);
    expect(await readThroughIndex(log, 'busy')).toBe(false);
    expect(await readThroughIndex(log, 'rare')).toBe(true);
    const all = await log.readAll();
    for (const user of ['busy', 'rare']) {
      const q = { user, count: 50 };
      expect(await recentHistory(log.readNewestFirst(user), q)).toEqual(buildHistory(all, q));
    }
  });

  it('after an error, leaves the index alone for a while: no work and no report per append', async () => {
    const file = await tempFile();
    await fs.mkdir(`${file}.index`);
    let now = 0;
    const errors: unknown[] = [];
    const log = await new AuditLog(file, {
      index: {
        segmentBytes: SEGMENT_BYTES,
        onError: (err) => errors.push(err),
        retryMs: 60_000,
        now: () => now,
      },
    }).init();
    await log.appendMany(story(200));
    await log.index.settled();
    expect(errors).toHaveLength(1);
    for (let i = 0; i < 5; i++) await log.appendMany(story(20, 0, 300 + i * 20));
    await log.index.settled();
    expect(errors).toHaveLength(1);
    await expectRightAnswers(log);
    // a minute on, it tries again (and, the index still being a folder, says so once more)
    now = 60_000;
    await log.appendMany(story(20, 0, 500));
    await log.index.settled();
    expect(errors).toHaveLength(2);
    // fixed: it builds the index
    await fs.rm(`${file}.index`, { recursive: true });
    now = 120_000;
    await log.appendMany(story(20, 0, 520));
    await log.index.settled();
    expect(await fs.readFile(`${file}.index`, 'utf8')).toBe(await expectedIndex(file));
  });
});

describe('AuditIndexFile on a log replaced by another', () => {
  /**
   * Two logs of the same length that name different users, ending with the same two long lines (a
   * look-up), so that the last 64 bytes of every segment that can end there are the same in both.
   */
  const requestsOf = (user: string) =>
    Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({
        at: `2026-01-01T00:${String(i).padStart(2, '0')}:00.000Z`,
        event: 'requested',
        requestId: `r-${i}`,
        actor: admin,
        targets: [{ id: user }],
        source: user,
      }),
    );
  const lookUps = Array.from({ length: 2 }, () =>
    JSON.stringify({
      at: '2026-01-01T01:00:00.000Z',
      event: 'status',
      actor: admin,
      detail: 'x'.repeat(300),
    }),
  );
  const logOf = (user: string) =>
    Buffer.from([...requestsOf(user), ...lookUps].map((l) => `${l}\n`).join(''));
  const q = { user: 'u-2', count: 50 };

  async function indexedFor(user: string) {
    const file = await tempFile();
    await fs.writeFile(file, logOf(user));
    const first = await openLog(file);
    await first.index.settled();
    return { file, first };
  }

  it('makes logs that differ in every request but in their last 64 bytes before any cut', async () => {
    const [a, b] = [logOf('u-1'), logOf('u-2')];
    expect(a.length).toBe(b.length);
    const { file } = await indexedFor('u-1');
    const last = (await chainOf(file)).at(-1) as IndexedSegment;
    const trailer = a.length - lookUps.join('\n').length - 2;
    expect(last.end - 64).toBeGreaterThanOrEqual(trailer);
    expect(a.subarray(last.end - 64, last.end)).toEqual(b.subarray(last.end - 64, last.end));
    expect(buildHistory(JSON.parse(`[${b.toString().trim().split('\n').join(',')}]`), q)).toHaveLength(20);
  });

  // The end of a line is often the same in two logs (an actor, a count): a hash of the last bytes alone
  // would let the other log's requests be looked for in the old log's filters, which never saw them.
  it('tells another log of the same length whose last segment ends in the same bytes', async () => {
    const { file } = await indexedFor('u-1');
    await fs.writeFile(file, logOf('u-2'));
    const log = await openLog(file);
    await log.index.settled();
    expect(await recentHistory(log.readNewestFirst(q.user), q)).toEqual(buildHistory(await log.readAll(), q));
  });

  // The process that indexed the log checks its last segment again before each use, not only when it
  // first reads the index file.
  it('tells another log in the process that indexed the first one', async () => {
    const { file, first } = await indexedFor('u-1');
    const other = story(200, 4).map((e) => `${JSON.stringify({ ...e, detail: 'another log' })}\n`);
    await fs.writeFile(file, other.join(''));
    expect(await first.readAll()).toHaveLength(other.length);
    const asked = { user: 'u-1', count: 50 };
    expect(await recentHistory(first.readNewestFirst(asked.user), asked)).toEqual(
      buildHistory(await first.readAll(), asked),
    );
  });
});
