import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SignoutRequest } from '../../src/core/types';
import { AuditLog } from '../../src/store/auditLog';
import { packLines } from '../../src/store/blobAuditLog';
import { FileStorage } from '../../src/store/fileStorage';
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

  it('lists unfinished requests, and forgets them once final', async () => {
    const store = await new RequestStore(await new FileStorage(await tempDir()).init()).init();
    await Promise.all([store.create(request('a')), store.create(request('b')), store.create(request('c'))]);
    expect((await store.listActive()).map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
    await store.transition('b', ['pending'], 'expired');
    expect((await store.listActive()).map((r) => r.id).sort()).toEqual(['a', 'c']);
  });

  it('keeps a finished job listed until its end is reported', async () => {
    const store = await new RequestStore(await new FileStorage(await tempDir()).init()).init();
    await store.create(request('j', { status: 'running' }));
    await store.transition('j', ['running'], 'done', () => ({ reportPending: true }));
    expect((await store.listActive()).map((r) => [r.id, r.status])).toEqual([['j', 'done']]);
    await store.reported('j');
    expect(await store.listActive()).toEqual([]);
    expect((await store.get('j'))?.reportPending).toBeUndefined();
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
