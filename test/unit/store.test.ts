import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SignoutRequest } from '../../src/domain/types';
import { AuditLog } from '../../src/store/auditLog';
import { packLines } from '../../src/store/blobAuditLog';
import { FileStorage, type Quarantined } from '../../src/store/fileStorage';
import { RequestStore } from '../../src/store/requestStore';
import { aRequest } from '../support/requests';

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'signout-store-'));
}

const request = (id: string, over: Partial<SignoutRequest> = {}) => aRequest({ id, ...over });

describe('FileStorage', () => {
  it('reads back what it wrote, with a fresh eTag each write', async () => {
    const s = await new FileStorage(await tempDir()).init();
    await s.write({ 'request/1': { a: 1 } });
    const first = (await s.read(['request/1', 'missing']))['request/1'];
    expect(first).toMatchObject({ a: 1 });
    expect(typeof first.eTag).toBe('string');
    await s.write({ 'request/1': { a: 2, eTag: first.eTag } });
    const second = (await s.read(['request/1']))['request/1'];
    expect(second.a).toBe(2);
    expect(second.eTag).not.toBe(first.eTag);
  });

  it('rejects a write with a stale eTag and keeps the newer value', async () => {
    const s = await new FileStorage(await tempDir()).init();
    await s.write({ k: { v: 1 } });
    const stale = (await s.read(['k'])).k.eTag;
    await s.write({ k: { v: 2, eTag: stale } });
    await expect(s.write({ k: { v: 3, eTag: stale } })).rejects.toThrow(/eTag conflict/);
    expect((await s.read(['k'])).k.v).toBe(2);
  });

  it('lets exactly one of many concurrent writers with the same eTag win', async () => {
    const s = await new FileStorage(await tempDir()).init();
    await s.write({ k: { v: 0 } });
    const eTag = (await s.read(['k'])).k.eTag;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => s.write({ k: { v: i + 1, eTag } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('survives on disk: a new instance reads what the old one wrote, and stray temp files are cleaned', async () => {
    const dir = await tempDir();
    await (await new FileStorage(dir).init()).write({ 'a/b': { x: 'y' } });
    await fs.writeFile(path.join(dir, 'a%2Fb.json.123.tmp'), '{"torn":');
    const again = await new FileStorage(dir).init();
    expect((await again.read(['a/b']))['a/b'].x).toBe('y');
    expect((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('names a quarantined record by the time on its clock', async () => {
    const root = await tempDir();
    const moved: Quarantined[] = [];
    const s = await new FileStorage(path.join(root, 'requests'), {
      onQuarantine: (q) => moved.push(q),
      now: () => Date.parse('2031-03-04T05:06:07.089Z'),
    }).init();
    await fs.writeFile(path.join(root, 'requests', 'request%2Ftorn.json'), '{');
    await s.read(['request/torn']);
    expect(moved[0].to).toBe(path.join(root, 'quarantine', 'request%2Ftorn.json.2031-03-04T05-06-07-089Z'));
  });

  it('moves a record it cannot parse to the quarantine folder, names it, and reads it as absent', async () => {
    const root = await tempDir();
    const dir = path.join(root, 'requests');
    const moved: Quarantined[] = [];
    const s = await new FileStorage(dir, {
      quarantineDir: path.join(root, 'quarantine'),
      onQuarantine: (q) => moved.push(q),
    }).init();
    await s.write({ 'request/ok': { v: 1 }, 'request/torn': { v: 2 } });
    const tornFile = path.join(dir, 'request%2Ftorn.json');
    await fs.writeFile(tornFile, '{"v":2,"reason":"Unterminated');

    const items = await s.read(['request/ok', 'request/torn']);
    expect(Object.keys(items)).toEqual(['request/ok']);
    expect(moved).toEqual([
      {
        key: 'request/torn',
        from: tornFile,
        to: expect.stringMatching(/quarantine\/request%2Ftorn\.json\.\d{4}-\d{2}-\d{2}T[\d-]+Z$/),
        problem: expect.stringMatching(/JSON/),
      },
    ]);
    expect(await fs.readFile(moved[0].to!, 'utf8')).toBe('{"v":2,"reason":"Unterminated');
    await expect(fs.stat(tornFile)).rejects.toMatchObject({ code: 'ENOENT' });
    // once moved, the key is free: a new record can be written
    await s.write({ 'request/torn': { v: 3, eTag: '*' } });
    expect((await s.read(['request/torn']))['request/torn'].v).toBe(3);
    expect(moved).toHaveLength(1);
  });

  it('moves a damaged record once when several reads find it at the same time', async () => {
    const root = await tempDir();
    const moved: Quarantined[] = [];
    const s = await new FileStorage(path.join(root, 'requests'), {
      onQuarantine: (q) => moved.push(q),
    }).init();
    await fs.writeFile(path.join(root, 'requests', 'k.json'), '{');
    await Promise.all(Array.from({ length: 5 }, () => s.read(['k'])));
    expect(moved).toHaveLength(1);
    expect(await fs.readdir(path.join(root, 'quarantine'))).toHaveLength(1);
  });

  it('lists the keys under a prefix', async () => {
    const s = await new FileStorage(await tempDir()).init();
    await s.write({ 'request/a': {}, 'request/b': {}, 'index/active': {} });
    expect((await s.keys('request/')).sort()).toEqual(['request/a', 'request/b']);
  });

  it('deletes', async () => {
    const s = await new FileStorage(await tempDir()).init();
    await s.write({ k: { v: 1 } });
    await s.delete(['k']);
    expect(await s.read(['k'])).toEqual({});
  });
});

describe('RequestStore', () => {
  it('moves a request only from an allowed status, once', async () => {
    const store = await new RequestStore(await new FileStorage(await tempDir()).init()).init();
    await store.create(request('r1'));
    const racers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.transition('r1', ['pending'], 'running', () => ({
          confirmedBy: { id: `c${i}`, name: `C${i}` },
        })),
      ),
    );
    const winners = racers.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const stored = await store.get('r1');
    expect(stored?.status).toBe('running');
    expect(stored?.confirmedBy).toEqual(winners[0].request?.confirmedBy);
    expect((await store.transition('r1', ['pending'], 'cancelled')).ok).toBe(false);
  });

  it('refuses transitions the state machine forbids', async () => {
    const store = await new RequestStore(await new FileStorage(await tempDir()).init()).init();
    await store.create(request('r2', { status: 'cancelled' }));
    expect((await store.transition('r2', ['cancelled'], 'running')).ok).toBe(false);
    expect((await store.get('r2'))?.status).toBe('cancelled');
  });

  it('lists unfinished requests, and forgets them once their end is reported', async () => {
    const store = await new RequestStore(await new FileStorage(await tempDir()).init()).init();
    await Promise.all([store.create(request('a')), store.create(request('b')), store.create(request('c'))]);
    expect((await store.listActive()).map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
    await store.transition('b', ['pending'], 'expired');
    // its audit line and its report are still to come
    expect((await store.listActive()).map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
    await store.patch('b', () => ({ auditedAt: '2026-11-22T12:00:01Z', reportedAt: '2026-11-22T12:00:02Z' }));
    expect((await store.listActive()).map((r) => r.id).sort()).toEqual(['a', 'c']);
  });

  // the lifecycle property test found reports lost to a kill between a job's end and its report
  it('keeps a finished job listed until its end is reported', async () => {
    const store = await new RequestStore(await new FileStorage(await tempDir()).init()).init();
    await store.create(request('j', { status: 'running', startedAt: '2026-11-22T12:00:00Z' }));
    await store.transition('j', ['running'], 'done', () => ({ auditedAt: '2026-11-22T12:00:01Z' }));
    expect((await store.listActive()).map((r) => [r.id, r.status])).toEqual([['j', 'done']]);
    await store.patch('j', () => ({ reportedAt: '2026-11-22T12:00:02Z' }));
    expect(await store.listActive()).toEqual([]);
  });

  it('rebuilds a missing index from the request records, keeping those with something left to do', async () => {
    const dir = await tempDir();
    const storage = await new FileStorage(dir).init();
    const store = await new RequestStore(storage).init();
    const at = '2026-11-22T12:00:00Z';
    await store.create(request('pending'));
    await store.create(request('running', { status: 'running' }));
    // ended and reported: nothing left
    await store.create(request('reported', { status: 'expired', finishedAt: at, reportedAt: at }));
    // a job ended and audited, then a crash before its report
    await store.create(
      request('unreported', { status: 'done', startedAt: at, finishedAt: at, auditedAt: at }),
    );
    // a cancel stored by a process that died before it wrote the audit line
    await store.create(
      request('unaudited', {
        status: 'cancelled',
        finishedAt: at,
        runner: { instance: 'web1', token: 'x', heartbeatAt: at },
      }),
    );
    // ended by a version that audited and reported an end at once (before issue 10)
    await store.create(request('old', { status: 'done', startedAt: at, finishedAt: at }));
    await storage.delete(['index/active']);

    const rebuilt: { records: number; unfinished: number }[] = [];
    const again = await new RequestStore(storage, { onIndexRebuilt: (r) => rebuilt.push(r) }).init();
    expect((await again.listActive()).map((r) => r.id).sort()).toEqual([
      'pending',
      'running',
      'unaudited',
      'unreported',
    ]);
    expect(rebuilt).toEqual([{ records: 6, unfinished: 4 }]);
    // and keeps it up to date from there
    await again.create(request('new'));
    expect((await again.listActive()).map((r) => r.id).sort()).toEqual([
      'new',
      'pending',
      'running',
      'unaudited',
      'unreported',
    ]);
  });

  it('rebuilds the index when it goes missing while running', async () => {
    const storage = await new FileStorage(await tempDir()).init();
    const store = await new RequestStore(storage).init();
    await store.create(request('a'));
    await storage.delete(['index/active']);
    await store.create(request('b'));
    expect((await store.listActive()).map((r) => r.id).sort()).toEqual(['a', 'b']);
  });

  it('starts a new store with an empty index and says nothing', async () => {
    const rebuilt: unknown[] = [];
    const store = await new RequestStore(await new FileStorage(await tempDir()).init(), {
      onIndexRebuilt: (r) => rebuilt.push(r),
    }).init();
    expect(await store.listActive()).toEqual([]);
    expect(rebuilt).toEqual([]);
  });

  it('patches without changing the status', async () => {
    const store = await new RequestStore(await new FileStorage(await tempDir()).init()).init();
    await store.create(request('p'));
    await store.patch('p', () => ({ status: 'done', reason: 'x' }) as Partial<SignoutRequest>);
    expect(await store.get('p')).toMatchObject({ status: 'pending', reason: 'x' });
  });
});

describe('AuditLog', () => {
  it('appends entries in order and skips a torn last line', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    const log = await new AuditLog(file).init();
    await Promise.all([1, 2, 3].map((i) => log.append({ event: 'requested', actor: { id: `u${i}` } })));
    await fs.appendFile(file, '{"event":"revo');
    const entries = await log.readAll();
    expect(entries.map((e) => e.actor.id)).toEqual(['u1', 'u2', 'u3']);
    expect(entries.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
  });

  it('stamps an entry that does not say when with its clock, and the torn-line note too', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    const now = () => Date.parse('2031-03-04T05:06:07.089Z');
    await fs.writeFile(file, '{"event":"revo');
    const log = await new AuditLog(file, { now }).init();
    await log.appendMany([
      { event: 'requested', actor: { id: 'u1' } },
      { event: 'confirmed', actor: { id: 'u1' }, at: '2030-01-01T00:00:00.000Z' },
    ]);
    expect((await log.readAll()).map((e) => e.at)).toEqual([
      '2031-03-04T05:06:07.089Z',
      '2030-01-01T00:00:00.000Z',
    ]);
    expect(await fs.readFile(`${file}.torn`, 'utf8')).toMatch(/^--- 2031-03-04T05:06:07\.089Z: /);
  });

  it('cuts a torn last line off before the next append, keeping it in audit.jsonl.torn', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    const first = await new AuditLog(file).init();
    await first.append({ event: 'requested', actor: { id: 'u1' } });
    // the process died mid-append: half a line, no newline
    const torn = '{"at":"2026-11-22T12:00:00.000Z","event":"revoked","actor":{"id":"u2"},"targ';
    await fs.appendFile(file, torn);

    const repairs: { file: string; tornFile: string; bytes: number; kept: boolean }[] = [];
    const log = await new AuditLog(file, { onTornLine: (t) => repairs.push(t) }).init();
    await log.append({ event: 'confirmed', actor: { id: 'u3' } });

    // every line of the log is an entry again, the new one included
    const lines = (await fs.readFile(file, 'utf8')).split('\n').filter(Boolean);
    expect(lines.map((l) => JSON.parse(l).actor.id)).toEqual(['u1', 'u3']);
    expect((await log.readAll()).map((e) => e.actor.id)).toEqual(['u1', 'u3']);
    // nothing is lost: the torn bytes are kept aside, with when and how many
    const aside = await fs.readFile(`${file}.torn`, 'utf8');
    expect(aside).toContain(torn);
    expect(aside).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    expect(repairs).toEqual([
      { file, tornFile: `${file}.torn`, bytes: Buffer.byteLength(torn), kept: false },
    ]);
  });

  it('repairs a torn line left by a failed append while running, and appends to the .torn file', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    const log = await new AuditLog(file).init();
    await log.append({ event: 'requested', actor: { id: 'u1' } });
    await fs.appendFile(file, '{"at":"2026-11-22T12:00:00.000Z","ev');
    await log.append({ event: 'confirmed', actor: { id: 'u2' } });
    await fs.appendFile(file, '{"at":"2026-11-22T12:00:01.000Z","event":"rév');
    await log.appendMany([
      { event: 'revoked', actor: { id: 'u3' } },
      { event: 'revoked', actor: { id: 'u4' } },
    ]);
    const lines = (await fs.readFile(file, 'utf8')).split('\n').filter(Boolean);
    expect(lines.map((l) => JSON.parse(l).actor.id)).toEqual(['u1', 'u2', 'u3', 'u4']);
    const aside = await fs.readFile(`${file}.torn`, 'utf8');
    expect(aside).toContain('{"at":"2026-11-22T12:00:00.000Z","ev');
    expect(aside).toContain('{"at":"2026-11-22T12:00:01.000Z","event":"rév');
  });

  it('finds the start of a torn line longer than its read-back chunk', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    const log = await new AuditLog(file).init();
    await log.append({ event: 'requested', actor: { id: 'u1' } });
    const torn = `{"at":"2026-11-22T12:00:00.000Z","event":"requested","targets":[${'{"id":"x"},'.repeat(20_000)}`;
    await fs.appendFile(file, torn);
    await log.append({ event: 'confirmed', actor: { id: 'u2' } });
    expect(
      (await fs.readFile(file, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).actor.id),
    ).toEqual(['u1', 'u2']);
    expect(await fs.readFile(`${file}.torn`, 'utf8')).toContain(torn);
  });

  it('ends a complete last entry that only lacks its newline, instead of cutting it', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    await fs.writeFile(
      file,
      JSON.stringify({ at: '2026-11-22T12:00:00.000Z', event: 'revoked', actor: { id: 'u1' } }),
    );
    const repairs: { kept: boolean }[] = [];
    const log = await new AuditLog(file, { onTornLine: (t) => repairs.push(t) }).init();
    await log.append({ event: 'confirmed', actor: { id: 'u2' } });
    expect((await log.readAll()).map((e) => e.actor.id)).toEqual(['u1', 'u2']);
    expect(repairs).toMatchObject([{ kept: true }]);
    await expect(fs.stat(`${file}.torn`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('appends many entries as one run, in order, between the appends around it', async () => {
    const file = path.join(await tempDir(), 'audit.jsonl');
    const log = await new AuditLog(file).init();
    const outcomes = Array.from({ length: 500 }, (_, i) => ({
      event: 'revoked' as const,
      requestId: 'bulk',
      actor: { id: 'a' },
      targets: [{ id: `u${i}` }],
    }));
    await Promise.all([
      log.append({ event: 'confirmed', requestId: 'bulk', actor: { id: 'a' } }),
      log.appendMany(outcomes),
      log.append({ event: 'status', actor: { id: 'b' } }),
      log.appendMany([]),
    ]);
    const entries = await log.readAll();
    expect(entries.map((e) => e.event)).toEqual(['confirmed', ...outcomes.map(() => 'revoked'), 'status']);
    expect(entries.slice(1, -1).map((e) => e.targets?.[0].id)).toEqual(outcomes.map((o) => o.targets[0].id));
    expect((await fs.readFile(file, 'utf8')).split('\n')).toHaveLength(503);
  });
});

describe('packLines', () => {
  const lines = (...sizes: number[]) => sizes.map((n) => `${'x'.repeat(n - 1)}\n`).join('');

  it('packs whole lines into blocks of at most the limit', () => {
    const blocks = packLines(lines(4, 4, 4, 3, 10), 10);
    expect(blocks.map((b) => b.toString())).toEqual([lines(4, 4), lines(4, 3), lines(10)]);
  });

  it('sends a line longer than the limit alone, never cut', () => {
    const blocks = packLines(lines(3, 25, 3), 10);
    expect(blocks.map((b) => b.length)).toEqual([3, 25, 3]);
    expect(blocks.every((b) => b.toString().endsWith('\n'))).toBe(true);
  });

  it('counts bytes, not characters', () => {
    const blocks = packLines('éé\néé\n', 8);
    expect(blocks.map((b) => b.toString())).toEqual(['éé\n', 'éé\n']);
  });
});
