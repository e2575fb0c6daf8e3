import fc from 'fast-check';
import type { AuditEntry } from '../../../src/domain/audit';
import { type IndexedSegment, indexSegment, segmentCuts } from '../../../src/domain/auditIndex';
import { parseLineText } from '../../../src/domain/auditLines';
import { buildHistory, type HistoryQuery } from '../../../src/domain/history';
import { backwardsIsCheaper, historySegments } from '../../../src/domain/historySegments';
import { recentHistory } from '../../../src/domain/recentHistory';
import {
  admin,
  asked,
  hostileLines,
  makeLog,
  SKEW,
  type Step,
  step,
  TORN_LINE,
  users,
} from '../../support/historyLogs';

/** The log's bytes, written in hostile ways (hostileLines), ending in a torn line. */
function logBytes(log: readonly AuditEntry[], hostile: readonly number[]): Buffer {
  return Buffer.from(`${hostileLines(log, hostile).join('\n')}\n${TORN_LINE}`);
}

/** Every entry of the log, as AuditLog.readAll reads it: the reference answer is buildHistory's over them. */
function allEntries(bytes: Buffer): AuditEntry[] {
  return bytes
    .toString('utf8')
    .split('\n')
    .map(parseLineText)
    .filter((e): e is AuditEntry => e !== undefined);
}

/**
 * The log indexed as AuditIndexFile indexes it, in memory: its first `indexed` bytes (whole lines) cut
 * into segments of at least `segmentBytes`, the rest (the tail) read back `tailLines` lines a chunk.
 * Counts the segments read.
 */
function indexedLog(bytes: Buffer, indexed: number, segmentBytes: number, tailLines = 3) {
  const segments: IndexedSegment[] = [];
  let at = 0;
  for (const cut of segmentCuts(bytes.subarray(0, indexed), segmentBytes)) {
    segments.push(indexSegment(bytes.subarray(at, cut), at));
    at = cut;
  }
  const tailStart = at;
  const reads: IndexedSegment[] = [];
  return {
    reads,
    reader: {
      segments,
      read: (s: IndexedSegment) => {
        reads.push(s);
        return Promise.resolve(Buffer.from(bytes.subarray(s.start, s.end)));
      },
      async *tail() {
        const lines = bytes.subarray(tailStart).toString('utf8').split('\n');
        for (let end = lines.length; end > 0; end -= tailLines) {
          const chunk = lines.slice(Math.max(0, end - tailLines), end).join('\n');
          yield Buffer.from(end === lines.length ? chunk : `${chunk}\n`);
          await Promise.resolve();
        }
      },
    },
  };
}

/** The line boundary nearest `fraction` of the way into the log. */
function lineBoundary(bytes: Buffer, fraction: number): number {
  const nl = bytes.indexOf(0x0a, Math.floor(bytes.length * fraction));
  return nl < 0 ? bytes.length : nl + 1;
}

async function* chunksOf(chunks: readonly AuditEntry[][]): AsyncGenerator<AuditEntry[]> {
  for (const c of chunks) {
    await Promise.resolve();
    yield c;
  }
}

async function historyFromIndex(
  log: ReturnType<typeof indexedLog>,
  q: HistoryQuery,
  options: { firstCheck?: number; skewMs?: number } = {},
) {
  return recentHistory(chunksOf(await historySegments(log.reader, q.user)), q, options);
}

