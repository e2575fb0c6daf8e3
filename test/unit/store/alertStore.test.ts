import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RiskEpisode } from '../../../src/domain/riskEpisode';
import type { WebhookAlert } from '../../../src/domain/webhookAlert';
import { AlertStore, processLocalCreate } from '../../../src/store/alertStore';
import { FileStorage } from '../../../src/store/fileStorage';

const episode = (over: Partial<RiskEpisode> = {}): RiskEpisode => ({
  userId: 'u1',
  startedAt: '2026-11-22T12:00:00Z',
  latest: {
    id: 'u1',
    userPrincipalName: 'kat@contoso.com',
    displayName: 'Kat',
    riskLevel: 'high',
    riskState: 'atRisk',
    riskDetail: 'none',
    riskLastUpdatedDateTime: '2026-11-22T12:00:00Z',
  },
  open: true,
  actions: [],
  ...over,
});

let dir: string;
let store: AlertStore;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-store-'));
  const files = await new FileStorage(path.join(dir, 'requests')).init();
  store = new AlertStore(files, processLocalCreate(files));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('AlertStore on the file store', () => {
  it('starts one episode per user however many try at once', async () => {
    const wins = await Promise.all(Array.from({ length: 10 }, () => store.startEpisode(episode())));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await store.getEpisode('U1')).toEqual(episode());
  });

  it('replaces a closed episode by a newer one once, and never an open one', async () => {
    await store.startEpisode(episode());
    const next = episode({ startedAt: '2026-11-23T08:00:00Z' });
    expect(await store.startEpisode(next, episode())).toBe(false);
    const closed = (await store.patchEpisode('u1', (e) => ({ ...e, open: false }))).record!;
    const wins = await Promise.all([store.startEpisode(next, closed), store.startEpisode(next, closed)]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect((await store.getEpisode('u1'))?.startedAt).toBe('2026-11-23T08:00:00Z');
  });

  it('lets exactly one of concurrent claims on posting the card win', async () => {
    await store.startEpisode(episode());
    const claims = await Promise.all(
      ['a', 'b', 'c'].map((instance) =>
        store.patchEpisode('u1', (e) =>
          e.poster ? undefined : { ...e, poster: { instance, token: instance, at: '2026-11-22T12:00:01Z' } },
        ),
      ),
    );
    expect(claims.filter((c) => c.ok)).toHaveLength(1);
  });

  it('lists every episode', async () => {
    await store.startEpisode(episode());
    await store.startEpisode(episode({ userId: 'u2' }));
    expect((await store.listEpisodes()).map((e) => e.userId).sort()).toEqual(['u1', 'u2']);
  });

  it('keeps submitted alerts, each id once', async () => {
    const alert: WebhookAlert = {
      id: 'a1',
      receivedAt: '2026-11-22T12:00:00Z',
      caller: { appId: 'app' },
      alert: { user: { kind: 'upn', value: 'kat@contoso.com' }, title: 't', severity: 'high', source: 's' },
      user: { id: 'u1', displayName: 'Kat', userPrincipalName: 'kat@contoso.com' },
      actions: [],
    };
    await store.createAlert(alert);
    await expect(store.createAlert(alert)).rejects.toThrow('exists already');
    expect(await store.getAlert('a1')).toEqual(alert);
    const changed = await store.patchAlert('a1', (a) => ({ ...a, cardActivityId: 'act' }));
    expect(changed.ok).toBe(true);
    expect((await store.getAlert('a1'))?.cardActivityId).toBe('act');
    expect((await store.patchAlert('missing', (a) => a)).ok).toBe(false);
  });
});

describe('the origin of posts', () => {
  it('is kept across instances of the store, and a damaged one reads as none', async () => {
    expect(await store.getOrigin()).toBeUndefined();
    await store.saveOrigin({
      serviceUrl: 'https://smba.example/emea/',
      bot: { id: '28:bot', name: 'Sign-out Bot' },
    });
    const files = await new FileStorage(path.join(dir, 'requests')).init();
    const again = new AlertStore(files, processLocalCreate(files));
    expect(await again.getOrigin()).toEqual({
      serviceUrl: 'https://smba.example/emea/',
      bot: { id: '28:bot', name: 'Sign-out Bot' },
    });
    await files.write({ 'alerts/origin': { serviceUrl: 42 } });
    expect(await again.getOrigin()).toBeUndefined();
  });
});
