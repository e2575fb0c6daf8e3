import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RiskEpisode } from '../../src/domain/riskEpisode';
import { createStores, type Stores } from '../../src/store/createStores';
import { startAzurite, type Azurite } from '../support/azurite';

/** The alert records on the blob back-end (Azurite): several instances start one episode, claim once. */

let azurite: Azurite | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
}, 30_000);
afterAll(async () => {
  await azurite?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function instances(n: number): Promise<Stores[]> {
  const containerName = `t-${randomUUID().slice(0, 8)}`;
  const started: Stores[] = [];
  for (let i = 0; i < n; i++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-blob-'));
    dirs.push(dataDir);
    started.push(
      await createStores({
        dataDir,
        storage: { backend: 'blob', connectionString: azurite!.connectionString, containerName },
      }),
    );
  }
  return started;
}

const episode = (startedAt: string): RiskEpisode => ({
  userId: 'kat',
  startedAt,
  latest: {
    id: 'kat',
    userPrincipalName: 'kat@contoso.com',
    displayName: 'Kat',
    riskLevel: 'high',
    riskState: 'atRisk',
    riskDetail: 'none',
    riskLastUpdatedDateTime: startedAt,
  },
  open: true,
  actions: [],
});

it('lets exactly one of three instances start an episode, claim its card, and replace it later', async () => {
  const all = await instances(3);
  try {
    const first = episode('2026-11-22T12:00:00Z');
    const started = await Promise.all(all.map((s) => s.alerts.startEpisode(first)));
    expect(started.filter(Boolean)).toHaveLength(1);
    const claims = await Promise.all(
      all.map((s, i) =>
        s.alerts.patchEpisode('kat', (e) =>
          e.poster
            ? undefined
            : { ...e, poster: { instance: `i${i}`, token: 't', at: new Date().toISOString() } },
        ),
      ),
    );
    expect(claims.filter((c) => c.ok)).toHaveLength(1);
    for (const s of all)
      expect((await s.alerts.getEpisode('kat'))?.poster?.instance).toBe(
        claims.find((c) => c.ok)!.record!.poster!.instance,
      );

    const closed = (await all[0].alerts.patchEpisode('kat', (e) => ({ ...e, open: false }))).record!;
    const next = episode('2026-11-23T08:00:00Z');
    const replaced = await Promise.all(all.map((s) => s.alerts.startEpisode(next, closed)));
    expect(replaced.filter(Boolean)).toHaveLength(1);
    expect((await all[2].alerts.listEpisodes()).map((e) => e.startedAt)).toEqual(['2026-11-23T08:00:00Z']);
  } finally {
    await Promise.all(all.map((s) => s.close()));
  }
}, 30_000);
