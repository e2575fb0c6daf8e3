import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { ContainerClient } from '@azure/storage-blob';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { main as exportAudit } from '../../scripts/auditExport';
import type { AuditEntry } from '../../src/domain/audit';
import { entriesNewestFirst } from '../../src/domain/auditLines';
import { buildHistory } from '../../src/domain/history';
import { recentHistory } from '../../src/domain/recentHistory';
import type { SignoutRequest } from '../../src/domain/types';
import { BlobAuditLog } from '../../src/store/blobAuditLog';
import { BlobDeliveryLedger, type BlobDeliveryLedgerOptions } from '../../src/store/deliveryLedger';
import { createStores } from '../../src/store/createStores';
import type { Quarantined } from '../../src/store/quarantine';
import { createRecord, RequestStore } from '../../src/store/requestStore';
import { BlobRecords } from '../../src/store/blobRecords';
import { RefusalTallies, refusalTallyKey } from '../../src/store/refusalTallies';
import { addRefusal, refusedCaller, type RefusalTally } from '../../src/domain/refusalTally';
import { StoreUnavailableError } from '../../src/store/storeHealth';
import { BotDriver, csvLinkOn, type Actor } from '../support/botDriver';
import { AZURITE_ACCOUNT_KEY, startAzurite, type Azurite } from '../support/azurite';
import { expectJobInvariants } from '../support/jobInvariants';
import { freePort, startSandbox, type Sandbox } from '../support/sandbox';
import { messageActivity, postActivity } from '../support/teamsActivity';
import { SAMPLE } from '../support/tenantFixture';
import { aRequest } from '../support/requests';

/**
 * The scale-out back-end (STORAGE_BACKEND=blob) against Azurite: the request store on botbuilder's
 * BlobsStorage, the audit log on append blobs, then the real bot using both.
 */

const ACCOUNT_KEY = AZURITE_ACCOUNT_KEY;
const VALID_FROM_LINE = /Sessions valid from \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/;

let azurite: Azurite | undefined;
let connectionString = '';
/** A fresh container per test, so tests cannot see each other's blobs. */
function freshContainer(): string {
  return `t-${randomUUID().slice(0, 8)}`;
}

const request = (id: string, over: Partial<SignoutRequest> = {}) =>
  aRequest({ id, reason: 'Zoë Ångström: phone lost ✓', ...over });

beforeAll(async () => {
  azurite = await startAzurite();
  connectionString = azurite.connectionString;
}, 30_000);

afterAll(async () => {
  await azurite?.stop();
});

