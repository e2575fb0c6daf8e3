import { ContainerClient } from '@azure/storage-blob';
import { BotDriver, cardOf, type Actor } from '../support/botDriver';
import { startAzurite, type Azurite } from '../support/azurite';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { waitUntil } from '../support/sandboxState';
import { messageActivity, postActivity, type TeamsActivity } from '../support/teamsActivity';
import { SAMPLE } from '../support/tenantFixture';

/**
 * Issue 10, item 7: Teams delivers a message again (to another instance) when the first one does not
 * answer. Two bot instances share one Azurite container; instance A takes the message and is held by a
 * slow Graph answer to its lookup. Delivery claims expire after DELIVERY_CLAIM_SECONDS unless their
 * holder renews them.
 */

const CONTAINER = 'redelivery';
const CLAIM_SECONDS = 2;
const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };

let azurite: Azurite;
let a: Sandbox;
let b: Sandbox;

beforeAll(async () => {
  azurite = await startAzurite();
  const env = {
    STORAGE_BACKEND: 'blob',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    AZURE_STORAGE_CONTAINER_NAME: CONTAINER,
    DELIVERY_CLAIM_SECONDS: String(CLAIM_SECONDS),
  };
  [a, b] = await Promise.all([startSandbox({ env }), startSandbox({ env })]);
}, 90_000);

afterAll(async () => {
  await Promise.allSettled([a?.stop(), b?.stop()]);
  await azurite?.stop();
});

/** A status command as Teams sends it, with A's connector as serviceUrl (A's stand-ins outlive A's process). */
function statusMessage(upn: string): TeamsActivity {
  return messageActivity({
    text: `status ${upn}`,
    from: { aadObjectId: admin.id, name: admin.name },
    tenantId: SAMPLE.tenantId,
    serviceUrl: a.serviceUrl!,
  });
}

/** The cards posted in the activity's conversation, whichever instance posted them. */
const cardsFor = (activity: TeamsActivity) =>
  new BotDriver(a, SAMPLE.tenantId).postedIn(activity.conversation.id).filter((x) => !!cardOf(x));

async function claimBlobs(): Promise<string[]> {
  const names: string[] = [];
  const container = new ContainerClient(azurite.connectionString, CONTAINER);
  for await (const blob of container.listBlobsFlat({ prefix: 'deliveries/' })) names.push(blob.name);
  return names;
}

describe('a message Teams delivers again to another instance (STORAGE_BACKEND=blob)', () => {
  it('is answered by the other instance when the first one died holding it, once its claim expired', async () => {
    const activity = statusMessage(SAMPLE.lester.upn);
    const claimsBefore = await claimBlobs();
    // A looks the user up and never hears back
    a.graph.inject({ method: 'GET', path: /^\/users\/lester/i, status: 200, delayMs: Infinity });
    const mark = a.logs().length;
    void postActivity(a.botUrl, activity).catch(() => undefined);
    await waitUntil(() => a.logs().slice(mark).includes('"command":"status"'));
    expect((await claimBlobs()).length).toBe(claimsBefore.length + 1);
    expect(await a.stopBot('SIGKILL')).toBeNull();
    expect(cardsFor(activity)).toHaveLength(0);

    // Teams gives up on A and delivers the same activity (same id) to B
    const res = await postActivity(b.botUrl, activity);
    expect(res.status).toBe(200);
    const connector = new BotDriver(a, SAMPLE.tenantId).connector;
    await connector.waitFor((x) => x.conversationId === activity.conversation.id && !!cardOf(x), 15_000);
    expect(cardsFor(activity)).toHaveLength(1);
    expect(JSON.stringify(cardsFor(activity)[0].body)).toContain(SAMPLE.lester.name);
    expect(b.logs()).not.toMatch(/message delivered again; already handled/);
  });

  it('is answered once when the first instance is slow but alive: it keeps its claim past the expiry', async () => {
    await a.restartBot();
    const activity = statusMessage(SAMPLE.zoe.upn);
    const mark = a.logs().length;
    // A's lookup takes longer than a claim lives without renewal
    a.graph.inject({ method: 'GET', path: /^\/users\/zoe/i, status: 200, delayMs: CLAIM_SECONDS * 2000 });
    const first = postActivity(a.botUrl, activity);
    await waitUntil(() => a.logs().slice(mark).includes('"command":"status"'));
    const again = postActivity(b.botUrl, activity);
    await Promise.all([first, again]);
    const connector = new BotDriver(a, SAMPLE.tenantId).connector;
    await connector.waitFor((x) => x.conversationId === activity.conversation.id && !!cardOf(x), 15_000);
    // B waited for A's claim, which A renewed, and dropped the message
    expect(cardsFor(activity)).toHaveLength(1);
    expect(b.logs()).toMatch(/message delivered again; already handled/);
  });
});