describe('historySegments', () => {
  it('gives recentHistory what it needs to answer as buildHistory does over the whole log', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 20, maxLength: 300, size: 'max' }),
        fc.array(fc.integer({ min: -SKEW / 2, max: SKEW / 2 }), { minLength: 1 }),
        fc.constantFrom(0, 1, 2_000),
        asked,
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 1_500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        async (steps, jitters, tick, user, hostile, count, segmentBytes, indexed, tailLines, firstCheck) => {
          const bytes = logBytes(makeLog(steps, jitters, tick), hostile);
          const log = indexedLog(bytes, lineBoundary(bytes, indexed), segmentBytes, tailLines);
          const q = { user, count };
          expect(await historyFromIndex(log, q, { firstCheck, skewMs: SKEW })).toEqual(
            buildHistory(allEntries(bytes), q),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the entries that matter newest first, chunk after chunk, the tail first', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 20, maxLength: 200, size: 'max' }),
        asked,
        fc.integer({ min: 1, max: 800 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (steps, user, segmentBytes, indexed) => {
          // every entry marked with its place in the log
          const log = makeLog(steps, [0], 2_000).map((e, i) => ({ ...e, reason: `#${i}` }));
          const bytes = logBytes(log, [0]);
          const chunks = await historySegments(
            indexedLog(bytes, lineBoundary(bytes, indexed), segmentBytes).reader,
            user,
          );
          const places = chunks.flat().map((e) => Number(e.reason?.slice(1)));
          expect(places).toEqual([...places].sort((a, b) => b - a));
          expect(new Set(places).size).toBe(places.length);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads only the segments that may name the user, for a user named in one place', async () => {
    const steps: Step[] = [];
    for (let i = 0; i < 2_000; i++) {
      steps.push({ kind: 'request', targets: [users[2]], unblock: false });
      if (i === 1_000) steps.push({ kind: 'request', targets: [users[0], users[2]], unblock: false });
    }
    const bytes = logBytes(makeLog(steps, [0], 2_000), [0]);
    const log = indexedLog(bytes, bytes.length, 4_096);
    const q = { user: [users[0].id, users[0].upn], count: 50 };
    const items = await historyFromIndex(log, q);
    expect(items).toEqual(buildHistory(allEntries(bytes), q));
    expect(items).toEqual([expect.objectContaining({ requestId: 'r-1001' })]);
    expect(log.reader.segments.length).toBeGreaterThan(50);
    // the segment that names the user, and now and then one whose filter says "maybe" wrongly
    expect(log.reads.length).toBeGreaterThanOrEqual(1);
    expect(log.reads.length).toBeLessThanOrEqual(3);
    const named = log.reads.filter((s) => bytes.subarray(s.start, s.end).includes('"u-1"'));
    expect(named).toHaveLength(1);
  });

  it('reads a summarised job’s outcome segments only when its summary does not read well', async () => {
    // a job of 400 users, users[0] the last: the outcome lines of the others fill segments of their own
    const many = Array.from({ length: 400 }, (_, i) => ({ id: `m-${i}`, upn: `m${i}@contoso.com` }));
    const at = '2026-01-01T00:00:00.000Z';
    const job = 'job-1';
    const targets = [...many, users[0]];
    const logOf = (counts: unknown): AuditEntry[] => [
      { at, event: 'requested', requestId: job, actor: admin, targets, source: 'all' },
      { at, event: 'confirmed', requestId: job, actor: admin },
      ...targets.map((t): AuditEntry => ({
        at,
        event: 'revoked',
        requestId: job,
        actor: admin,
        targets: [t],
        outcome: 'revoked',
      })),
      ...(counts === undefined
        ? []
        : [{ at, event: 'ended', requestId: job, actor: admin, counts } as AuditEntry]),
      // a later request of someone else, so that the summary is not in the log's tail
      ...Array.from({ length: 50 }, (_, i): AuditEntry => ({
        at,
        event: 'requested',
        requestId: `other-${i}`,
        actor: admin,
        targets: [users[2]],
        source: '',
      })),
    ];
    const q = { user: users[0].id, count: 5 };
    const readOutcomes = async (counts: unknown) => {
      const bytes = logBytes(logOf(counts), [0]);
      const log = indexedLog(bytes, bytes.length, 2_048);
      const items = await historyFromIndex(log, q);
      expect(items).toEqual(buildHistory(allEntries(bytes), q));
      // the segments that hold only outcome lines of users other than users[0]
      const othersOnly = log.reader.segments.filter((s) => {
        const text = bytes.subarray(s.start, s.end).toString();
        return text.split('\n').every((l) => !l || (l.includes('"revoked"') && !l.includes('"u-1"')));
      });
      expect(othersOnly.length).toBeGreaterThan(5);
      return { items, read: othersOnly.filter((s) => log.reads.includes(s)).length, of: othersOnly.length };
    };

    const good = await readOutcomes({ revoked: 399, notFound: 2 });
    expect(good.items[0]).toMatchObject({ requestId: job, outcome: '399 signed out, 2 not found' });
    expect(good.read).toBe(0);

    // no summary, or one that does not read well: the outcome lines are counted
    for (const badCounts of [undefined, { revoked: -1 }, { everyone: 401 }, 'all']) {
      const bad = await readOutcomes(badCounts);
      expect(bad.items[0]).toMatchObject({ requestId: job, outcome: 'All 401 signed out' });
      expect(bad.read).toBe(bad.of);
    }
  });

  it('finds a refusal that names only its request, and the request’s lines that do not name the user', async () => {
    const at = (s: number) => `2026-01-01T00:00:${String(s).padStart(2, '0')}.000Z`;
    const lines: AuditEntry[] = [
      { at: at(1), event: 'requested', requestId: 'r-1', actor: admin, targets: [users[0]], source: '' },
      ...Array.from({ length: 40 }, (_, i): AuditEntry => ({
        at: at(2),
        event: 'status',
        actor: admin,
        targets: [{ id: `x-${i}` }],
      })),
      { at: at(3), event: 'refused', requestId: 'r-1', actor: { id: 'admin' }, detail: 'approving your own' },
      ...Array.from({ length: 40 }, (_, i): AuditEntry => ({
        at: at(4),
        event: 'status',
        actor: admin,
        targets: [{ id: `y-${i}` }],
      })),
      { at: at(5), event: 'approved', requestId: 'r-1', actor: { id: 'b', name: 'Bea' } },
    ];
    const bytes = logBytes(lines, [0]);
    const log = indexedLog(bytes, bytes.length, 512);
    const q = { user: users[0].upn.toUpperCase(), count: 5 };
    const items = await historyFromIndex(log, q);
    expect(items).toEqual(buildHistory(allEntries(bytes), q));
    expect(items).toEqual([
      expect.objectContaining({ kind: 'refused', whom: expect.stringContaining('one@contoso.com') }),
      expect.objectContaining({ requestId: 'r-1', approvedBy: 'Bea' }),
    ]);
    expect(log.reads.length).toBeLessThan(log.reader.segments.length);
  });
  it('finds a line that names the user in any letter case, escaped by hand, or with a Kelvin sign', async () => {
    const named = (target: object, write = (t: string) => t) => {
      const lines: AuditEntry[] = Array.from({ length: 60 }, (_, i) => ({
        at: '2026-01-01T00:00:00.000Z',
        event: 'status',
        actor: admin,
        targets: [{ id: `x-${i}` }],
      }));
      lines.splice(30, 0, {
        at: '2026-01-01T00:00:01.000Z',
        event: 'blocked',
        actor: admin,
        targets: [target as { id: string }],
      });
      const text = lines.map((e) => JSON.stringify(e));
      text[30] = write(text[30]);
      return Buffer.from(`${text.join('\n')}\n`);
    };
    const cases: [HistoryQuery['user'], Buffer][] = [
      ['u-1', named({ id: 'U-1' })],
      ['one@contoso.com', named({ id: 'x', upn: 'ONE@Contoso.com' })],
      ['ONE@CONTOSO.COM', named({ id: 'x', upn: 'one@contoso.com' })],
      ['one@contoso.com', named({ id: 'x', upn: 'one@contoso.com' }, (t) => t.replace('@', '\\u0040'))],
      ['kay@contoso.com', named({ id: 'x', upn: '\u212aay@contoso.com' })],
      ['émile@contoso.com', named({ id: 'x', upn: 'ÉMILE@contoso.com' })],
      ['  u-1 ', named({ id: 'u-1' })],
    ];
    for (const [user, bytes] of cases) {
      const log = indexedLog(bytes, bytes.length, 256);
      const q = { user, count: 5 };
      const items = await historyFromIndex(log, q);
      expect(items).toEqual([expect.objectContaining({ kind: 'block', at: '2026-01-01T00:00:01.000Z' })]);
      expect(items).toEqual(buildHistory(allEntries(bytes), q));
      expect(log.reads.length).toBeLessThan(log.reader.segments.length);
    }
  });
});

describe('historySegments with request ids that are not strings', () => {
  // A hand-edited log may hold `"requestId":7`. History (rankActions) keeps 7 and "7" apart, but
  // historySegments' Requests keys both as `r:7`: whichever it meets first stands for both.
  const at = '2026-01-01T00:00:00.000Z';
  const ada = users[0];
  const bob = users[2];
  const answers = async (lines: AuditEntry[]) => {
    const bytes = logBytes(lines, [0]);
    const q = { user: ada.id, count: 10 };
    return {
      got: await historyFromIndex(indexedLog(bytes, bytes.length, 1), q),
      want: buildHistory(allEntries(bytes), q),
    };
  };

  /** Request "7" with two targets, both signed out; request 7 has a summary. */
  const summaryOfAnother: AuditEntry[] = [
    { at, event: 'requested', requestId: '7', actor: admin, targets: [ada, bob], source: '' },
    { at, event: 'revoked', requestId: '7', actor: admin, targets: [ada], outcome: 'revoked' },
    { at, event: 'revoked', requestId: '7', actor: admin, targets: [bob], outcome: 'revoked' },
    { at, event: 'ended', requestId: 7 as unknown as string, actor: admin, counts: { failed: 5 } },
  ];
  /** Request 7 names the user before request "7", which Carol confirmed. */
  const namedFirstByAnother: AuditEntry[] = [
    { at, event: 'requested', requestId: 7 as unknown as string, actor: admin, targets: [ada] },
    { at, event: 'requested', requestId: '7', actor: admin, targets: [ada], source: '' },
    { at, event: 'confirmed', requestId: '7', actor: { id: 'c', name: 'Carol' } },
  ];

  it('keeps them apart in the reference answer', async () => {
    expect((await answers(summaryOfAnother)).want[0]).toMatchObject({
      requestId: '7',
      outcome: 'All 2 signed out',
    });
    expect((await answers(namedFirstByAnother)).want[0]).toMatchObject({
      requestId: '7',
      confirmedBy: 'Carol',
    });
  });

  it('counts the outcome lines of request "7" even when request 7 has a summary', async () => {
    const { got, want } = await answers(summaryOfAnother);
    expect(got).toEqual(want);
  });

  it('keeps the lines of request "7" that do not name the user when request 7 names them first', async () => {
    const { got, want } = await answers(namedFirstByAnother);
    expect(got).toEqual(want);
  });
});

describe('backwardsIsCheaper', () => {
  /** A log of 600 single sign-outs, one a line, each of `whom(i)`, indexed in segments of ~10 lines. */
  function singles(whom: (i: number) => string) {
    const lines = Array.from({ length: 600 }, (_, i) =>
      JSON.stringify({
        at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        event: 'requested',
        requestId: `r-${i}`,
        actor: admin,
        targets: [{ id: whom(i) }],
      }),
    );
    const bytes = Buffer.from(lines.join('\n') + '\n');
    return indexedLog(bytes, bytes.length, 10 * (lines[0].length + 1)).reader.segments;
  }

  it('reads backwards for a user named all through the newest part of the log', () => {
    const segments = singles((i) => (i % 3 === 0 ? 'busy' : `other-${i}`));
    expect(segments.length).toBeGreaterThan(50);
    expect(backwardsIsCheaper(segments, 'busy', 10, 0)).toBe(true);
    expect(backwardsIsCheaper(segments, ['BUSY', 'busy@contoso.com'], 10, 0)).toBe(true);
  });

  it('reads through the index for a user named in fewer segments than the actions asked for', () => {
    const segments = singles((i) => (i % 100 === 0 ? 'rare' : `other-${i}`));
    expect(backwardsIsCheaper(segments, 'rare', 10, 0)).toBe(false);
    expect(backwardsIsCheaper(segments, 'nobody', 10, 0)).toBe(false);
  });

  it('reads through the index for a user named often, but long ago', () => {
    const segments = singles((i) => (i < 200 ? 'early' : `other-${i}`));
    expect(backwardsIsCheaper(segments, 'early', 10, 0)).toBe(false);
    // an unindexed tail counts as read backwards first
    const recent = singles((i) => (i >= 500 ? 'late' : `other-${i}`));
    expect(backwardsIsCheaper(recent, 'late', 5, 0)).toBe(true);
    expect(backwardsIsCheaper(recent, 'late', 5, 10 ** 9)).toBe(false);
  });
});