describe('RequestStore on BlobsStorage', () => {
  it('creates, reads back (non-ASCII intact) and lists active requests', async () => {
    const name = freshContainer();
    const store = await new RequestStore(new BlobsStorage(connectionString, name)).init();
    await Promise.all(['a', 'b', 'c'].map((id) => store.create(request(id))));
    expect(await store.get('a')).toEqual(request('a'));
    expect(await store.get('missing')).toBeUndefined();
    expect((await store.listActive()).map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
    expect((await store.transition('b', ['pending'], 'expired')).ok).toBe(true);
    // ended, but its audit line and its report are still to come
    expect((await store.listActive()).map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
    const at = new Date().toISOString();
    expect((await store.patch('b', () => ({ auditedAt: at, reportedAt: at }))).ok).toBe(true);
    expect((await store.listActive()).map((r) => r.id).sort()).toEqual(['a', 'c']);
    // another instance sees the same
    const other = await new RequestStore(new BlobsStorage(connectionString, name)).init();
    expect((await other.listActive()).map((r) => r.id).sort()).toEqual(['a', 'c']);
  });

  it('lets exactly one of many concurrent transitions win, across two instances', async () => {
    const name = freshContainer();
    const one = await new RequestStore(new BlobsStorage(connectionString, name)).init();
    const two = await new RequestStore(new BlobsStorage(connectionString, name)).init();
    await one.create(request('r1'));
    const racers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? two : one).transition('r1', ['pending'], 'running', () => ({
          confirmedBy: { id: `c${i}`, name: `C${i}` },
        })),
      ),
    );
    const winners = racers.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    // the losers saw the winner's write, not an error
    for (const lost of racers.filter((r) => !r.ok)) expect(lost.request?.status).toBe('running');
    const stored = await two.get('r1');
    expect(stored?.status).toBe('running');
    expect(stored?.confirmedBy).toEqual(winners[0].request.confirmedBy);
  });

  it('keeps the index consistent when two instances create requests at once', async () => {
    const name = freshContainer();
    const one = await new RequestStore(new BlobsStorage(connectionString, name)).init();
    const two = await new RequestStore(new BlobsStorage(connectionString, name)).init();
    const ids = Array.from({ length: 12 }, (_, i) => `n${i}`);
    await Promise.all(ids.map((id, i) => (i % 2 ? two : one).create(request(id))));
    expect((await one.listActive()).map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  it('rejects a write with a stale eTag, with the message RequestStore treats as a conflict', async () => {
    const storage = new BlobsStorage(connectionString, freshContainer());
    await storage.write({ 'request/x': { v: 1 } });
    const stale = (await storage.read(['request/x']))['request/x'].eTag;
    expect(typeof stale).toBe('string');
    await storage.write({ 'request/x': { v: 2, eTag: stale } });
    const conflict = storage.write({ 'request/x': { v: 3, eTag: stale } });
    // the pattern of RequestStore's isETagConflict
    await expect(conflict).rejects.toThrow(/eTag conflict|precondition|ConditionNotMet|412/i);
    expect((await storage.read(['request/x']))['request/x'].v).toBe(2);
  });

  it('createStores starts instances together and never resets an existing index', async () => {
    const config = (name: string) => ({
      dataDir: '/nonexistent',
      storage: { backend: 'blob' as const, connectionString, containerName: name },
    });
    const name = freshContainer();
    const first = await Promise.all([createStores(config(name)), createStores(config(name))]);
    await first[0].store.create(request('kept'));
    // a third instance starting later must not reset the index
    const later = await createStores(config(name));
    expect((await later.store.listActive()).map((r) => r.id)).toEqual(['kept']);
    // one key signs CSV links for all of them, so a link works whichever instance serves it
    const keys = [...first, later].map((s) => s.csvLinkKey.toString('hex'));
    expect(keys[0]).toHaveLength(64);
    expect(new Set(keys).size).toBe(1);
    const other = await createStores(config(freshContainer()));
    expect(other.csvLinkKey.toString('hex')).not.toBe(keys[0]);
    await Promise.all([...first, later, other].map((s) => s.close()));
  });
});

describe('RefusalTallies on BlobRecords (issue 14)', () => {
  const tallies = async (name: string) => {
    const container = new ContainerClient(connectionString, name);
    await container.createIfNotExists();
    return new RefusalTallies(new BlobRecords(new BlobsStorage(connectionString, name), container));
  };

  it('of several instances creating one record at once, exactly one does (If-None-Match: *)', async () => {
    const name = freshContainer();
    const container = new ContainerClient(connectionString, name);
    await container.createIfNotExists();
    const instances = Array.from(
      { length: 6 },
      () => new BlobRecords(new BlobsStorage(connectionString, name), container),
    );
    const created = await Promise.all(instances.map((r, i) => createRecord(r, 'refusals/1/abc', { v: i })));
    expect(created.filter(Boolean)).toHaveLength(1);
    const winner = created.indexOf(true);
    expect((await instances[0].read(['refusals/1/abc']))['refusals/1/abc']).toMatchObject({ v: winner });
  });

  it('two instances counting one caller at once lose no attempt and keep one record', async () => {
    const name = freshContainer();
    const [one, two] = [await tallies(name), await tallies(name)];
    const hour = '2026-11-22T13:00:00.000Z';
    const key = refusalTallyKey('tenant', 'caller', hour);
    const caller = refusedCaller({ id: 'caller', name: 'Mallory' }, undefined);
    const count = (i: number) => (cur: RefusalTally | undefined) =>
      addRefusal(
        cur,
        'tenant',
        caller,
        { what: 'request a sign-out', why: `try ${i}` },
        new Date(Date.parse(hour) + i),
      );
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).change(key, count(i))));
    const stored = await one.get(key);
    expect(stored?.count).toBe(12);
    expect(stored?.recent).toHaveLength(10);
    expect(await two.get(key)).toEqual(stored);
    expect(await one.prune(new Date('2026-11-22T14:00:00Z'))).toBe(1);
    expect(await two.get(key)).toBeUndefined();
  });
});

