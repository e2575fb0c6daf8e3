import { createAdapter } from '../../../src/bot/adapter';
import { SecurityNotifier } from '../../../src/bot/notifier';
import { createLogger } from '../../../src/log';
import { ConnectorStandIn } from '../../support/connectorStandIn';
import { TEAMS } from '../../support/teamsActivity';

/**
 * The security channel's cards through the real adapter and connector client, against the stand-in:
 * posted with an id, updated in place, and 'gone' when Teams no longer has the message.
 */

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const CARD = (title: string) => ({ type: 'AdaptiveCard', version: '1.5', body: [], title });

describe('SecurityNotifier cards', () => {
  const connector = new ConnectorStandIn({ knownMessagesOnly: true });
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
  const adapter = createAdapter({}, log, 2000);
  // as the bot's Application does: an error in a turn is logged there and the turn ends
  adapter.onTurnError = async () => undefined;
  const notifier = new SecurityNotifier(adapter, '', TEAMS.securityChannelId, TENANT, log, 2000);
  let origin = { serviceUrl: '', bot: { id: TEAMS.botId, name: 'Sign-out Bot' } };

  beforeAll(async () => {
    origin = { ...origin, serviceUrl: await connector.start() };
  });
  afterAll(() => connector.stop());
  afterEach(() => {
    connector.clear();
    lines.length = 0;
  });

  it('posts a card to the security channel, returns its id, and updates that card', async () => {
    const id = await notifier.postCard(CARD('first'), origin);
    expect(id).toEqual(expect.any(String));
    expect(await notifier.updateCard(id!, CARD('second'), origin)).toBe('updated');
    expect(connector.activities.map((a) => [a.op, a.conversationId, a.activityId])).toEqual([
      [expect.stringMatching(/^(send|reply)$/), TEAMS.securityChannelId, id],
      ['update', TEAMS.securityChannelId, id],
    ]);
    expect(connector.activities[1].body.attachments[0].content.title).toBe('second');
  });

  it("says 'gone' when Teams has no such message (404) or it was deleted (403), and logs no error", async () => {
    expect(await notifier.updateCard('1234', CARD('x'), origin)).toBe('gone');
    const id = await notifier.postCard(CARD('first'), origin);
    connector.deleteInTeams(TEAMS.securityChannelId, id!);
    expect(await notifier.updateCard(id!, CARD('x'), origin)).toBe('gone');
    expect(lines.filter((l) => l.level === 50)).toEqual([]);
  });

  it("says 'failed' for any other failure, and logs it", async () => {
    const failing = new ConnectorStandIn({
      intercept: () => ({ status: 502, body: { error: { code: 'BadGateway' } } }),
    });
    const url = await failing.start();
    try {
      expect(await notifier.updateCard('1', CARD('x'), { ...origin, serviceUrl: url })).toBe('failed');
      expect(await notifier.postCard(CARD('x'), { ...origin, serviceUrl: url })).toBeUndefined();
    } finally {
      await failing.stop();
    }
    expect(lines.map((l) => l.msg)).toEqual([
      'security channel card not updated',
      'security channel card not posted',
    ]);
  });

  it('posts nothing without an origin or a security channel', async () => {
    expect(await notifier.postCard(CARD('x'), undefined)).toBeUndefined();
    const none = new SecurityNotifier(adapter, '', undefined, TENANT, log, 2000);
    expect(await none.postCard(CARD('x'), origin)).toBeUndefined();
    expect(await none.updateCard('1', CARD('x'), origin)).toBe('failed');
    expect(connector.activities).toEqual([]);
  });
});
