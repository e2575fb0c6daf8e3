import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { userFollowUps } from '../../../src/domain/followUps';
import { FileStorage } from '../../../src/store/fileStorage';
import { FollowUpStore } from '../../../src/store/followUpStore';

const VALID_FROM = '2026-11-29T14:02:00Z';
const LEASE = 60_000;
const at = (minutes: number) => new Date(Date.parse(VALID_FROM) + minutes * 60_000);

async function open(dir?: string) {
  const d = dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'signout-followups-')));
  const storage = await new FileStorage(d).init();
  return { dir: d, store: await new FollowUpStore(storage).init() };
}

describe('FollowUpStore', () => {
  it('keeps follow-ups across a restart, soonest first, and adds each id once', async () => {
    const { dir, store } = await open();
    const ups = userFollowUps('req', 'user', VALID_FROM, [15, 90]);
    await store.add(ups);
    await store.add([ups[1]]);
    const again = await open(dir);
    expect((await again.store.pending()).map((f) => f.offsetMinutes)).toEqual([15, 90]);
  });

  it('lets one of two instances claim a due follow-up, and none claim one not yet due', async () => {
    const { store } = await open();
    const [first] = userFollowUps('req', 'user', VALID_FROM, [15]);
    await store.add([first]);
    expect(await store.claim(first.id, 'a', at(14), LEASE)).toBeUndefined();
    const claims = await Promise.all([
      store.claim(first.id, 'a', at(15), LEASE),
      store.claim(first.id, 'b', at(15), LEASE),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it("takes over a claim older than the lease; the old claimant's markPosted then fails", async () => {
    const { store } = await open();
    const [f] = userFollowUps('req', 'user', VALID_FROM, [15]);
    await store.add([f]);
    expect(await store.claim(f.id, 'a', at(15), LEASE)).toBeDefined();
    expect(await store.claim(f.id, 'b', at(15.5), LEASE)).toBeUndefined();
    expect(await store.claim(f.id, 'b', at(16), LEASE)).toMatchObject({ claim: { by: 'b' } });
    expect(await store.markPosted(f.id, 'a', at(16))).toBe(false);
    expect(await store.markPosted(f.id, 'b', at(16))).toBe(true);
    expect(await store.pending()).toEqual([]);
    expect(await store.claim(f.id, 'c', at(30), LEASE)).toBeUndefined();
  });

  it('rebuilds a lost index from the records', async () => {
    const { dir, store } = await open();
    await store.add(userFollowUps('req', 'user', VALID_FROM, [15, 90]));
    const storage = await new FileStorage(dir).init();
    await storage.delete(['index/followups']);
    const again = await new FollowUpStore(storage).init();
    expect(await again.pending()).toHaveLength(2);
  });
});
