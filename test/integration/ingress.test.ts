import { spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BotDriver, cardOf, type Actor } from '../support/botDriver';
import { auditEntries, useSandbox } from '../support/sandboxState';
import { freePort, type Sandbox } from '../support/sandbox';
import {
  invokeActivity,
  messageActivity,
  nextMessageId,
  postActivity,
  type TeamsActivity,
} from '../support/teamsActivity';
import { SAMPLE } from '../support/tenantFixture';

/**
 * Issue 9, what reaches /api/messages in local mode (no tokens): bodies that are not activities, channels
 * other than Teams, other tenants, and how the process refuses to start or where it listens.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const INTERNAL_TEXT =
  /Cannot read|undefined|TypeError|RangeError|SyntaxError|Error:|\bat \S+ \(|node_modules|\.js:\d|validateAndFixActivity|req\.body|stack/i;

async function rawPost(botUrl: string, body: string | Buffer, headers: Record<string, string>) {
  const res = await fetch(`${botUrl}/api/messages`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

/** A non-loopback IPv4 address of this machine, to see who else could reach the bot. */
function externalAddress(): string {
  const found = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!found) throw new Error('this machine has no non-loopback IPv4 address to test the binding with');
  return found.address;
}

/** Whether a TCP connection to host:port is accepted. */
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

