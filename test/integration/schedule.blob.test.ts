import { randomUUID } from 'node:crypto';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { RequestStore } from '../../src/store/requestStore';
import { ScheduleClaims } from '../../src/store/scheduleClaims';
import { startAzurite, type Azurite } from '../support/azurite';
import { BotDriver, type Actor } from '../support/botDriver';
import { aRequest } from '../support/requests';
import { startSandbox, type BotInstance, type Sandbox } from '../support/sandbox';
import { SAMPLE } from '../support/tenantFixture';

/**
 * Scheduled sign-outs with STORAGE_BACKEND=blob (issue 13): on one Azurite container, exactly one
 * instance makes each move of a schedule (its reminder, its start, its end when it did not run).
 */

let azurite: Azurite | undefined;

beforeAll(async () => {
  azurite = await startAzurite();
}, 30_000);

afterAll(async () => {
  await azurite?.stop();
});

const AT = '2026-12-05T18:00:00.000Z';
const MIN = 60_000;
const timing = { reminderMs: 15 * MIN, graceMs: 60 * MIN };
const at = (offsetMs: number) => new Date(Date.parse(AT) + offsetMs);
const runner = (i: number) => ({
  instance: `host-${i}`,
  token: randomUUID(),
  heartbeatAt: at(0).toISOString(),
});

async function instances(n: number) {
  const container = `s-${randomUUID().slice(0, 8)}`;
  const stores = await Promise.all(
    Array.from({ length: n }, () =>
      new RequestStore(new BlobsStorage(azurite!.connectionString, container)).init(),
    ),
  );
  await stores[0].create(
    aRequest({
      id: 'cutover',
      status: 'scheduled',
      createdAt: '2026-12-04T09:00:00.000Z',
      targets: [{ id: 'u1', displayName: 'U1', userPrincipalName: 'u1@contoso.com' }],
      schedule: { at: AT, zone: 'UTC', zoneFrom: 'typed' },
    }),
  );
  return stores.map((s) => ({ store: s, claims: new ScheduleClaims(s, timing) }));
}

describe('schedule claims on one blob container', () => {
  it('lets exactly one of four instances start a due schedule', async () => {
    const all = await instances(4);
    const results = await Promise.all(all.map((x, i) => x.claims.start('cutover', at(2_000), runner(i))));
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    for (const lost of results.filter((r) => !r.ok)) expect(lost.request?.status).toBe('running');
    expect((await all[3].store.get('cutover'))?.runner).toEqual(winners[0].request.runner);
  });

  it('lets exactly one instance send the reminder, and one end a missed schedule', async () => {
    const all = await instances(3);
    const reminders = await Promise.all(all.map((x) => x.claims.remind('cutover', at(-10 * MIN))));
    expect(reminders.filter((r) => r.ok)).toHaveLength(1);
    const misses = await Promise.all(all.map((x, i) => x.claims.miss('cutover', at(90 * MIN), runner(i))));
    expect(misses.filter((r) => r.ok)).toHaveLength(1);
    expect(await all[0].store.get('cutover')).toMatchObject({
      status: 'expired',
      schedule: { remindedAt: at(-10 * MIN).toISOString(), missedAt: at(90 * MIN).toISOString() },
    });
  });
});

describe('two bot instances on one Azurite container', () => {
  const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
  const container = 'scheduled';
  let sb: Sandbox;
  let other: BotInstance;
  let bot: BotDriver;

  beforeAll(async () => {
    sb = await startSandbox({
      env: {
        SCHEDULE_TICK_SECONDS: '1',
        SWEEP_SECONDS: '1',
        JOB_LEASE_SECONDS: '2',
        STORAGE_BACKEND: 'blob',
        AZURE_STORAGE_CONNECTION_STRING: azurite!.connectionString,
        AZURE_STORAGE_CONTAINER_NAME: container,
        INSTANCE_ID: 'bot-a',
      },
    });
    other = await sb.startInstance({ INSTANCE_ID: 'bot-b' });
    bot = new BotDriver(sb, SAMPLE.tenantId);
  }, 60_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it('starts a scheduled job exactly once between them', async () => {
    const users = SAMPLE.testUsers;
    const before = new Map(users.map((u) => [u.id, sb.graph.revokeCount(u.id)]));
    const card = await bot.requestSignout('signout search:"Test User" in 1h -- cutover', admin, {
      localTimezone: 'Europe/Berlin',
    });
    await bot.click('signout.confirm', card, admin);
    // time passes: the schedule is due in a second, for both instances at once
    const storage = new BlobsStorage(azurite!.connectionString, container);
    const key = `request/${card.requestId}`;
    // the bot may still be writing the record (its notice card's version, after the click): a
    // compare-and-swap that loses is read and made again
    for (;;) {
      const stored = (await storage.read([key]))[key];
      expect(stored.status).toBe('scheduled');
      stored.schedule.at = new Date(Date.now() + 1000).toISOString();
      try {
        await storage.write({ [key]: stored });
        break;
      } catch (err) {
        if (!/eTag conflict/.test(String(err))) throw err;
      }
    }

    await bot.waitForText(card.conversationId, /Bulk sign-out finished/, 60_000);
    const started = [sb.logs(), other.logs()].map((l) => l.split('scheduled sign-out started').length - 1);
    expect(started.sort()).toEqual([0, 1]);
    for (const u of users) expect(sb.graph.revokeCount(u.id) - before.get(u.id)!).toBe(1);
    const summaries = bot
      .postedIn(card.conversationId)
      .filter((a) => /Bulk sign-out finished/.test(a.body?.text ?? ''));
    expect(summaries).toHaveLength(1);
  }, 120_000);
});
