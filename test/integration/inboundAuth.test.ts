import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BotDriver, cardOf, type Actor } from '../support/botDriver';
import { CONNECTOR_AUDIENCE, SANDBOX_BOT_ID, type Sandbox } from '../support/sandbox';
import { auditEntries, auditTrailUntil, useSandbox } from '../support/sandboxState';
import { messageActivity, postActivity, type TeamsActivity } from '../support/teamsActivity';
import { SAMPLE } from '../support/tenantFixture';

/**
 * Issue 9, the inbound boundary with BOT_ID set: every activity needs a channel token, checked by
 * botbuilder against keys it fetches over https (the channel-auth stand-in signs them), and the bot's
 * replies carry its own token from Entra (the Entra stand-in), which the connector stand-in checks.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };

/** Every entry of a folder, recursively, with sizes: what an upload would add. */
function listing(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => {
      const full = path.join(e.parentPath ?? e.path, e.name);
      return `${path.relative(dir, full)} ${e.isFile() ? fs.statSync(full).size : 'dir'}`;
    })
    .sort();
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(3000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('inbound authentication with BOT_ID set', () => {
  const botTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'signout-bot-tmpdir-'));
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox({ auth: 'channel', env: { TMPDIR: botTemp } }, (s, b) => {
    sb = s;
    bot = b;
  });
  afterAll(() => fs.rmSync(botTemp, { recursive: true, force: true }));

  const activity = (text = 'help'): TeamsActivity =>
    messageActivity({
      text,
      from: { aadObjectId: admin.id, name: admin.name },
      tenantId: SAMPLE.tenantId,
      serviceUrl: sb.serviceUrl!,
    });
  const withToken = (a: TeamsActivity, token: string) =>
    postActivity(sb.botUrl, a, { Authorization: `Bearer ${token}` });

  it('runs with its app id, not in local mode, on every interface', async () => {
    expect(sb.env.BOT_ID).toBe(SANDBOX_BOT_ID);
    expect(sb.env.LOCAL_MODE).toBeUndefined();
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!external) throw new Error('this machine has no non-loopback IPv4 address to test the binding with');
    expect(await canConnect(external.address, Number(new URL(sb.botUrl).port))).toBe(true);
  });

  it('leaves its temp folder untouched by three unauthenticated 3 MB multipart uploads, and refuses them', async () => {
    const before = listing(botTemp);
    const file = Buffer.alloc(3 * 1024 * 1024, 'A');
    for (let i = 0; i < 3; i++) {
      const form = new FormData();
      form.append('activity', new Blob([file]), `upload-${i}.bin`);
      const res = await fetch(`${sb.botUrl}/api/messages`, { method: 'POST', body: form });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      await res.arrayBuffer();
    }
    expect(listing(botTemp)).toEqual(before);
  });

  it('accepts a valid channel token with 200, and answers with a token of its own that the connector accepts', async () => {
    const a = activity();
    const res = await withToken(a, await sb.channelAuth!.token({ serviceUrl: a.serviceUrl }));
    expect(res.status).toBe(200);
    const reply = await bot.connector.waitFor((x) => x.conversationId === a.conversation.id && !!cardOf(x));
    const bearer = /^Bearer (.+)$/.exec(reply.authorization ?? '')?.[1] ?? '';
    expect(sb.entra.isValidToken(bearer, CONNECTOR_AUDIENCE)).toBe(true);
    expect(bot.connector.refused).toEqual([]);
    expect(sb.channelAuth!.requests).toEqual(
      expect.arrayContaining(['/v1/.well-known/openidconfiguration', '/v1/.well-known/keys']),
    );
  });

  it('accepts a card click with a valid token, and answers it in the response', async () => {
    const card = await bot.requestSignout(`signout ${SAMPLE.lester.upn}`, admin);
    const answer = await bot.click('signout.cancel', card, admin);
    expect(answer.status).toBe(200);
    expect(answer.body?.type).toBe('application/vnd.microsoft.card.adaptive');
    // audited after the answer: wait, so that the tests below count the log at rest
    await auditTrailUntil(sb, card.requestId, 'cancelled');
  });

  const refusals: [string, (a: TeamsActivity) => Promise<string | undefined>][] = [
    ['no token', async () => undefined],
    ['an expired token', (a) => sb.channelAuth!.token({ serviceUrl: a.serviceUrl, expiresIn: -600 })],
    [
      'a token for another bot',
      (a) => sb.channelAuth!.token({ serviceUrl: a.serviceUrl, audience: SAMPLE.admin.id }),
    ],
    [
      'a token from another issuer',
      (a) => sb.channelAuth!.token({ serviceUrl: a.serviceUrl, issuer: 'https://api.botframework.evil' }),
    ],
    [
      'a token signed by a key not in the key list',
      (a) => sb.channelAuth!.token({ serviceUrl: a.serviceUrl, key: 'unknown' }),
    ],
    [
      'a token signed by another key under a published kid',
      (a) => sb.channelAuth!.token({ serviceUrl: a.serviceUrl, key: 'impostor' }),
    ],
    ['an unsigned token (alg: none)', async (a) => sb.channelAuth!.unsigned({ serviceUrl: a.serviceUrl })],
    [
      "a token for another serviceUrl than the activity's",
      () => sb.channelAuth!.token({ serviceUrl: 'https://smba.evil.example/teams/' }),
    ],
    ['a token that is not a JWT', async () => 'not-a-jwt'],
  ];

  it.each(refusals)('refuses %s with 401, never 500, and does nothing', async (_what, tokenFor) => {
    const a = activity(`signout ${SAMPLE.lester.upn}`);
    const auditBefore = (await auditEntries(sb)).length;
    const token = await tokenFor(a);
    const res = token === undefined ? await postActivity(sb.botUrl, a) : await withToken(a, token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized' });
    expect(bot.postedIn(a.conversation.id)).toEqual([]);
    expect((await auditEntries(sb)).length).toBe(auditBefore);
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(0);
  });

  it('still answers a valid token after all of them', async () => {
    const a = activity();
    expect((await withToken(a, await sb.channelAuth!.token({ serviceUrl: a.serviceUrl }))).status).toBe(200);
    await bot.connector.waitFor((x) => x.conversationId === a.conversation.id && !!cardOf(x));
  });
});
