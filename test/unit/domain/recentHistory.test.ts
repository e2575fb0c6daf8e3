import fc from 'fast-check';
import type { AuditEntry } from '../../../src/domain/audit';
import { parseLineText } from '../../../src/domain/auditLines';
import { buildHistory } from '../../../src/domain/history';
import { recentHistory, settledHistory } from '../../../src/domain/recentHistory';
import { requestedLines } from '../../../src/domain/requestedAudit';
import {
  admin,
  hostileLines,
  makeLog,
  SKEW,
  type Step,
  step,
  TORN_LINE,
  users,
} from '../../support/historyLogs';

/** The log in chunks of `size`, newest first, as AuditLog.readNewestFirst gives it; counts what was read. */
function backwards(log: readonly AuditEntry[], size: number) {
  const source = {
    read: 0,
    async *[Symbol.asyncIterator]() {
      for (let end = log.length; end > 0; end -= size) {
        const chunk = log.slice(Math.max(0, end - size), end).reverse();
        source.read += chunk.length;
        yield chunk;
      }
    },
  };
  return source;
}

/**
 * The log as AuditLog.readNewestFirst gives it: whole JSON lines as bytes, `size` lines a chunk from the
 * end, written in hostile ways that mean the same entries (an escaped @, spaces, a second requestId key
 * that JSON.parse overrides), with lines that are not entries and a torn last line. Counts lines given.
 */
function backwardsAsBytes(log: readonly AuditEntry[], size: number, hostile: number[]) {
  const all = [...hostileLines(log, hostile), TORN_LINE];
  const source = {
    read: 0,
    async *[Symbol.asyncIterator]() {
      for (let end = all.length; end > 0; end -= size) {
        const chunk = all.slice(Math.max(0, end - size), end);
        source.read += chunk.length;
        yield Buffer.from(chunk.join('\n') + (end === all.length ? '' : '\n'));
      }
    },
  };
  return source;
}

