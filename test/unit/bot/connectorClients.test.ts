import type { TurnContext } from 'botbuilder';
import type { ConnectorClient, ConnectorFactory } from 'botframework-connector';
import { createAdapter } from '../../../src/bot/adapter';
import { ConnectorClients } from '../../../src/bot/connectorClients';
import { CONNECTOR_TIMEOUT_POLICY } from '../../../src/bot/connectorTimeout';
import { createLogger } from '../../../src/log';
import { ConnectorStandIn } from '../../support/connectorStandIn';
import { messageActivity } from '../../support/teamsActivity';

/** A factory that makes a fresh client (with a core-client pipeline, as botbuilder's) per call, or fails. */
function factory(o: { fail?: boolean } = {}) {
  const made: { serviceUrl: string; audience?: string; policies: string[] }[] = [];
  const f = {
    async create(serviceUrl: string, audience?: string) {
      if (o.fail) throw new Error('no credentials');
      const policies: string[] = [];
      made.push({ serviceUrl, audience, policies });
      return {
        client: {
          pipeline: {
            addPolicy: (p: { name: string }) => void policies.push(p.name),
            getOrderedPolicies: () => policies.map((name) => ({ name })),
          },
        },
      } as unknown as ConnectorClient;
    },
  } as ConnectorFactory;
  return { f, made };
}

const EU = 'https://smba.trafficmanager.net/emea/';
const US = 'https://smba.trafficmanager.net/amer/';
const AUDIENCE = 'https://api.botframework.com';

describe('ConnectorClients', () => {
  it("reuses one client per app, audience and service URL across turns' factories", async () => {
    const clients = new ConnectorClients(5_000);
    const turns = [factory(), factory(), factory()];
    const first = await clients.factory(turns[0].f, 'bot-app').create(EU, AUDIENCE);
    for (const t of turns.slice(1))
      expect(await clients.factory(t.f, 'bot-app').create(EU, AUDIENCE)).toBe(first);
    expect(turns.map((t) => t.made.length)).toEqual([1, 0, 0]);
    // bounded like every client the bot uses
    expect(turns[0].made[0].policies).toEqual([CONNECTOR_TIMEOUT_POLICY]);

    const other = factory();
    const distinct = [
      await clients.factory(other.f, 'bot-app').create(US, AUDIENCE),
      await clients.factory(other.f, 'another-app').create(EU, AUDIENCE),
      await clients.factory(other.f, undefined).create(EU, AUDIENCE),
      await clients.factory(other.f, 'bot-app').create(EU, 'https://api.botframework.us'),
    ];
    expect(new Set([first, ...distinct]).size).toBe(5);
    expect(other.made).toHaveLength(4);
  });

  it('makes a client again after a failure, instead of keeping the failure', async () => {
    const clients = new ConnectorClients(5_000);
    await expect(clients.factory(factory({ fail: true }).f, 'bot-app').create(EU, AUDIENCE)).rejects.toThrow(
      'no credentials',
    );
    const later = factory();
    await clients.factory(later.f, 'bot-app').create(EU, AUDIENCE);
    expect(later.made).toHaveLength(1);
  });

  it('keeps at most its limit of clients, dropping the least recently used', async () => {
    const clients = new ConnectorClients(5_000, 3);
    const { f, made } = factory();
    const urls = ['a', 'b', 'c', 'd'].map((x) => `https://${x}.example/`);
    const a = await clients.factory(f, 'bot-app').create(urls[0], AUDIENCE);
    await clients.factory(f, 'bot-app').create(urls[1], AUDIENCE);
    await clients.factory(f, 'bot-app').create(urls[2], AUDIENCE);
    // a is used again, so b is the oldest when d comes
    expect(await clients.factory(f, 'bot-app').create(urls[0], AUDIENCE)).toBe(a);
    await clients.factory(f, 'bot-app').create(urls[3], AUDIENCE);
    expect(clients.size).toBe(3);
    await clients.factory(f, 'bot-app').create(urls[1], AUDIENCE);
    expect(made.map((m) => m.serviceUrl)).toEqual([urls[0], urls[1], urls[2], urls[3], urls[1]]);
  });
});

describe('the adapter', () => {
  const connector = new ConnectorStandIn();
  let serviceUrl = '';
  beforeAll(async () => {
    serviceUrl = await connector.start();
  });
  afterAll(() => connector.stop());

  it('answers every turn through the same connector client, as in local mode', async () => {
    const adapter = createAdapter({}, createLogger('warn', { write: () => undefined }), 5_000);
    const used: unknown[] = [];
    for (const text of ['help', 'help again']) {
      const body = messageActivity({
        text,
        from: { aadObjectId: '0b0c7a4e-0000-4000-8000-000000000001', name: 'Megan Bowen' },
        tenantId: '9188040d-6c67-4c5b-b112-36a304b66dad',
        serviceUrl,
      });
      const res = { status: () => res, send: () => res, end: () => res, header: () => res };
      await adapter.process(
        { body: body as never, headers: {}, method: 'POST' },
        res as never,
        async (ctx: TurnContext) => {
          used.push(ctx.turnState.get(ctx.adapter.ConnectorClientKey));
          await ctx.sendActivity(text);
        },
      );
    }
    expect(connector.activities.map((a) => a.body?.text)).toEqual(['help', 'help again']);
    expect(used[0]).toBeDefined();
    expect(used[1]).toBe(used[0]);
  });
});
