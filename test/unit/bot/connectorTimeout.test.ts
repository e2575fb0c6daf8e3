import * as crypto from 'node:crypto';
import { type Activity, TurnContext } from 'botbuilder';
import { createAdapter } from '../../../src/bot/adapter';
import { ConnectorTimeoutError } from '../../../src/bot/connectorTimeout';
import { ConversationPoster } from '../../../src/bot/conversationPoster';
import { SecurityNotifier } from '../../../src/bot/notifier';
import { msg } from '../../../src/domain/markdown';
import type { SignoutRequest } from '../../../src/domain/types';
import { createLogger } from '../../../src/log';
import { ConnectorStandIn } from '../../support/connectorStandIn';
import { TEAMS, messageActivity } from '../../support/teamsActivity';

/**
 * Issue 10, item 6: every call the bot makes to the Bot Connector gives up after the timeout, against a
 * stand-in that accepts the request and never answers. The real adapter and connector client, as in
 * local mode.
 */

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const TIMEOUT_MS = 300;

describe('a Bot Connector that never answers', () => {
  const connector = new ConnectorStandIn();
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
  const adapter = createAdapter({}, log, TIMEOUT_MS);
  let serviceUrl = '';
  const incoming = () =>
    messageActivity({
      text: 'signout lester@contoso.com',
      from: { aadObjectId: crypto.randomUUID(), name: 'Megan Bowen' },
      tenantId: TENANT,
      serviceUrl,
    }) as unknown as Activity;

  beforeAll(async () => {
    serviceUrl = await connector.start();
  });
  afterAll(() => connector.stop());
  afterEach(async () => {
    await connector.release();
    connector.clear();
    lines.length = 0;
  });

  it('fails a card update after the timeout, and closes its connection', async () => {
    connector.hang('updates');
    const update = adapter.continueConversationAsync(
      '',
      TurnContext.getConversationReference(incoming()),
      (ctx) =>
        ctx.updateActivity({ type: 'message', id: '1700000000000', text: 'progress' }).then(() => undefined),
    );
    await expect(update).rejects.toBeInstanceOf(ConnectorTimeoutError);
    await expect(update).rejects.toThrow(`the Bot Connector did not answer within ${TIMEOUT_MS / 1000} s`);
    // the socket is closed, not left open for the life of the process
    await connector.waitForGiveUp((c) => c.op === 'update', 5000);
  });

  it('bounds replies within a turn too, and lets calls after it through once the connector answers', async () => {
    connector.hang('posts');
    const reference = TurnContext.getConversationReference(incoming());
    await expect(
      adapter.continueConversationAsync('', reference, async (ctx) => void (await ctx.sendActivity('hello'))),
    ).rejects.toBeInstanceOf(ConnectorTimeoutError);
    await connector.waitForGiveUp((c) => c.op === 'reply', 5000);
    await connector.release();
    await adapter.continueConversationAsync(
      '',
      reference,
      async (ctx) => void (await ctx.sendActivity('again')),
    );
    expect(connector.activities.map((a) => a.body?.text)).toEqual(['again']);
  });

  it('ConversationPoster drops a card update that does not answer, logs it, and returns', async () => {
    connector.hang('updates');
    const poster = new ConversationPoster(adapter, '', log, TIMEOUT_MS);
    const req = {
      id: 'r1',
      conversation: {
        reference: TurnContext.getConversationReference(incoming()),
        cardActivityId: '1700000000000',
      },
    } as unknown as SignoutRequest;
    await expect(poster.updateCard(req, { type: 'AdaptiveCard' })).resolves.toBeUndefined();
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'could not post to the conversation', requestId: 'r1', timedOut: true }),
    );
    expect(connector.held.map((c) => c.op)).toEqual(['update']);
  });

  it('ConversationPoster sends the updates of one card one at a time, the newest waiting one winning', async () => {
    connector.hang('updates');
    const poster = new ConversationPoster(adapter, '', log, 5000);
    const reference = TurnContext.getConversationReference(incoming());
    const req = {
      id: 'r2',
      conversation: { reference, cardActivityId: '1700000000001' },
    } as unknown as SignoutRequest;
    const sent = ['first', 'second', 'third'].map((title) => poster.updateCard(req, { title }));
    await connector.waitForHeld((c) => c.op === 'update', 5000);
    expect(connector.held).toHaveLength(1);
    let settled = false;
    const settling = poster.settle().then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    await connector.release();
    await Promise.all(sent);
    await settling;
    expect(settled).toBe(true);
    expect(connector.activities.map((a) => a.body.attachments[0].content.title)).toEqual(['first', 'third']);
  });

  it('SecurityNotifier sends in the background without waiting, and settles within the timeout', async () => {
    connector.hang('all');
    const notifier = new SecurityNotifier(adapter, '', TEAMS.securityChannelId, TENANT, log, TIMEOUT_MS);
    notifier.notifyInBackground(msg`Sign-out requested`, {
      serviceUrl,
      bot: { id: TEAMS.botId, name: 'Sign-out Bot' },
    });
    const held = await connector.waitForHeld((c) => c.conversationId === TEAMS.securityChannelId, 5000);
    expect(held.body).toMatchObject({ text: 'Sign-out requested' });
    await notifier.settle();
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'security channel notification failed', timedOut: true }),
    );
  });
});