describe('recentHistory', () => {
  it('answers what buildHistory answers over the whole log, however the log is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 20, maxLength: 300, size: 'max' }),
        fc.array(fc.integer({ min: -SKEW / 2, max: SKEW / 2 }), { minLength: 1 }),
        fc.option(fc.constantFrom(users[0].id, users[1].upn.toUpperCase(), 'nobody')),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        async (steps, jitters, user, count, chunk, firstCheck) => {
          const log = makeLog(steps, jitters);
          const q = { user: user ?? undefined, count };
          expect(await recentHistory(backwards(log, chunk), q, { firstCheck, skewMs: SKEW })).toEqual(
            buildHistory(log, q),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers the same from the log as bytes, whatever lines it leaves unparsed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 20, maxLength: 300, size: 'max' }),
        fc.array(fc.integer({ min: -SKEW / 2, max: SKEW / 2 }), { minLength: 1 }),
        fc.option(
          fc.constantFrom<string | string[]>(
            users[0].id,
            users[1].upn.toUpperCase(),
            [users[0].id, users[0].upn],
            [users[3].id, users[3].upn],
            'nobody',
          ),
        ),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        async (steps, jitters, user, hostile, count, chunk, firstCheck) => {
          const log = makeLog(steps, jitters);
          // the reference: every entry as the hostile lines hold it (some name targets in other letter cases)
          const written = hostileLines(log, hostile)
            .map(parseLineText)
            .filter((e): e is AuditEntry => e !== undefined);
          const q = { user: user ?? undefined, count };
          expect(
            await recentHistory(backwardsAsBytes(log, chunk, hostile), q, { firstCheck, skewMs: SKEW }),
          ).toEqual(buildHistory(written, q));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('parses only the lines that can matter to one user', async () => {
    // 2,000 requests of other users, then one of users[0]'s: a request, its confirmation, its outcome
    const steps: Step[] = [];
    for (let i = 0; i < 2_000; i++) steps.push({ kind: 'request', targets: [users[2]] });
    steps.push({ kind: 'request', targets: [users[0], users[2]] });
    steps.push({ kind: 'later', pick: 2_000, event: 'confirmed', target: users[2] });
    steps.push({ kind: 'later', pick: 2_000, event: 'revoked', target: users[2] });
    const log = makeLog(steps, [0]);
    const q = { user: [users[0].id, users[0].upn], count: 50 };
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const items = await recentHistory(backwardsAsBytes(log, 100, [0]), q);
      expect(items).toEqual(buildHistory(log, q));
      expect(items).toEqual([
        expect.objectContaining({ requestId: 'r-2000', outcome: '1 signed out, 1 not signed out' }),
      ]);
      // its three lines, the torn last line, and nothing else
      expect(parse.mock.calls.length).toBeLessThanOrEqual(4);
    } finally {
      parse.mockRestore();
    }
  });

  it('counts a job with a summary from the summary, parsing none of its other outcome lines', async () => {
    // a job of 2,000 users as the bot writes its end: users[0] is one of them; the summary's counts
    // disagree with the lines (one line was edited by hand): the summary wins
    const many = Array.from({ length: 2_000 }, (_, i) => ({ id: `m-${i}`, upn: `m${i}@contoso.com` }));
    const at = '2026-01-01T00:00:00Z';
    const job = 'job-1';
    const log: AuditEntry[] = [
      { at, event: 'requested', requestId: job, actor: admin, targets: [users[0], ...many], source: 'all' },
      { at, event: 'confirmed', requestId: job, actor: admin },
      ...[users[0], ...many].flatMap((t, i): AuditEntry[] => [
        { at, event: 'blocked', requestId: job, actor: admin, targets: [t] },
        {
          at,
          event: i === 5 ? 'failed' : 'revoked',
          requestId: job,
          actor: admin,
          targets: [t],
          outcome: 'revoked',
        },
      ]),
      {
        at,
        event: 'ended',
        requestId: job,
        actor: admin,
        counts: { revoked: 1_999, notFound: 2 },
        blockedCount: 2_001,
      },
    ];
    const q = { user: [users[0].id, users[0].upn], count: 50 };
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const items = await recentHistory(backwardsAsBytes(log, 500, [0]), q);
      expect(items).toEqual(buildHistory(log, q));
      expect(items).toEqual([
        expect.objectContaining({
          requestId: job,
          targetCount: 2_001,
          block: true,
          outcome: 'Sign-in blocked; 1,999 signed out, 2 not found',
        }),
      ]);
      // the summary (met first, then again as a line of the request), users[0]'s two lines, the
      // confirmation, the request and the torn last line: none of the other 4,000 outcome lines
      expect(parse.mock.calls.length).toBeLessThanOrEqual(8);
    } finally {
      parse.mockRestore();
    }
  });

  it('finds a user named only in a `targeted` line, and parses no `targeted` line that does not name them', async () => {
    const many = Array.from({ length: 2_500 }, (_, i) => ({ id: `m-${i}`, upn: `m${i}@contoso.com` }));
    const at = '2026-01-01T00:00:00Z';
    const log: AuditEntry[] = [
      ...requestedLines({
        event: 'requested',
        requestId: 'job-1',
        actor: admin,
        targets: [...many.slice(0, 1_700), users[0], ...many.slice(1_700)],
        source: 'all',
        block: false,
      }).map((e) => ({ at, ...e })),
      { at, event: 'confirmed', requestId: 'job-1', actor: admin },
    ];
    expect(log.map((e) => e.event)).toEqual(['requested', 'targeted', 'targeted', 'confirmed']);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      for (const q of [
        { user: [users[0].id, users[0].upn], count: 5 },
        { user: users[0].upn.toUpperCase(), count: 5 },
      ]) {
        parse.mockClear();
        const items = await recentHistory(backwardsAsBytes(log, 2, [0]), q);
        expect(items).toEqual(buildHistory(log, q));
        expect(items).toEqual([
          expect.objectContaining({ requestId: 'job-1', whom: '2,501 users', targetCount: 2_501 }),
        ]);
        // the confirmation, the request, the targeted line that names the user, the torn last line
        expect(parse.mock.calls.length).toBeLessThanOrEqual(4);
      }
      // a user of the request's first line only, and history without a user: no targeted line parsed
      for (const q of [{ user: many[0].id, count: 5 }, { count: 5 }]) {
        parse.mockClear();
        const items = await recentHistory(backwardsAsBytes(log, 2, [0]), q);
        expect(items).toEqual(buildHistory(log, q));
        expect(items).toEqual([expect.objectContaining({ requestId: 'job-1', targetCount: 2_501 })]);
        expect(parse.mock.calls.length).toBeLessThanOrEqual(3);
      }
      expect(buildHistory(log, { user: 'nobody', count: 5 })).toEqual([]);
    } finally {
      parse.mockRestore();
    }
  });

  it('counts the lines of a job whose summary does not read well, as for a log without summaries', async () => {
    const at = '2026-01-01T00:00:00Z';
    const two = [users[0], users[2]];
    const lines = (counts: unknown): AuditEntry[] => [
      { at, event: 'requested', requestId: 'r-0', actor: admin, targets: two, source: '' },
      ...two.map((t): AuditEntry => ({
        at,
        event: 'revoked',
        requestId: 'r-0',
        actor: admin,
        targets: [t],
        outcome: 'revoked',
      })),
      { at, event: 'ended', requestId: 'r-0', actor: admin, counts: counts as AuditEntry['counts'] },
    ];
    const q = { user: users[0].id, count: 5 };
    for (const counts of [{ revoked: -1 }, { revoked: 1e300 }, { everyone: 2 }, 'all', null, [2]]) {
      const log = lines(counts);
      const items = await recentHistory(backwardsAsBytes(log, 2, [0]), q);
      expect(items).toEqual(buildHistory(log, q));
      expect(items[0]).toMatchObject({ outcome: 'All 2 signed out' });
    }
  });

  it('stops reading once the newest actions are known', async () => {
    const log = makeLog(
      Array.from({ length: 20_000 }, (_, i) =>
        i % 2
          ? { kind: 'later', pick: i, event: 'revoked', target: users[0] }
          : { kind: 'request', targets: [users[0]] },
      ),
      [0],
    );
    const source = backwards(log, 100);
    const items = await recentHistory(source, { user: users[0].id, count: 50 });
    expect(items).toEqual(buildHistory(log, { user: users[0].id, count: 50 }));
    expect(items).toHaveLength(50);
    expect(source.read).toBeLessThan(1_000);
  });

  it('reads back to a request asked long ago whose outcome came last', async () => {
    // r-0 is asked first; its outcome is the newest entry. It ranks by when it was asked, so it is not
    // among the newest, and the newest are only known once r-0's request entry shows how it ended.
    const steps: Step[] = [{ kind: 'request', targets: [users[1]] }];
    for (let i = 0; i < 1_000; i++) steps.push({ kind: 'request', targets: [users[0]] });
    steps.push({ kind: 'later', pick: 0, event: 'revoked', target: users[1] });
    const log = makeLog(steps, [0]);
    const q = { user: users[1].id, count: 5 };
    const source = backwards(log, 64);
    const items = await recentHistory(source, q);
    expect(items).toEqual(buildHistory(log, q));
    expect(items[0]).toMatchObject({ requestId: 'r-0', outcome: 'Signed out' });
    expect(source.read).toBe(log.length);
  });
});