describe('what reaches /api/messages (local mode)', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox({}, (s, b) => {
    sb = s;
    bot = b;
  });

  const good = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    ...messageActivity({
      text: 'help',
      from: { aadObjectId: admin.id, name: admin.name },
      tenantId: SAMPLE.tenantId,
      serviceUrl: sb.serviceUrl!,
    }),
    ...over,
  });
  const without = (field: string, inside?: string) => {
    const a = good() as Record<string, any>;
    if (inside) delete a[inside][field];
    else delete a[field];
    return JSON.stringify(a);
  };
  const card = (value: unknown) =>
    JSON.stringify({
      ...invokeActivity({
        verb: 'signout.confirm',
        data: {},
        from: { aadObjectId: admin.id, name: admin.name },
        tenantId: SAMPLE.tenantId,
        serviceUrl: sb.serviceUrl!,
        conversationId: '19:x@thread.tacv2;messageid=1',
        replyToId: '1',
      }),
      value,
    });
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  const hostile: [string, () => string][] = [
    ['an empty body', () => ''],
    ['text that is not JSON', () => 'hello'],
    ['truncated JSON', () => JSON.stringify(good()).slice(0, 100)],
    ['a JSON array', () => '[]'],
    ['a JSON string', () => '"message"'],
    ['JSON null', () => 'null'],
    ['an empty object', () => '{}'],
    ['no type', () => without('type')],
    ['no from.id', () => without('id', 'from')],
    ['no from', () => without('from')],
    ['no recipient.id', () => without('id', 'recipient')],
    ['no conversation.id', () => without('id', 'conversation')],
    ['no conversation', () => without('conversation')],
    ['no serviceUrl', () => without('serviceUrl')],
    ['no channelId', () => without('channelId')],
    ['a serviceUrl that is no URL', () => JSON.stringify(good({ serviceUrl: 'javascript:alert(1)' }))],
    ['a number as type', () => JSON.stringify(good({ type: 5 }))],
    ['a number as text', () => JSON.stringify(good({ text: 5 }))],
    ['a string as from', () => JSON.stringify(good({ from: 'x' }))],
    ['an object as entities', () => JSON.stringify(good({ entities: {} }))],
    ['a string as channelData', () => JSON.stringify(good({ channelData: 'x' }))],
    ['a number as the tenant id', () => JSON.stringify(good({ channelData: { tenant: { id: 5 } } }))],
    ['a number as localTimezone', () => JSON.stringify(good({ localTimezone: 5 }))],
    ['a string as attachments', () => JSON.stringify(good({ attachments: 'x' }))],
    [
      'a string as membersAdded',
      () => JSON.stringify(good({ type: 'conversationUpdate', membersAdded: 'x' })),
    ],
    ['a card click without a value', () => card(undefined)],
    ['a card click whose action is a string', () => card({ action: 'x' })],
    ['a card click without a verb', () => card({ action: { type: 'Action.Execute', data: {} } })],
    ['a body nested 20,000 levels', () => `{"type":"message","x":${nested(20_000)}}`],
    [
      'an activity with 5,000 levels in channelData',
      () => JSON.stringify(good()).replace('"channelData":{', `"channelData":{"deep":${nested(5000)},`),
    ],
  ];

  it.each(hostile)(
    'answers %s with 400 and a short generic message, and changes nothing',
    async (_what, body) => {
      const before = { posted: bot.connector.activities.length, audit: (await auditEntries(sb)).length };
      const res = await rawPost(sb.botUrl, body(), { 'Content-Type': 'application/json' });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toEqual({ error: expect.any(String) });
      expect(res.text.length).toBeLessThan(100);
      expect(res.text).not.toMatch(INTERNAL_TEXT);
      expect(bot.connector.activities.length).toBe(before.posted);
      expect((await auditEntries(sb)).length).toBe(before.audit);
    },
  );

  it('is still healthy and answers after all of them', async () => {
    expect((await fetch(`${sb.botUrl}/healthz`)).status).toBe(200);
    const activity = await bot.say('help', admin);
    await bot.connector.waitFor((a) => a.conversationId === activity.conversation.id && !!cardOf(a));
    expect(sb.logs()).not.toMatch(/unhandled turn error/);
  });

  it('takes null for the optional fields, as some senders write them, and answers', async () => {
    const a = good() as Record<string, any>;
    const activity = {
      ...a,
      from: { ...a.from, name: null },
      recipient: { ...a.recipient, name: null },
      conversation: { ...a.conversation, name: null },
      localTimezone: null,
      localTimestamp: null,
      replyToId: null,
      entities: null,
      attachments: null,
    };
    expect((await postActivity(sb.botUrl, activity)).status).toBe(200);
    await bot.connector.waitFor((x) => x.conversationId === a.conversation.id && !!cardOf(x));
    expect(sb.logs()).not.toMatch(/unhandled turn error/);
  });

  it('answers an invoke it has no handler for with 400, not 501', async () => {
    const res = await rawPost(sb.botUrl, JSON.stringify({ ...JSON.parse(card({})), name: 'task/fetch' }), {
      'Content-Type': 'application/json',
    });
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(INTERNAL_TEXT);
  });

  it.each([
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\nhi\r\n--x--\r\n',
    ],
    ['application/x-www-form-urlencoded', 'type=message'],
    ['text/plain', '{"type":"message"}'],
    ['application/octet-stream', '{"type":"message"}'],
  ])('refuses a %s body with 415', async (contentType, body) => {
    const res = await rawPost(sb.botUrl, body, { 'Content-Type': contentType });
    expect(res.status).toBe(415);
    expect(res.text).not.toMatch(INTERNAL_TEXT);
  });

  it('refuses a gzip-encoded body with 415: a small upload must not unpack into a large one', async () => {
    const { gzipSync } = await import('node:zlib');
    const res = await rawPost(sb.botUrl, gzipSync(JSON.stringify(good())), {
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
    });
    expect(res.status).toBe(415);
  });

  it('refuses a body over 256 KiB with 413, declared or streamed, and takes one just under', async () => {
    const over = JSON.stringify(good({ text: 'x'.repeat(256 * 1024) }));
    const declared = await rawPost(sb.botUrl, over, { 'Content-Type': 'application/json' });
    expect(declared.status).toBe(413);
    // chunked: no Content-Length to check up front, so the limit applies while reading
    const streamed = await fetch(`${sb.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: new Blob([over]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    await streamed.arrayBuffer();

    const under = good({ text: `help ${'x'.repeat(200 * 1024)}` });
    expect((await postActivity(sb.botUrl, under)).status).toBe(200);
  });

  it.each(['webchat', 'directline', 'emulator', 'MSTeams'])(
    'serves only Teams: channel %s gets 403, and nothing is written or posted',
    async (channelId) => {
      const before = { posted: bot.connector.activities.length, audit: (await auditEntries(sb)).length };
      const res = await postActivity(sb.botUrl, good({ channelId, text: `signout ${SAMPLE.lester.upn}` }));
      expect(res.status).toBe(403);
      expect(bot.connector.activities.length).toBe(before.posted);
      expect((await auditEntries(sb)).length).toBe(before.audit);
      expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(0);
    },
  );

  it('refuses an activity whose two tenant ids disagree, like one from another tenant', async () => {
    const activity = messageActivity({
      text: 'help',
      from: { aadObjectId: admin.id, name: admin.name },
      tenantId: SAMPLE.foreignTenantId,
      serviceUrl: sb.serviceUrl!,
    });
    // the conversation says ours, channelData says another
    activity.conversation.tenantId = SAMPLE.tenantId;
    expect((await postActivity(sb.botUrl, activity)).status).toBe(200);
    await bot.waitForSecurityNotice(/Refused: an activity whose two tenant ids disagree/);
    await bot.waitForText(activity.conversation.id, /only work for the organization/);
    expect(bot.postedIn(activity.conversation.id).some((a) => cardOf(a))).toBe(false);

    const click = JSON.parse(card({ action: { type: 'Action.Execute', verb: 'signout.confirm', data: {} } }));
    click.channelData.tenant.id = SAMPLE.foreignTenantId;
    const answer = await postActivity(sb.botUrl, click);
    expect(answer.body?.value).toMatch(/only work for the organization/);
  });

  it("does not let another tenant's message take the delivery claim of a real one", async () => {
    const id = nextMessageId();
    const conversationId = `19:it-operations@thread.tacv2;messageid=${id}`;
    const from = { aadObjectId: admin.id, name: admin.name };
    const base = { text: 'help', from, serviceUrl: sb.serviceUrl!, id, conversationId };
    const forged = messageActivity({ ...base, tenantId: '0b7f0f51-0000-4000-8000-00000000f00d' });
    expect((await postActivity(sb.botUrl, forged)).status).toBe(200);
    // the same conversation and activity id from our tenant is a first delivery, and is answered
    await bot.post(messageActivity({ ...base, tenantId: SAMPLE.tenantId }));
    await bot.connector.waitFor((a) => a.conversationId === conversationId && !!cardOf(a));
  });

  it('answers a flood from another tenant with one notice and a handful of audit lines, and counts them all', async () => {
    const foreignTenant = '5e1c0a7b-3f4d-4e2a-9b8c-7d6e5f4a3b2c';
    const auditBefore = (await auditEntries(sb)).length;
    const from = { aadObjectId: admin.id, name: '[Re-verify your MFA](https://evil.example)' };
    const flood: TeamsActivity[] = Array.from({ length: 300 }, (_, i) =>
      i % 3
        ? messageActivity({
            text: `signout ${SAMPLE.lester.upn}`,
            from,
            tenantId: foreignTenant,
            serviceUrl: sb.serviceUrl!,
          })
        : invokeActivity({
            verb: 'signout.confirm',
            data: { requestId: '00000000-0000-4000-8000-000000000000' },
            from,
            tenantId: foreignTenant,
            serviceUrl: sb.serviceUrl!,
            conversationId: '19:x@thread.tacv2;messageid=1',
            replyToId: '1',
          }),
    );
    for (let i = 0; i < flood.length; i += 20) {
      const answers = await Promise.all(flood.slice(i, i + 20).map((a) => postActivity(sb.botUrl, a)));
      expect(answers.every((r) => r.status === 200)).toBe(true);
    }
    const notice = await bot.waitForSecurityNotice(new RegExp(`from tenant ${foreignTenant}`));
    expect(notice.body.text).not.toMatch(/Re-verify|evil\.example|it-operations|Lester/);
    const notices = bot.connector.activities.filter((a) => String(a.body?.text).includes(foreignTenant));
    expect(notices).toHaveLength(1);
    // one answer to the first message; every click got its answer in the HTTP response
    const replies = flood.filter((a) => bot.postedIn(a.conversation.id).length > 0);
    expect(replies.length).toBeLessThanOrEqual(1);
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(0);

    const lines = (await auditEntries(sb)).slice(auditBefore).filter((e) => e.tenantId === foreignTenant);
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toMatch(/Re-verify|evil\.example|it-operations/);

    // a graceful stop writes the count of the open window: nothing is lost
    expect(await sb.stopBot('SIGTERM')).toBe(0);
    const after = (await auditEntries(sb)).slice(auditBefore).filter((e) => e.tenantId === foreignTenant);
    expect(after).toHaveLength(2);
    expect(after[1].detail).toMatch(
      new RegExp(`^foreign tenant: 299 more activities from tenant ${foreignTenant}`),
    );
  });
});

describe('local mode', () => {
  let sb: Sandbox;
  useSandbox({}, (s) => (sb = s));

  it('listens on 127.0.0.1 only', async () => {
    const port = Number(new URL(sb.botUrl).port);
    expect(sb.env.LOCAL_MODE).toBe('true');
    expect(sb.env.BOT_ID).toBeUndefined();
    expect(await canConnect('127.0.0.1', port)).toBe(true);
    expect(await canConnect(externalAddress(), port)).toBe(false);
    expect(sb.logs()).toMatch(/"address":"127\.0\.0\.1".*"msg":"listening"/);
  });
});

describe('refusing to start', () => {
  // a free port, in case the bot wrongly starts: it must not take one another test uses
  let port = '';
  beforeAll(async () => {
    port = String(await freePort());
  });
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, [path.join(__dirname, '../../dist/src/index.js')], {
      env: { PATH: process.env.PATH, AZURE_TENANT_ID: SAMPLE.tenantId, PORT: port, ...env },
      encoding: 'utf8',
      timeout: 15_000,
    });
  const problems = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('  - '));

  it('without BOT_ID and without LOCAL_MODE: exit code 2 and one line naming both', () => {
    const run = start({});
    expect(run.status).toBe(2);
    expect(problems(run.stderr)).toEqual([
      "  - BOT_ID is not set: set BOT_ID (the bot's Entra app) to serve Teams, or LOCAL_MODE=true to run without inbound authentication on 127.0.0.1 (tests and the playground only)",
    ]);
  });

  it.each([
    [{ NODE_ENV: 'production' }, 'LOCAL_MODE=true is refused because NODE_ENV=production'],
    [{ WEBSITE_INSTANCE_ID: 'a1b2c3' }, 'LOCAL_MODE=true is refused because WEBSITE_INSTANCE_ID is set'],
  ])('in local mode with %p', (env, line) => {
    const run = start({ LOCAL_MODE: 'true', ...env });
    expect(run.status).toBe(2);
    expect(problems(run.stderr)).toEqual([expect.stringContaining(line)]);
  });

  it('with the test-only endpoints in production', () => {
    const run = start({
      NODE_ENV: 'production',
      BOT_ID: SAMPLE.admin.id,
      BOT_PASSWORD: 'x',
      TEST_ONLY_CHANNEL_OPENID_METADATA_URL: 'https://stand-in.example/v1/.well-known/openidconfiguration',
      TEST_ONLY_CHANNEL_TOKEN_ISSUER: 'https://stand-in.example',
    });
    expect(run.status).toBe(2);
    expect(problems(run.stderr)).toEqual([
      expect.stringMatching(
        /^ {2}- TEST_ONLY_.* are for the integration tests only, and refused because NODE_ENV=production$/,
      ),
    ]);
  });
});
