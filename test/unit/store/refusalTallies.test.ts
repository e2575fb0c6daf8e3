import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryStorage } from 'botbuilder';
import { addRefusal, refusedCaller, type RefusalTally } from '../../../src/domain/refusalTally';
import { FileStorage } from '../../../src/store/fileStorage';
import { RefusalTallies, refusalTallyKey } from '../../../src/store/refusalTallies';
import { createRecord } from '../../../src/store/requestStore';

const HOUR = '2026-11-22T13:00:00.000Z';
const mallory = refusedCaller({ id: 'm-id', name: 'Mallory' }, undefined);
const tried = { what: 'request a sign-out', why: 'notAdmin' };

async function fileStorage(): Promise<FileStorage> {
  return new FileStorage(await fs.mkdtemp(path.join(os.tmpdir(), 'signout-tallies-'))).init();
}

const count = (at: Date) => (cur: RefusalTally | undefined) => addRefusal(cur, 't', mallory, tried, at);

describe('refusalTallyKey', () => {
  it('is one record per tenant, caller and hour, and names nobody', () => {
    const key = refusalTallyKey('t', 'm-id', HOUR);
    expect(key).toMatch(/^refusals\/\d+\/[0-9a-f]{32}$/);
    expect(key).not.toContain('m-id');
    expect(refusalTallyKey('t', 'm-id', HOUR)).toBe(key);
    expect(refusalTallyKey('t', 'other', HOUR)).not.toBe(key);
    expect(refusalTallyKey('t2', 'm-id', HOUR)).not.toBe(key);
    expect(refusalTallyKey('t', 'm-id', '2026-11-22T14:00:00.000Z')).not.toBe(key);
  });
});

describe('FileStorage.create', () => {
  it('creates a record once; a second create leaves the first', async () => {
    const s = await fileStorage();
    expect(await s.create('k', { v: 1 })).toBe(true);
    expect(await s.create('k', { v: 2 })).toBe(false);
    const item = (await s.read(['k'])).k;
    expect(item.v).toBe(1);
    expect(typeof item.eTag).toBe('string');
  });

  it('of many creates at once, exactly one wins', async () => {
    const s = await fileStorage();
    const won = await Promise.all(Array.from({ length: 10 }, (_, i) => s.create('k', { v: i })));
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});

describe('createRecord on a storage without create-if-absent', () => {
  it('reads first, so it never overwrites', async () => {
    const s = new MemoryStorage();
    expect(await createRecord(s, 'k', { v: 1 })).toBe(true);
    expect(await createRecord(s, 'k', { v: 2 })).toBe(false);
    expect((await s.read(['k'])).k.v).toBe(1);
  });
});

describe('RefusalTallies', () => {
  const key = refusalTallyKey('t', mallory.id, HOUR);

  it('creates the tally, then counts on it', async () => {
    const tallies = new RefusalTallies(await fileStorage());
    expect(await tallies.get(key)).toBeUndefined();
    await tallies.change(key, count(new Date('2026-11-22T13:01:00Z')));
    const second = await tallies.change(key, count(new Date('2026-11-22T13:02:00Z')));
    expect(second?.count).toBe(2);
    const stored = await tallies.get(key);
    expect(stored).toEqual(second);
    expect(stored).not.toHaveProperty('eTag');
  });

  it('loses no attempt when many are counted at once', async () => {
    const tallies = new RefusalTallies(await fileStorage());
    await Promise.all(
      Array.from({ length: 15 }, (_, i) => tallies.change(key, count(new Date(Date.parse(HOUR) + i * 1000)))),
    );
    expect((await tallies.get(key))?.count).toBe(15);
  });

  it('writes nothing for a change of undefined', async () => {
    const tallies = new RefusalTallies(await fileStorage());
    expect(await tallies.change(key, () => undefined)).toBeUndefined();
    expect(await tallies.get(key)).toBeUndefined();
  });

  it('prunes the records of hours that ended before a time, and keeps the others', async () => {
    const storage = await fileStorage();
    const tallies = new RefusalTallies(storage);
    const old = refusalTallyKey('t', mallory.id, '2026-11-22T11:00:00.000Z');
    await tallies.change(old, count(new Date('2026-11-22T11:30:00Z')));
    await tallies.change(key, count(new Date('2026-11-22T13:30:00Z')));
    await storage.write({ 'request/x': { id: 'x' } });
    expect(await tallies.prune(new Date('2026-11-22T13:59:00Z'))).toBe(1);
    expect(await tallies.get(old)).toBeUndefined();
    expect(await tallies.get(key)).toBeDefined();
    expect((await storage.read(['request/x']))['request/x']).toBeDefined();
    expect(await tallies.prune(new Date('2026-11-22T14:00:00Z'))).toBe(1);
  });
});
