import { randomUUID } from 'node:crypto';
import { userFollowUps } from '../../src/domain/followUps';
import { createStores } from '../../src/store/createStores';
import { startAzurite, type Azurite } from '../support/azurite';
import { BotDriver, cardOf, cardText, type Actor } from '../support/botDriver';
import { DEFAULT_PERMISSIONS } from '../support/graphStandIn';
import { startSandbox, type BotInstance, type Sandbox } from '../support/sandbox';
import { VERIFY_PERMISSIONS } from '../support/signInLogStandIn';
import { SAMPLE } from '../support/tenantFixture';

/**
 * Issue 12 with STORAGE_BACKEND=blob (Azurite): of several instances that see a follow-up due, exactly
 * one posts it.
 */

let azurite: Azurite | undefined;

beforeAll(async () => {
  azurite = await startAzurite();
}, 30_000);

afterAll(async () => {
  await azurite?.stop();
});

const blob = (container: string) => ({
  dataDir: '/nonexistent',
  storage: {
    backend: 'blob' as const,
    connectionString: azurite!.connectionString,
    containerName: container,
  },
});

it('lets exactly one of two instances claim a due follow-up in the container', async () => {
  const container = `f-${randomUUID().slice(0, 8)}`;
  const [one, two] = await Promise.all([createStores(blob(container)), createStores(blob(container))]);
  try {
    const ups = userFollowUps('req', 'user', '2026-11-22T12:00:00Z', [15, 90]);
    await Promise.all([one.followUps.add([ups[0]]), two.followUps.add([ups[1]])]);
    // both were added although the instances wrote the index at the same time
    expect((await one.followUps.pending()).map((f) => f.id)).toEqual(ups.map((f) => f.id));
    const now = new Date('2026-11-22T12:20:00Z');
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? two : one).followUps.claim(ups[0].id, `instance-${i % 2}`, now, 60_000),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

describe('two bot instances on one container', () => {
  const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
  let sb: Sandbox;
  let second: BotInstance;
  let bot: BotDriver;

  beforeAll(async () => {
    sb = await startSandbox({
      env: {
        STORAGE_BACKEND: 'blob',
        AZURE_STORAGE_CONNECTION_STRING: azurite!.connectionString,
        AZURE_STORAGE_CONTAINER_NAME: 'followups-test',
        FOLLOW_UP_MINUTES: '0.05',
        SWEEP_SECONDS: '1',
        JOB_LEASE_SECONDS: '30',
      },
      graph: { permissions: [...DEFAULT_PERMISSIONS, ...VERIFY_PERMISSIONS] },
    });
    second = await sb.startInstance();
    bot = new BotDriver(sb, SAMPLE.tenantId);
  }, 90_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it('posts a follow-up once, whichever instance sees it due first', async () => {
    const card = await bot.requestSignout(`signout ${SAMPLE.zoe.upn} phone lost`, admin);
    await bot.click('signout.confirm', card, admin);
    const followUp = /Follow-up 3 seconds after the sign-out/;
    const posted = () =>
      bot
        .postedIn(card.conversationId)
        .filter((a) => a.op !== 'update' && followUp.test(cardText(cardOf(a))));
    await bot.connector.waitFor(() => posted().length > 0, 30_000);
    // both instances sweep every second: give them several chances to post it again
    await new Promise((r) => setTimeout(r, 4_000));
    expect(posted()).toHaveLength(1);
    expect(second.pid()).toBeDefined();
  });
});