describe('settledHistory', () => {
  const log = makeLog(
    [
      { kind: 'request', targets: [users[0]] },
      { kind: 'request', targets: [users[0]] },
      { kind: 'later', pick: 0, event: 'confirmed', target: users[0] },
    ],
    [0],
  );
  const newestFirst = log.slice().reverse();

  it('settles on whole actions asked after the bound', () => {
    expect(settledHistory(newestFirst, { count: 1 }, Date.parse(log[0].at))?.map((i) => i.requestId)).toEqual(
      ['r-1'],
    );
  });

  it('does not settle while an action asked after the bound may still be missing entries', () => {
    // only the last two entries read: r-0's confirmation without its request
    expect(settledHistory(newestFirst.slice(0, 2), { count: 2 }, Date.parse(log[1].at) - 1)).toBeUndefined();
  });

  it('does not settle on an action no newer than the bound: an older entry could outrank it', () => {
    expect(settledHistory(newestFirst, { count: 1 }, Date.parse(log[1].at))).toBeUndefined();
  });
});

describe('recentHistory on a request whose first line is not where history expects it', () => {
  // settledHistory passes over a request whose `requested` line is not read yet, trusting that the line
  // is older than everything read. Two logs break that trust. So history leaves out a request without a
  // `requested` line, and ranks a request by its newest one, the first a backwards reader meets.
  const ada = users[0];
  const minute = (m: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + m * 60_000).toISOString();
  const asked = (id: string, m: number): AuditEntry => ({
    at: minute(m),
    event: 'requested',
    requestId: id,
    actor: admin,
    targets: [ada],
    source: '',
  });
  const q = { user: ada.id, count: 3 };
  const read = (log: AuditEntry[]) => recentHistory(backwardsAsBytes(log, 100, [0]), q);

  /**
   * The log was rotated (archived, as docs/performance.md advises) while r-old waited for approval: its
   * `requested` line is in the archive, its approval and outcome after 300 newer requests of the user.
   */
  const rotated: AuditEntry[] = [
    ...Array.from({ length: 300 }, (_, i) => asked(`r-${i}`, i)),
    { at: minute(301), event: 'approved', requestId: 'r-old', actor: { id: 'b', name: 'Bea' } },
    {
      at: minute(301),
      event: 'revoked',
      requestId: 'r-old',
      actor: admin,
      targets: [ada],
      outcome: 'revoked',
    },
    asked('r-302', 302),
    asked('r-303', 303),
  ];
  /** A log edited by hand: a second `requested` line of r-dup, 300 requests after its first. */
  const twice: AuditEntry[] = [
    asked('r-dup', 0),
    ...Array.from({ length: 300 }, (_, i) => asked(`r-${i}`, i + 1)),
    asked('r-dup', 301),
    asked('r-302', 302),
    asked('r-303', 303),
  ];

  it('has a reference answer without the request asked before the rotation, and ranks by the newest request line', () => {
    expect(buildHistory(rotated, q).map((i) => i.requestId)).toEqual(['r-303', 'r-302', 'r-299']);
    expect(buildHistory(twice, q).map((i) => i.requestId)).toEqual(['r-303', 'r-302', 'r-dup']);
    expect(buildHistory(twice, q)[2].at).toBe(minute(301));
  });

  it('answers as buildHistory for a request whose `requested` line is not in the log', async () => {
    expect(await read(rotated)).toEqual(buildHistory(rotated, q));
  });

  it('answers as buildHistory for a request with two `requested` lines', async () => {
    expect(await read(twice)).toEqual(buildHistory(twice, q));
  });
});
