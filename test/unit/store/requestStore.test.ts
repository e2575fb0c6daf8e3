import { MemoryStorage, type StoreItems } from 'botbuilder';
import type { DirectoryUser, TargetOutcome } from '../../../src/domain/types';
import { PART_ITEMS } from '../../../src/store/requestParts';
import { RequestStore } from '../../../src/store/requestStore';
import { aRequest } from '../../support/requests';

/** A MemoryStorage that counts what is written and can run something between a read and a write. */
class WatchedStorage extends MemoryStorage {
  written: StoreItems[] = [];
  beforeNextWrite: (() => Promise<void>) | undefined;

  override async write(changes: StoreItems): Promise<void> {
    const hook = this.beforeNextWrite;
    if (hook && Object.keys(changes).some((k) => k.startsWith('request/'))) {
      this.beforeNextWrite = undefined;
      await hook();
    }
    this.written.push(changes);
    return super.write(changes);
  }

  /** Every key it holds (MemoryStorage cannot list them). */
  allKeys(): string[] {
    const memory = (this as unknown as { memory: Record<string, unknown> }).memory;
    // its delete leaves the key, with undefined
    return Object.keys(memory).filter((k) => memory[k] !== undefined);
  }
}

const users = (n: number): DirectoryUser[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    displayName: `User ${i}`,
    userPrincipalName: `user${i}@contoso.com`,
  }));

const revoked = (us: DirectoryUser[]): TargetOutcome[] =>
  us.map((u) => ({ userId: u.id, kind: 'revoked', validFrom: '2026-11-30T05:00:00Z' }));

async function raw(storage: MemoryStorage, id: string): Promise<Record<string, unknown>> {
  return (await storage.read([`request/${id}`]))[`request/${id}`];
}

const partKeys = (s: WatchedStorage) => s.allKeys().filter((k) => k.startsWith('requestpart/'));

describe('RequestStore with long lists', () => {
  const targets = users(5 * PART_ITEMS + 123);

  it("keeps a large job's targets beside its record, and reads them back whole", async () => {
    const storage = new WatchedStorage();
    const store = await new RequestStore(storage).init();
    await store.create(aRequest({ targets, status: 'running' }));
    const record = await raw(storage, 'r1');
    expect(record.targets).toBeUndefined();
    expect(record.targetParts).toHaveLength(6);
    expect(JSON.stringify(record).length).toBeLessThan(2000);
    // another instance, with nothing cached
    expect((await new RequestStore(storage).get('r1'))?.targets).toEqual(targets);
  });

  it('writes only the new outcomes and a small record at each checkpoint', async () => {
    const storage = new WatchedStorage();
    const store = await new RequestStore(storage).init();
    await store.create(aRequest({ targets, status: 'running' }));
    for (let i = 0; i < targets.length; i += 600) {
      storage.written = [];
      const slice = revoked(targets.slice(i, i + 600));
      const saved = await store.patch('r1', (cur) => ({ outcomes: [...cur.outcomes, ...slice] }));
      expect(saved.ok).toBe(true);
      const bytes = JSON.stringify(storage.written).length;
      // at most a refilled part and the record: never the targets, never all the outcomes so far
      expect(bytes).toBeLessThan((PART_ITEMS + 600) * 110 + 4000);
    }
    const read = await new RequestStore(storage).get('r1');
    expect(read?.outcomes).toEqual(revoked(targets));
    const record = await raw(storage, 'r1');
    expect(record.outcomeParts).toHaveLength(Math.ceil(targets.length / PART_ITEMS));
    // parts replaced by a refill are gone
    expect(partKeys(storage)).toHaveLength(6 + Math.ceil(targets.length / PART_ITEMS));
  });

  it('reads a record stored before parts, and moves its lists into parts at its next change', async () => {
    const storage = new WatchedStorage();
    const old = aRequest({ targets, status: 'running', outcomes: revoked(targets.slice(0, 3000)) });
    await storage.write({ 'request/r1': { ...old } });
    const store = new RequestStore(storage);
    expect(await store.get('r1')).toEqual(old);
    await store.patch('r1', (cur) => ({
      outcomes: [...cur.outcomes, ...revoked(targets.slice(3000, 3010))],
    }));
    const record = await raw(storage, 'r1');
    expect(record.targets).toBeUndefined();
    expect(record.outcomes).toBeUndefined();
    expect((await new RequestStore(storage).get('r1'))?.outcomes).toEqual(revoked(targets.slice(0, 3010)));
  });

  it('keeps a small request in one record', async () => {
    const storage = new WatchedStorage();
    const store = await new RequestStore(storage).init();
    await store.create(aRequest({ targets: users(3) }));
    await store.patch('r1', () => ({ outcomes: revoked(users(3)) }));
    const record = await raw(storage, 'r1');
    expect(record.targets).toEqual(users(3));
    expect(record.outcomes).toEqual(revoked(users(3)));
    expect(partKeys(storage)).toEqual([]);
  });

  it('loses a swap cleanly: both checkpoints kept once, no part left behind', async () => {
    const storage = new WatchedStorage();
    const a = await new RequestStore(storage).init();
    const b = new RequestStore(storage);
    await a.create(aRequest({ targets, status: 'running' }));
    const first = revoked(targets.slice(0, 700));
    const second = revoked(targets.slice(700, 1500));
    // b's checkpoint lands between a's read and a's write
    storage.beforeNextWrite = async () => {
      await b.patch('r1', (cur) => ({ outcomes: [...cur.outcomes, ...second] }));
    };
    await a.patch('r1', (cur) => ({
      outcomes: [...cur.outcomes, ...first.filter((o) => !cur.outcomes.some((x) => x.userId === o.userId))],
    }));
    const read = await new RequestStore(storage).get('r1');
    expect(read?.outcomes).toEqual([...second, ...first]);
    const named = new Set([
      ...((await raw(storage, 'r1')).targetParts as string[]),
      ...((await raw(storage, 'r1')).outcomeParts as string[]),
    ]);
    expect(partKeys(storage).filter((k) => !named.has(k))).toEqual([]);
  });

  it('reads a request whose part another instance replaced since the record was read', async () => {
    const storage = new WatchedStorage();
    const a = await new RequestStore(storage).init();
    await a.create(aRequest({ targets, status: 'running', outcomes: [] }));
    await a.patch('r1', (cur) => ({ outcomes: [...cur.outcomes, ...revoked(targets.slice(0, 150))] }));
    const b = new RequestStore(storage);
    expect((await b.get('r1'))?.outcomes).toHaveLength(150);
    // a refills the last outcome part (dropping the one b has read); b still reads the whole
    await a.patch('r1', (cur) => ({ outcomes: [...cur.outcomes, ...revoked(targets.slice(150, 160))] }));
    expect((await b.get('r1'))?.outcomes).toEqual(revoked(targets.slice(0, 160)));
  });

  it('reads a request with a damaged part as absent, and says so', async () => {
    const storage = new WatchedStorage();
    const missing: string[] = [];
    const store = await new RequestStore(storage).init();
    await store.create(aRequest({ targets, status: 'running' }));
    await storage.delete([((await raw(storage, 'r1')).targetParts as string[])[2]]);
    const cold = new RequestStore(storage, { onPartMissing: (r) => missing.push(r.requestId) });
    expect(await cold.get('r1')).toBeUndefined();
    expect(await cold.patch('r1', () => ({ reason: 'x' }))).toEqual({ ok: false, request: undefined });
    expect(missing).toEqual(['r1', 'r1']);
  });
});