describe('the blob back-end under faults (issue 10)', () => {
  const config = (name: string) => ({
    dataDir: '/nonexistent',
    storage: { backend: 'blob' as const, connectionString, containerName: name },
  });

  it('moves a damaged request blob and a damaged index aside, rebuilds the index and runs', async () => {
    const name = freshContainer();
    const first = await createStores(config(name));
    await first.store.create(request('intact'));
    await first.store.create(request('damaged'));
    await first.close();
    const container = new ContainerClient(connectionString, name);
    const put = (blob: string, text: string) => container.getBlockBlobClient(blob).upload(text, text.length);
    await put('request%2Fdamaged', '{"id":"damaged","status":"pen');
    await put('index%2Factive', '{"ids":["intact","dam');

    const moved: Quarantined[] = [];
    const rebuilt: unknown[] = [];
    const again = await createStores(config(name), {
      quarantined: (q) => moved.push(q),
      indexRebuilt: (r) => rebuilt.push(r),
    });
    expect((await again.store.listActive()).map((r) => r.id)).toEqual(['intact']);
    expect(await again.store.get('damaged')).toBeUndefined();
    expect(moved.map((q) => q.key).sort()).toEqual(['index/active', 'request/damaged']);
    // both were found; the damaged one was moved aside as it was read
    expect(rebuilt).toEqual([{ records: 2, unfinished: 1 }]);
    const quarantined: string[] = [];
    for await (const b of container.listBlobsFlat({ prefix: 'quarantine/' })) quarantined.push(b.name);
    expect(quarantined.sort()).toEqual([
      expect.stringMatching(/^quarantine\/index%2Factive\.\d{4}-/),
      expect.stringMatching(/^quarantine\/request%2Fdamaged\.\d{4}-/),
    ]);
    const kept = await container.getBlobClient(quarantined.sort()[1]).downloadToBuffer();
    expect(kept.toString()).toBe('{"id":"damaged","status":"pen');
    await again.close();
  });

  it('marks the store unhealthy while the container refuses writes, and heals once it takes them again', async () => {
    const name = freshContainer();
    const changes: (string | undefined)[] = [];
    const stores = await createStores(config(name), { healthChanged: (p) => changes.push(p) });
    await stores.store.create(request('before'));
    const container = new ContainerClient(connectionString, name);
    await container.delete();

    await expect(stores.store.create(request('during'))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(stores.health.problem).toMatch(/ContainerNotFound/);
    await expect(stores.audit.append({ event: 'status', actor: {} })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );

    await container.create();
    await eventually(async () => expect(stores.health.problem).toBeUndefined());
    expect(changes).toEqual([expect.stringMatching(/404 ContainerNotFound/), undefined]);
    await stores.close();
  }, 30_000);
});

describe('BlobAuditLog', () => {
  it('keeps every append of two concurrent instances, each in its own order', async () => {
    const container = new ContainerClient(connectionString, freshContainer());
    const [a, b] = await Promise.all([
      new BlobAuditLog(container).init(),
      new BlobAuditLog(container).init(),
    ]);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? b : a).append({ event: 'requested', requestId: `${i % 2 ? 'b' : 'a'}${i}`, actor: {} }),
      ),
    );
    await Promise.all([a.flush(), b.flush()]);
    const ids = (await a.readAll()).map((e) => e.requestId!);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    const order = (prefix: string) =>
      ids.filter((id) => id.startsWith(prefix)).map((id) => Number(id.slice(1)));
    expect(order('a')).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(order('b')).toEqual(Array.from({ length: 20 }, (_, i) => i * 2 + 1));
    // one JSON line per block, ending in a newline
    const props = await container.getAppendBlobClient('audit.jsonl').getProperties();
    expect(props.blobCommittedBlockCount).toBe(40);
  });

  it('reads back in append order with every field, across instances', async () => {
    const container = new ContainerClient(connectionString, freshContainer());
    const a = await new BlobAuditLog(container).init();
    const b = await new BlobAuditLog(container).init();
    await a.append({ event: 'requested', requestId: 'r', actor: { id: 'x', name: 'Zoë' }, reason: 'é ✓' });
    await b.append({ event: 'confirmed', requestId: 'r', actor: { id: 'y' } });
    await a.append({ event: 'revoked', requestId: 'r', actor: {}, graphRequestIds: ['g1'] });
    const entries = await b.readAll();
    expect(entries.map((e) => e.event)).toEqual(['requested', 'confirmed', 'revoked']);
    expect(entries[0]).toMatchObject({ actor: { name: 'Zoë' }, reason: 'é ✓' });
    expect(entries[2].graphRequestIds).toEqual(['g1']);
    expect(Date.parse(entries[0].at)).not.toBeNaN();
  });

  it('skips garbage and torn lines, and recovers an entry glued to a torn one', async () => {
    const container = new ContainerClient(connectionString, freshContainer());
    const log = await new BlobAuditLog(container).init();
    await log.append({ event: 'requested', requestId: 'one', actor: {} });
    const raw = container.getAppendBlobClient('audit.jsonl');
    for (const junk of ['not json at all\n', '[1,2]\n', '{"at":"2026-11-22T12:00:00.000Z","event":"conf']) {
      await raw.appendBlock(junk, Buffer.byteLength(junk));
    }
    await log.append({ event: 'revoked', requestId: 'two', actor: {} });
    expect((await log.readAll()).map((e) => e.requestId)).toEqual(['one', 'two']);
    expect((await newestFirst(log)).map((e) => e.requestId)).toEqual(['two', 'one']);
  });

  it('creates the blob if it is missing, and reads an empty log as empty', async () => {
    const container = new ContainerClient(connectionString, freshContainer());
    const log = await new BlobAuditLog(container).init();
    expect(await log.readAll()).toEqual([]);
    await container.getAppendBlobClient('audit.jsonl').delete();
    await log.append({ event: 'status', actor: {} });
    expect((await log.readAll()).map((e) => e.event)).toEqual(['status']);
  });

  it('appends a bulk run in order, as a few blocks of whole lines, while another instance appends', async () => {
    const container = new ContainerClient(connectionString, freshContainer());
    const a = await new BlobAuditLog(container, { packedBlockBytes: 2048 }).init();
    const b = await new BlobAuditLog(container).init();
    const outcomes = Array.from({ length: 200 }, (_, i) => ({
      event: 'revoked' as const,
      requestId: 'bulk',
      actor: {},
      targets: [{ id: `u${i}`, upn: `user${i}@contoso.com` }],
    }));
    const bytes = outcomes.reduce(
      (n, o) => n + JSON.stringify({ at: new Date(0).toISOString(), ...o }).length + 1,
      0,
    );
    await Promise.all([
      a.appendMany(outcomes),
      ...Array.from({ length: 5 }, (_, i) => b.append({ event: 'status', requestId: `b${i}`, actor: {} })),
    ]);
    const entries = await b.readAll();
    expect(entries).toHaveLength(205);
    const bulk = entries.filter((e) => e.requestId === 'bulk').map((e) => e.targets?.[0].id);
    expect(bulk).toEqual(outcomes.map((o) => o.targets[0].id));
    const props = await container.getAppendBlobClient('audit.jsonl').getProperties();
    // 200 entries of ~100 bytes: ~10 blocks of up to 2 KiB each, not 200
    expect(props.blobCommittedBlockCount! - 5).toBeGreaterThanOrEqual(Math.ceil(bytes / 2048));
    expect(props.blobCommittedBlockCount! - 5).toBeLessThanOrEqual(Math.ceil(bytes / 2048) + 1);
  });

  it('writes an entry longer than a packed block (the request of `all`) whole, in a block of its own', async () => {
    const container = new ContainerClient(connectionString, freshContainer());
    const log = await new BlobAuditLog(container, { packedBlockBytes: 1024 }).init();
    const targets = Array.from({ length: 100 }, (_, i) => ({ id: `u${i}`, upn: `user${i}@contoso.com` }));
    await log.appendMany([
      { event: 'status', actor: {} },
      { event: 'requested', requestId: 'all', actor: {}, targets },
      { event: 'status', actor: {} },
    ]);
    const entries = await log.readAll();
    expect(entries.map((e) => e.event)).toEqual(['status', 'requested', 'status']);
    expect(entries[1].targets).toEqual(targets);
    const props = await container.getAppendBlobClient('audit.jsonl').getProperties();
    expect(props.blobCommittedBlockCount).toBe(3);
  });

  it('moves to a new segment when one is full, for every instance, keeping the order', async () => {
    const container = new ContainerClient(connectionString, freshContainer());
    const small = { maxSegmentBytes: 600 };
    const a = await new BlobAuditLog(container, small).init();
    const b = await new BlobAuditLog(container, small).init();
    for (let i = 0; i < 30; i++) {
      await (i % 3 ? a : b).append({ event: 'requested', requestId: `r${i}`, actor: {} });
    }
    const names: string[] = [];
    for await (const item of container.listBlobsFlat()) names.push(item.name);
    expect(names.length).toBeGreaterThan(2);
    expect(names).toContain('audit.jsonl');
    expect(names).toContain('audit.000001.jsonl');
    expect(
      (await new BlobAuditLog(container).init().then((l) => l.readAll())).map((e) => e.requestId),
    ).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`));
    expect((await newestFirst(a)).map((e) => e.requestId)).toEqual(
      Array.from({ length: 30 }, (_, i) => `r${29 - i}`),
    );
  });

  it('reads newest first from the end of the newest segment, downloading no more than the reader takes', async () => {
    const name = freshContainer();
    const downloads: string[] = [];
    const plain = new ContainerClient(connectionString, name);
    // the container as the log sees it, counting ranged downloads per segment
    const counted = new Proxy(plain, {
      get(target, prop, receiver) {
        if (prop !== 'getAppendBlobClient') return Reflect.get(target, prop, receiver);
        return (blobName: string) => {
          const blob = target.getAppendBlobClient(blobName);
          const download = blob.downloadToBuffer.bind(blob) as (o?: number, n?: number) => Promise<Buffer>;
          return Object.assign(blob, {
            downloadToBuffer: (o?: number, n?: number) => {
              downloads.push(blobName);
              return download(o, n);
            },
          });
        };
      },
    });
    // entries ten minutes apart, so that the newest are known before the older segments are read
    let clock = Date.parse('2026-11-01T00:00:00Z');
    const now = () => (clock += 10 * 60_000);
    const log = await new BlobAuditLog(counted, { maxSegmentBytes: 2_000, now }).init();
    const admin = { id: 'admin' };
    for (let i = 0; i < 40; i++) {
      await log.append({
        event: 'requested',
        requestId: `r${i}`,
        actor: admin,
        targets: [{ id: `u${i % 7}` }],
      });
    }
    const history = await recentHistory(log.readNewestFirst(), { count: 2 }, { firstCheck: 1 });
    expect(history.map((h) => h.requestId)).toEqual(['r39', 'r38']);
    expect(new Set(downloads)).toEqual(new Set([downloads[0]]));
    expect(downloads[0]).not.toBe('audit.jsonl');
    // a user's whole history over every segment: what buildHistory makes of readAll
    const q = { user: 'u3', count: 50 };
    expect(await recentHistory(log.readNewestFirst(), q)).toEqual(buildHistory(await log.readAll(), q));
  });
});

async function newestFirst(log: BlobAuditLog): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for await (const chunk of log.readNewestFirst()) entries.push(...entriesNewestFirst(chunk));
  return entries;
}

describe('BlobDeliveryLedger', () => {
  const WINDOW = 10 * 60_000;
  const CLAIM = 30_000;
  const KEY = '19:conv@thread.tacv2|1700000000001';
  const newContainer = async () => {
    const container = new ContainerClient(connectionString, freshContainer());
    await container.create();
    return container;
  };
  const ledger = (container: ContainerClient, o: Partial<BlobDeliveryLedgerOptions> = {}) =>
    new BlobDeliveryLedger(container, { windowMs: WINDOW, claimMs: CLAIM, pollMs: 50, ...o });
  /** Claims, and answers at once when it got the claim: what the bot does with a quick message. */
  const answer = async (l: BlobDeliveryLedger, key = KEY) => {
    const claim = await l.claim(key);
    await claim?.complete();
    return !!claim;
  };
  const claimBlobs = async (container: ContainerClient) => {
    const found: string[] = [];
    for await (const b of container.listBlobsFlat({ prefix: 'deliveries/' })) found.push(b.name);
    return found;
  };

  it('lets exactly one of several instances handle a delivery, and each repeat is refused', async () => {
    const container = await newContainer();
    const instances = Array.from({ length: 4 }, () => ledger(container));
    const handled = await Promise.all(instances.map((l) => answer(l)));
    expect(handled.filter(Boolean)).toHaveLength(1);
    expect(await answer(instances[0])).toBe(false);
    expect(await answer(instances[3])).toBe(false);
    expect(await answer(instances[1], '19:conv@thread.tacv2|1700000000002')).toBe(true);
  });

  it('lets another instance retry a message whose handling failed (the claim was released)', async () => {
    const container = await newContainer();
    const [a, b] = [ledger(container), ledger(container)];
    const first = (await a.claim(KEY))!;
    await first.release();
    expect(await answer(b)).toBe(true);
    expect(await answer(a)).toBe(false);
  });

  it('makes a repeat wait for a claim in progress, then drop the message once it is answered', async () => {
    const container = await newContainer();
    const [a, b] = [ledger(container), ledger(container)];
    const held = (await a.claim(KEY))!;
    const repeat = b.claim(KEY);
    await new Promise((r) => setTimeout(r, 300));
    await held.complete();
    expect(await repeat).toBeUndefined();
  });

  it('lets a repeat take over a claim whose holder died, once it expired', async () => {
    const container = await newContainer();
    let now = Date.now();
    const dead = ledger(container, { now: () => now });
    const deadClaim = await dead.claim(KEY);
    // the holder stops renewing (it died): another instance waits the claim out, then takes it
    const other = ledger(container, { now: () => now, claimMs: CLAIM });
    const waiting = other.claim(KEY);
    await new Promise((r) => setTimeout(r, 200));
    now += CLAIM;
    const taken = await waiting;
    expect(taken).toBeDefined();
    await taken!.complete();
    expect(await answer(ledger(container, { now: () => now }))).toBe(false);
    // stops its renewals; the claim is no longer its own, so nothing changes
    await deadClaim!.release();
    expect(await answer(ledger(container, { now: () => now }))).toBe(false);
  });

  it('lets exactly one of two instances take over an expired claim (If-Match on the ETag read)', async () => {
    const container = await newContainer();
    let now = Date.now();
    const held = [await ledger(container, { now: () => now }).claim(KEY)];
    now += CLAIM + 1;
    for (let round = 0; round < 5; round++) {
      const racers = Array.from({ length: 3 }, () => ledger(container, { now: () => now, waitMs: 0 }));
      const claims = await Promise.all(racers.map((l) => l.claim(KEY)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      held.push(...claims);
      // the winner dies too: its claim expires for the next round
      now += CLAIM + 1;
    }
    await Promise.all(held.map((c) => c?.release()));
  });

  it('renews the claim while the holder is alive, so a repeat gives up waiting and drops it', async () => {
    const container = await newContainer();
    const claimMs = 1500;
    const a = ledger(container, { claimMs, pollMs: 100 });
    const held = (await a.claim(KEY))!;
    const started = Date.now();
    expect(await ledger(container, { claimMs, pollMs: 100 }).claim(KEY)).toBeUndefined();
    // it waited about the claim's lifetime, in which the claim would have expired without renewals
    expect(Date.now() - started).toBeGreaterThanOrEqual(claimMs);
    await held.complete();
  });

  it('takes an empty claim blob, as earlier versions left, for a message already answered', async () => {
    const container = await newContainer();
    const first = ledger(container);
    await answer(first);
    const [name] = await claimBlobs(container);
    await container.getBlockBlobClient(name).upload('', 0);
    expect(await answer(ledger(container))).toBe(false);
  });

  it('sweeps claims older than the window, and only those', async () => {
    const container = await newContainer();
    let now = Date.now();
    const l = ledger(container, { now: () => now });
    await answer(l, 'conv|old');
    expect(await claimBlobs(container)).toHaveLength(1);
    await l.sweep();
    expect(await claimBlobs(container)).toHaveLength(1);
    now += WINDOW + 60_000;
    await l.sweep();
    expect(await claimBlobs(container)).toEqual([]);
  });

  it('handles the message when storage cannot answer, and says why', async () => {
    const port = await freePort();
    const down = new ContainerClient(
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
      'nowhere',
      { retryOptions: { maxTries: 1 } },
    );
    const errors: unknown[] = [];
    const l = ledger(down, { onError: (err) => errors.push(err) });
    const claim = await l.claim('conv|1');
    expect(claim).toBeDefined();
    expect(errors).toHaveLength(1);
    // the same instance still drops a repeat it saw itself
    expect(await l.claim('conv|1')).toBeUndefined();
    await claim!.complete();
    expect(await l.claim('conv|1')).toBeUndefined();
  });
});

describe('npm run audit:export with STORAGE_BACKEND=blob', () => {
  class Sink extends Writable {
    text = '';
    override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void) {
      this.text += chunk.toString('utf8');
      cb();
    }
  }
  const exportFrom = async (containerName: string, argv: string[] = []) => {
    const [out, err] = [new Sink(), new Sink()];
    const env = { STORAGE_BACKEND: 'blob', AZURE_STORAGE_CONNECTION_STRING: connectionString };
    const code = await exportAudit(argv, { ...env, AZURE_STORAGE_CONTAINER_NAME: containerName }, out, err);
    return { code, rows: out.text.split('\r\n').filter(Boolean), stderr: err.text };
  };

  it('streams every segment in order, from the container the bot uses', async () => {
    const name = freshContainer();
    const container = new ContainerClient(connectionString, name);
    const a = await new BlobAuditLog(container, { maxSegmentBytes: 600 }).init();
    const b = await new BlobAuditLog(container, { maxSegmentBytes: 600 }).init();
    for (let i = 0; i < 20; i++) {
      await (i % 2 ? b : a).append({
        at: `2026-11-${String(i + 1).padStart(2, '0')}T12:00:00.000Z`,
        event: 'requested',
        requestId: `r${i}`,
        actor: { name: 'Zoë' },
      });
    }
    const segments: string[] = [];
    for await (const blob of container.listBlobsFlat()) segments.push(blob.name);
    expect(segments.length).toBeGreaterThan(2);

    const all = await exportFrom(name);
    expect(all.code).toBe(0);
    expect(all.rows.slice(1).map((r) => r.split(',')[2])).toEqual(
      Array.from({ length: 20 }, (_, i) => `r${i}`),
    );
    expect(all.rows[1]).toContain('Zoë');
    expect(all.stderr).toContain(`20 of 20 entries from container ${container.url}`);
    expect(all.stderr).not.toContain(ACCOUNT_KEY);

    const november = await exportFrom(name, ['--since', '2026-11-05', '--until', '2026-11-06']);
    expect(november.rows.slice(1).map((r) => r.split(',')[2])).toEqual(['r4', 'r5']);
  });

  it('says so, with exit code 1, when the container has no audit log', async () => {
    const missing = await exportFrom(freshContainer());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no audit log in container http:.*there is no such container/);
    expect(missing.stderr).not.toContain(ACCOUNT_KEY);
    const name = freshContainer();
    await new ContainerClient(connectionString, name).create();
    const empty = await exportFrom(name);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/no audit log in container .*Check AZURE_STORAGE_CONTAINER_NAME/);
  });
});

describe('the bot with STORAGE_BACKEND=blob', () => {
  const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
  let sb: Sandbox;
  let bot: BotDriver;
  let audit: BlobAuditLog;

  beforeAll(async () => {
    sb = await startSandbox({
      env: {
        STORAGE_BACKEND: 'blob',
        AZURE_STORAGE_CONNECTION_STRING: connectionString,
        AZURE_STORAGE_CONTAINER_NAME: 'it-test',
      },
    });
    bot = new BotDriver(sb, SAMPLE.tenantId);
    audit = new BlobAuditLog(new ContainerClient(connectionString, 'it-test'));
  }, 60_000);
  afterAll(async () => {
    await sb?.stop();
  });

  const eventsOf = async (requestId: string) =>
    (await audit.readAll()).filter((e) => e.requestId === requestId).map((e) => e.event);

  it('signs a user out end to end, with its requests and audit in the container, not in DATA_DIR', async () => {
    const card = await bot.requestSignout(`signout ${SAMPLE.zoe.upn} phone lost`, admin);
    expect(JSON.stringify(card.card)).toContain('Zoë Ångström');
    const stored = await new BlobsStorage(connectionString, 'it-test').read([`request/${card.requestId}`]);
    expect(stored[`request/${card.requestId}`]).toMatchObject({ status: 'pending', reason: 'phone lost' });

    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, VALID_FROM_LINE);
    expect(sb.graph.revokeCount(SAMPLE.zoe.id)).toBe(1);
    await bot.waitForCardText(card.cardActivityId, /Signed out|signed out/);

    await eventually(async () =>
      expect(await eventsOf(card.requestId)).toEqual(['requested', 'confirmed', 'revoked']),
    );
    expect(fs.existsSync(path.join(sb.dataDir, 'audit.jsonl'))).toBe(false);
    expect(fs.existsSync(path.join(sb.dataDir, 'requests'))).toBe(false);
    expect(fs.existsSync(path.join(sb.dataDir, 'csv-link.key'))).toBe(false);
  });

  it('keeps a pending confirmation working across a restart', async () => {
    const card = await bot.requestSignout(`signout ${SAMPLE.lester.upn}`, admin);
    await sb.restartBot();
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, VALID_FROM_LINE);
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(1);
    await eventually(async () =>
      expect(await eventsOf(card.requestId)).toEqual(['requested', 'confirmed', 'revoked']),
    );
    expect(sb.logs()).not.toContain(ACCOUNT_KEY);
  });

  it("serves a bulk job's CSV link from an instance with an empty DATA_DIR", async () => {
    const card = await bot.requestSignout(`signout ${SAMPLE.lester.upn} ${SAMPLE.zoe.upn}`, admin);
    const before = sb.graph.revokeCounts();
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, /Bulk sign-out finished/, 30_000);
    await expectJobInvariants(sb, card.requestId, before);
    const link = csvLinkOn(await bot.waitForCardText(card.cardActivityId, /\/exports\//), sb.botUrl);
    // another instance: nothing of the first one's disk
    await sb.stopBot('SIGTERM');
    fs.rmSync(sb.dataDir, { recursive: true, force: true });
    fs.mkdirSync(sb.dataDir);
    await sb.restartBot();
    const res = await fetch(link);
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain(SAMPLE.lester.upn);
    expect(csv).toContain(SAMPLE.zoe.upn);
  });

  it('posts one card when Teams delivers a message again to another instance', async () => {
    const activity = messageActivity({
      text: `signout ${SAMPLE.obrien.upn}`,
      from: { aadObjectId: admin.id, name: admin.name },
      tenantId: SAMPLE.tenantId,
      serviceUrl: sb.serviceUrl!,
    });
    await postActivity(sb.botUrl, activity);
    await bot.connector.waitFor(
      (a) => a.conversationId === activity.conversation.id && !!a.body?.attachments?.length,
    );
    // a new process remembers nothing: only the container knows the message was handled
    await sb.restartBot();
    await postActivity(sb.botUrl, activity);
    await new Promise((r) => setTimeout(r, 1000));
    const cards = bot.postedIn(activity.conversation.id).filter((a) => a.body?.attachments?.length);
    expect(cards).toHaveLength(1);
    expect(sb.logs()).toMatch(/message delivered again; already handled/);
  });

  it('writes no delivery claim and one audit line for a flood from another tenant', async () => {
    const container = new ContainerClient(connectionString, 'it-test');
    const claims = async () => {
      const names: string[] = [];
      for await (const b of container.listBlobsFlat({ prefix: 'deliveries/' })) names.push(b.name);
      return names.sort();
    };
    const claimsBefore = await claims();
    const auditBefore = (await audit.readAll()).length;
    const foreignTenant = '7a9d3c2e-1b4f-4a6e-8d0c-2f3e4a5b6c7d';
    for (let i = 0; i < 20; i++) {
      const activity = messageActivity({
        text: `signout ${SAMPLE.lester.upn}`,
        from: { aadObjectId: admin.id, name: admin.name },
        tenantId: foreignTenant,
        serviceUrl: sb.serviceUrl!,
      });
      expect((await postActivity(sb.botUrl, activity)).status).toBe(200);
    }
    await bot.waitForSecurityNotice(new RegExp(`from tenant ${foreignTenant}`));
    expect(await claims()).toEqual(claimsBefore);
    const lines = (await audit.readAll()).slice(auditBefore).filter((e) => e.tenantId === foreignTenant);
    expect(lines).toHaveLength(1);
  });

  it('shuts down gracefully on SIGTERM with exit code 0', async () => {
    expect(await sb.stopBot('SIGTERM')).toBe(0);
  });
});

/** Retries an async assertion until it passes or time runs out. */
async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
