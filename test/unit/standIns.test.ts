import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { type Activity, type ConversationParameters, TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { makeClientCertificate, makeTestCertificate } from '../support/cert';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { EntraStandIn } from '../support/entraStandIn';
import {
  TEAMS,
  invokeActivity,
  localTimestampIn,
  messageActivity,
  personalMessage,
  postActivity,
} from '../support/teamsActivity';

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const CLIENT_ID = '3f6a9c1e-8b2d-4e5f-a7c0-1d2e3f4a5b6c';
const SECRET = 'Sbx8Q~correct-horse-battery-staple';
const ROOT = path.resolve(__dirname, '../..');

type Json = any;

function httpsJson(
  url: string,
  ca: string,
  init: { method?: string; form?: Record<string, string> } = {},
): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const data = init.form ? new URLSearchParams(init.form).toString() : undefined;
    const req = https.request(
      url,
      {
        method: init.method ?? (data ? 'POST' : 'GET'),
        ca,
        headers: data ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('makeTestCertificate', () => {
  it('makes a self-signed certificate for localhost and 127.0.0.1, once per process', () => {
    const c = makeTestCertificate();
    expect(makeTestCertificate()).toBe(c);
    expect(fs.readFileSync(c.certPath, 'utf8')).toBe(c.cert);
    expect(fs.readFileSync(c.keyPath, 'utf8')).toBe(c.key);
    const x509 = new crypto.X509Certificate(c.cert);
    expect(x509.subject).toBe('CN=localhost');
    expect(x509.subjectAltName).toContain('DNS:localhost');
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.verify(x509.publicKey)).toBe(true);
  });
});

describe('EntraStandIn', () => {
  const cert = makeTestCertificate();
  const entra = new EntraStandIn({ tls: cert, tenantId: TENANT, clients: { [CLIENT_ID]: SECRET } });
  let authority = '';
  const tokenUrl = () => `${authority}/${TENANT}/oauth2/v2.0/token`;
  const form = (over: Record<string, string> = {}) => ({
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: SECRET,
    scope: 'https://graph.microsoft.com/.default',
    ...over,
  });

  beforeAll(async () => {
    authority = await entra.start();
  });
  afterAll(() => entra.stop());

  it('serves the tenant OpenID configuration pointing at itself', async () => {
    expect(authority).toMatch(/^https:\/\/localhost:\d+$/);
    const res = await httpsJson(`${authority}/${TENANT}/v2.0/.well-known/openid-configuration`, cert.cert);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      issuer: `${authority}/${TENANT}/v2.0`,
      token_endpoint: tokenUrl(),
      authorization_endpoint: `${authority}/${TENANT}/oauth2/v2.0/authorize`,
      jwks_uri: `${authority}/${TENANT}/discovery/v2.0/keys`,
    });
  });

  it('answers an unknown tenant with AADSTS90002', async () => {
    const other = '00000000-0000-0000-0000-000000000001';
    const res = await httpsJson(`${authority}/${other}/v2.0/.well-known/openid-configuration`, cert.cert);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_tenant');
    expect(res.body.error_description).toMatch(
      /^AADSTS90002: Tenant '00000000-0000-0000-0000-000000000001' not found/,
    );
    expect(res.body.error_codes).toEqual([90002]);
  });

  it('issues a JWT-shaped bearer token, signed with the published key, for the client credentials', async () => {
    const res = await httpsJson(tokenUrl(), cert.cert, { form: form() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    const token: string = res.body.access_token;
    expect(entra.isValidToken(token)).toBe(true);

    const [header, claims, signature] = token.split('.');
    const payload = JSON.parse(Buffer.from(claims, 'base64url').toString());
    expect(payload).toMatchObject({
      aud: 'https://graph.microsoft.com',
      tid: TENANT,
      appid: CLIENT_ID,
      idtyp: 'app',
    });
    const keys = await httpsJson(`${authority}/${TENANT}/discovery/v2.0/keys`, cert.cert);
    const jwk = keys.body.keys[0];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({
      alg: 'RS256',
      kid: jwk.kid,
    });
    const publicKey = crypto.createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' });
    const signed = crypto.verify(
      'sha256',
      Buffer.from(`${header}.${claims}`),
      publicKey,
      Buffer.from(signature, 'base64url'),
    );
    expect(signed).toBe(true);
  });

  it('refuses a wrong secret, an unknown client and a scope without /.default, as Entra does', async () => {
    const before = entra.tokenRequests;
    const wrongSecret = await httpsJson(tokenUrl(), cert.cert, { form: form({ client_secret: 'nope' }) });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');
    expect(wrongSecret.body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\./);

    const unknownClient = await httpsJson(tokenUrl(), cert.cert, {
      form: form({ client_id: crypto.randomUUID() }),
    });
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.body.error_description).toMatch(/^AADSTS700016:/);

    const badScope = await httpsJson(tokenUrl(), cert.cert, { form: form({ scope: 'User.Read.All' }) });
    expect(badScope.status).toBe(400);
    expect(badScope.body.error).toBe('invalid_scope');
    expect(entra.tokenRequests).toBe(before + 3);
  });

  it('no longer accepts a token that is unknown or expired', async () => {
    const res = await httpsJson(tokenUrl(), cert.cert, { form: form() });
    const token: string = res.body.access_token;
    expect(entra.isValidToken(`${token}x`)).toBe(false);
    expect(entra.isValidToken('')).toBe(false);
    entra.expireTokens();
    expect(entra.isValidToken(token)).toBe(false);
  });

  it('gives a real ClientSecretCredential a token, in a process that trusts the certificate', async () => {
    // NODE_EXTRA_CA_CERTS is read only at process start, exactly as for the bot: so run the SDK in a child.
    const script = `
      const { ClientSecretCredential } = require('@azure/identity');
      const opts = { authorityHost: process.env.AUTHORITY, disableInstanceDiscovery: true };
      const scope = 'https://graph.microsoft.com/.default';
      (async () => {
        const good = await new ClientSecretCredential(process.env.TENANT, process.env.CLIENT, process.env.SECRET, opts).getToken(scope);
        const bad = await new ClientSecretCredential(process.env.TENANT, process.env.CLIENT, 'wrong', opts)
          .getToken(scope).then(() => 'no error', (e) => e.message);
        console.log(JSON.stringify({ token: good.token, expiresOn: good.expiresOnTimestamp, bad }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const before = entra.tokenRequests;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_EXTRA_CA_CERTS: cert.certPath,
        AUTHORITY: authority,
        TENANT,
        CLIENT: CLIENT_ID,
        SECRET,
      },
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(entra.isValidToken(out.token)).toBe(true);
    expect(out.expiresOn - Date.now()).toBeGreaterThan(3500_000);
    expect(out.bad).toContain('AADSTS7000215');
    expect(entra.tokenRequests).toBeGreaterThan(before);
  });
});

describe('EntraStandIn with a certificate credential (private_key_jwt)', () => {
  const tls = makeTestCertificate();
  const registered = makeClientCertificate('registered-app-cert');
  const stranger = makeClientCertificate('unregistered-cert');
  const entra = new EntraStandIn({
    tls,
    tenantId: TENANT,
    clients: {},
    certificates: { [CLIENT_ID]: [registered.cert] },
  });
  let authority = '';
  const tokenUrl = () => `${authority}/${TENANT}/oauth2/v2.0/token`;
  beforeAll(async () => {
    authority = await entra.start();
  });
  afterAll(() => entra.stop());

  /** A client assertion as MSAL makes one (RS256, x5t), with claims and signing key open to change. */
  const assertion = (
    o: { claims?: Record<string, unknown>; signWith?: string; thumbprintOf?: string } = {},
  ) => {
    const now = Math.floor(Date.now() / 1000);
    const x509 = new crypto.X509Certificate(o.thumbprintOf ?? registered.cert);
    const header = {
      alg: 'RS256',
      typ: 'JWT',
      x5t: crypto.createHash('sha1').update(x509.raw).digest('base64url'),
    };
    const claims = {
      aud: tokenUrl(),
      iss: CLIENT_ID,
      sub: CLIENT_ID,
      nbf: now,
      exp: now + 600,
      jti: crypto.randomUUID(),
      ...o.claims,
    };
    const unsigned = [header, claims]
      .map((x) => Buffer.from(JSON.stringify(x)).toString('base64url'))
      .join('.');
    const signature = crypto.sign('sha256', Buffer.from(unsigned), o.signWith ?? registered.key);
    return `${unsigned}.${signature.toString('base64url')}`;
  };
  const ask = (clientAssertion: string, type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') =>
    httpsJson(tokenUrl(), tls.cert, {
      form: {
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_assertion_type: type,
        client_assertion: clientAssertion,
        scope: 'https://graph.microsoft.com/.default',
      },
    });

  it('issues a token for an assertion signed by the registered certificate', async () => {
    const res = await ask(assertion());
    expect(res.status).toBe(200);
    expect(entra.isValidToken(res.body.access_token)).toBe(true);
  });

  it.each<[string, () => string, RegExp]>([
    [
      'an unregistered certificate',
      () => assertion({ thumbprintOf: stranger.cert, signWith: stranger.key }),
      /^AADSTS700027: .*The key was not found/,
    ],
    [
      'a signature by another key',
      () => assertion({ signWith: stranger.key }),
      /^AADSTS700027: Client assertion contains an invalid signature/,
    ],
    [
      'another audience',
      () => assertion({ claims: { aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' } }),
      /^AADSTS50027: .*audience/,
    ],
    ['another issuer', () => assertion({ claims: { iss: 'someone-else' } }), /^AADSTS700021:/],
    [
      'an expired assertion',
      () => assertion({ claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }),
      /^AADSTS700024:/,
    ],
    ['garbage', () => 'not.a-jwt', /^AADSTS50027: JWT token is invalid or malformed/],
  ])('refuses %s with invalid_client, as Entra does', async (_label, make, message) => {
    const res = await ask(make());
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.body.error_description).toMatch(message);
  });

  it('refuses a wrong assertion type', async () => {
    const res = await ask(assertion(), 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer');
    expect(res.status).toBe(401);
    expect(res.body.error_description).toMatch(/^AADSTS7000219:/);
  });

  it('gives a real ClientCertificateCredential a token, and names an unregistered certificate', async () => {
    const script = `
      const { ClientCertificateCredential } = require('@azure/identity');
      const opts = { authorityHost: process.env.AUTHORITY, disableInstanceDiscovery: true };
      const scope = 'https://graph.microsoft.com/.default';
      const as = (pem) => new ClientCertificateCredential(process.env.TENANT, process.env.CLIENT, pem, opts);
      (async () => {
        const good = await as(process.env.GOOD).getToken(scope);
        const bad = await as(process.env.BAD).getToken(scope).then(() => 'no error', (e) => e.message);
        console.log(JSON.stringify({ token: good.token, bad }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_EXTRA_CA_CERTS: tls.certPath,
        AUTHORITY: authority,
        TENANT,
        CLIENT: CLIENT_ID,
        GOOD: registered.pemPath,
        BAD: stranger.pemPath,
      },
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(entra.isValidToken(out.token)).toBe(true);
    expect(out.bad).toContain('AADSTS700027');
  });
});

describe('ConnectorStandIn', () => {
  const connector = new ConnectorStandIn({
    intercept: (call) =>
      call.op === 'update' && call.activityId === 'gone'
        ? {
            status: 404,
            body: { error: { code: 'ActivityNotFoundInConversation', message: 'Unknown activity' } },
          }
        : undefined,
  });
  // the bot's adapter in local mode (no BOT_ID): no tokens, the real Connector client
  const adapter = new TeamsAdapter({ MicrosoftAppId: '' });
  let serviceUrl = '';
  const channelMessage = () =>
    messageActivity({
      text: 'signout lester@contoso.com',
      from: { aadObjectId: crypto.randomUUID(), name: 'Megan Bowen' },
      tenantId: TENANT,
      serviceUrl,
    });
  // builders produce the wire form (ISO strings), botbuilder's types say Date
  const inTurn = (activity: object, logic: (ctx: TurnContext) => Promise<void>) =>
    adapter.continueConversationAsync('', TurnContext.getConversationReference(activity as Activity), logic);

  beforeAll(async () => {
    serviceUrl = await connector.start();
  });
  afterAll(() => connector.stop());
  beforeEach(() => connector.clear());

  const connectorClient = (ctx: TurnContext) =>
    ctx.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);

  it('records a reply to an activity, with the conversation id decoded', async () => {
    expect(serviceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const incoming = channelMessage();
    let sentId: string | undefined;
    await inTurn(incoming, async (ctx) => {
      const reply = { type: 'message', text: 'Confirm?', replyToId: incoming.id } as Activity;
      sentId = (
        await connectorClient(ctx).conversations.replyToActivity(incoming.conversation.id, incoming.id, reply)
      ).id;
    });
    expect(connector.activities).toHaveLength(1);
    const [a] = connector.activities;
    expect(a).toMatchObject({
      op: 'reply',
      conversationId: incoming.conversation.id,
      replyToId: incoming.id,
      activityId: sentId,
    });
    expect(a.conversationId).toMatch(/^19:.+@thread\.tacv2;messageid=\d+$/);
    expect(a.body).toMatchObject({ type: 'message', text: 'Confirm?' });
    expect(a.authorization).toBeUndefined();
  });

  it('records sends, proactive replies, updates and deletes', async () => {
    const incoming = channelMessage();
    await inTurn(incoming, async (ctx) => {
      const client = connectorClient(ctx);
      const sent = await client.conversations.sendToConversation(TEAMS.securityChannelId, {
        type: 'message',
        text: 'first',
      } as Activity);
      // in a proactive turn botbuilder replies to the continuation activity
      const second = await ctx.sendActivity('second');
      expect(sent.id).not.toBe(second!.id);
      await ctx.updateActivity({ type: 'message', id: sent.id, text: 'first, updated' });
      await ctx.deleteActivity(second!.id);
    });
    expect(connector.activities.map((a) => a.op)).toEqual(['send', 'reply', 'update', 'delete']);
    const [first, second, update, del] = connector.activities;
    expect(first).toMatchObject({ conversationId: TEAMS.securityChannelId, body: { text: 'first' } });
    expect(second).toMatchObject({ conversationId: incoming.conversation.id, body: { text: 'second' } });
    expect(update).toMatchObject({ activityId: first.activityId, body: { text: 'first, updated' } });
    expect(del).toMatchObject({ activityId: second.activityId, conversationId: incoming.conversation.id });
  });

  it('refuses, as Teams does, an update of a message it never had (404) or one deleted since (403)', async () => {
    const strict = new ConnectorStandIn({ knownMessagesOnly: true });
    const strictUrl = await strict.start();
    const incoming = { ...channelMessage(), serviceUrl: strictUrl };
    const failures: unknown[] = [];
    let sentId = '';
    await inTurn(incoming, async (ctx) => {
      const client = connectorClient(ctx);
      sentId = (
        await client.conversations.sendToConversation(TEAMS.securityChannelId, {
          type: 'message',
          text: 'notice',
        } as Activity)
      ).id;
      const update = (id: string) =>
        client.conversations
          .updateActivity(TEAMS.securityChannelId, id, { type: 'message', id, text: 'updated' } as Activity)
          .catch((err: { statusCode?: number; code?: string }) => failures.push([err.statusCode, err.code]));
      await update('1234');
      await update(sentId);
      strict.deleteInTeams(TEAMS.securityChannelId, sentId);
      await update(sentId);
    }).finally(() => strict.stop());
    expect(failures).toEqual([
      [404, 'ActivityNotFoundInConversation'],
      [403, 'ServiceError'],
    ]);
    expect(strict.activities.map((a) => a.op)).toEqual(['send', 'update']);
    expect(strict.refusedUpdates).toEqual([
      { conversationId: TEAMS.securityChannelId, activityId: '1234', status: 404 },
      { conversationId: TEAMS.securityChannelId, activityId: sentId, status: 403 },
    ]);
  });

  it('by default lets an update of a made-up id through, but not one of a deleted message', async () => {
    const put = async (id: string) => {
      const url = `${serviceUrl}v3/conversations/${encodeURIComponent(TEAMS.securityChannelId)}/activities/${id}`;
      const res = await fetch(url, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      return res.status;
    };
    expect(await put('777')).toBe(200);
    connector.deleteInTeams(TEAMS.securityChannelId, '777');
    expect(await put('777')).toBe(403);
  });

  it('creates a channel conversation for a proactive post and records its first activity', async () => {
    const params = {
      isGroup: true,
      channelData: { channel: { id: TEAMS.securityChannelId } },
      activity: { type: 'message', text: 'Sign-out requested' },
    } as ConversationParameters;
    let created: Partial<Activity> | undefined;
    await adapter.createConversationAsync('', 'msteams', serviceUrl, '', params, async (ctx) => {
      created = ctx.activity;
    });
    const a = await connector.waitFor((x) => x.op === 'createConversation');
    expect(a.conversationId).toBe(`${TEAMS.securityChannelId};messageid=${a.activityId}`);
    expect(a.body).toMatchObject({ text: 'Sign-out requested' });
    expect(created?.conversation?.id).toBe(a.conversationId);
  });

  it('waitFor resolves on a later activity and times out listing what was recorded', async () => {
    const waiting = connector.waitFor((a) => a.body?.text === 'later', 5000);
    await inTurn(channelMessage(), async (ctx) => {
      await ctx.sendActivity('sooner');
      await ctx.sendActivity('later');
    });
    await expect(waiting).resolves.toMatchObject({ op: 'reply', body: { text: 'later' } });
    await expect(connector.waitFor((a) => a.body?.text === 'never', 50)).rejects.toThrow(
      /No matching activity within 50 ms\. Recorded:\n {2}reply 19:.+;messageid=\d+ #\d+ message "sooner"\n {2}reply .*"later"/,
    );
  });

  it('hangs: holds card updates unanswered while posts go through, and answers them on release', async () => {
    connector.hang('updates');
    let updated = false;
    const turn = inTurn(channelMessage(), async (ctx) => {
      const sent = await ctx.sendActivity('posted');
      await ctx.updateActivity({ type: 'message', id: sent!.id, text: 'updated' });
      updated = true;
    });
    const held = await connector.waitForHeld((c) => c.op === 'update', 5000);
    expect(held.body).toMatchObject({ text: 'updated' });
    expect(connector.activities.map((a) => a.op)).toEqual(['reply']);
    expect(updated).toBe(false);
    await connector.release();
    await turn;
    expect(updated).toBe(true);
    expect(connector.held).toEqual([]);
    expect(connector.activities.map((a) => a.op)).toEqual(['reply', 'update']);
  });

  it('hangs posts, or everything; a call whose caller gave up is not recorded on release', async () => {
    connector.hang('posts');
    const controller = new AbortController();
    const posted = fetch(
      `${serviceUrl}v3/conversations/${encodeURIComponent(TEAMS.securityChannelId)}/activities`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'hello' }),
        signal: controller.signal,
      },
    );
    await connector.waitForHeld((c) => c.op === 'send', 5000);
    controller.abort();
    await expect(posted).rejects.toThrow();
    connector.hang('all');
    const deleted = fetch(`${serviceUrl}v3/conversations/c1/activities/1`, { method: 'DELETE' });
    await connector.waitForHeld((c) => c.op === 'delete', 5000);
    await connector.waitForGiveUp((c) => c.op === 'send', 5000);
    await connector.release();
    expect((await deleted).status).toBe(200);
    expect(connector.abandoned.map((c) => c.op)).toEqual(['send']);
    expect(connector.activities.map((a) => a.op)).toEqual(['delete']);
  });

  it('holds the calls a test picks: release answers them, drop closes them unrecorded, later ones pass', async () => {
    const url = (id: string) => `${serviceUrl}v3/conversations/c1/activities/${id}`;
    const put = (id: string) =>
      fetch(url(id), {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', id, text: `card ${id}` }),
      });
    const first = connector.hold((c) => c.op === 'update' && c.activityId === '1');
    const answered = put('1');
    expect(await first.arrived).toMatchObject({ op: 'update', activityId: '1' });
    // other calls are not held
    expect((await put('2')).status).toBe(200);
    expect(connector.activities.map((a) => a.activityId)).toEqual(['2']);
    first.release();
    expect((await answered).status).toBe(200);
    expect(connector.activities.map((a) => a.activityId)).toEqual(['2', '1']);

    const second = connector.hold((c) => c.op === 'update');
    const dropped = put('3');
    await second.arrived;
    second.drop();
    await expect(dropped).rejects.toThrow();
    expect((await put('4')).status).toBe(200);
    expect(connector.held).toEqual([]);
    expect(connector.activities.map((a) => a.activityId)).toEqual(['2', '1', '4']);
  });

  it('lets a test fail a call; such calls are not recorded', async () => {
    await expect(
      inTurn(channelMessage(), async (ctx) => {
        await ctx.updateActivity({ type: 'message', id: 'gone', text: 'x' });
      }),
    ).rejects.toThrow(/Unknown activity/);
    expect(connector.activities).toEqual([]);
  });
});

describe('Teams activity builders', () => {
  const user = { aadObjectId: '0b7e8c0e-1f3a-4a1d-9f9e-2b6f0d3c4e5a', name: 'Megan Bowen' };
  const serviceUrl = 'http://127.0.0.1:1/';

  it('builds a channel message that @-mentions the bot, as Teams sends it', () => {
    const a = messageActivity({
      text: 'signout lester@contoso.com',
      from: user,
      tenantId: TENANT,
      serviceUrl,
    });
    expect(a).toMatchObject({
      type: 'message',
      channelId: 'msteams',
      serviceUrl,
      text: '<at>Sign-out Bot</at> signout lester@contoso.com',
      from: { name: 'Megan Bowen', aadObjectId: user.aadObjectId },
      recipient: { id: `28:${TEAMS.botId}`, name: 'Sign-out Bot' },
      conversation: { conversationType: 'channel', tenantId: TENANT, isGroup: true },
      channelData: { tenant: { id: TENANT }, team: { id: TEAMS.teamId }, channel: { id: TEAMS.channelId } },
    });
    expect(a.from.id).toMatch(/^29:1/);
    expect(a.conversation.id).toBe(`${TEAMS.channelId};messageid=${a.id}`);
    expect(a.entities).toContainEqual({
      type: 'mention',
      text: '<at>Sign-out Bot</at>',
      mentioned: { id: `28:${TEAMS.botId}`, name: 'Sign-out Bot' },
    });
    // botbuilder finds and strips the mention, as the bot will
    expect(TurnContext.removeRecipientMention(a as unknown as Activity).trim()).toBe(
      'signout lester@contoso.com',
    );
    // the same user keeps the same Teams id
    expect(messageActivity({ text: 'x', from: user, tenantId: TENANT, serviceUrl }).from.id).toBe(a.from.id);
  });

  it('builds a message without mention and a 1:1 chat message', () => {
    const plain = messageActivity({ text: 'hi', from: user, tenantId: TENANT, serviceUrl, mention: false });
    expect(plain.text).toBe('hi');
    expect(plain.entities.map((e) => e.type)).toEqual(['clientInfo']);

    const dm = personalMessage({ text: 'help', from: user, tenantId: TENANT, serviceUrl });
    expect(dm).toMatchObject({
      text: 'help',
      conversation: { conversationType: 'personal', tenantId: TENANT },
    });
    expect(dm.conversation.id).toMatch(/^a:1/);
    expect(dm.channelData).toEqual({ tenant: { id: TENANT } });
  });

  it("builds Teams' Action.Execute invoke", () => {
    const conversationId = `${TEAMS.channelId};messageid=1700000000000`;
    const a = invokeActivity({
      verb: 'confirm',
      data: { requestId: 'r1' },
      from: user,
      tenantId: TENANT,
      conversationId,
      replyToId: '1700000000001',
      serviceUrl,
      localTimezone: 'Asia/Kolkata',
    });
    expect(a).toMatchObject({
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: '1700000000001',
      conversation: { id: conversationId, conversationType: 'channel' },
      channelData: { channel: { id: TEAMS.channelId }, tenant: { id: TENANT } },
      value: {
        action: { type: 'Action.Execute', verb: 'confirm', data: { requestId: 'r1' } },
        trigger: 'manual',
      },
      localTimezone: 'Asia/Kolkata',
    });
    expect(a.localTimestamp).toMatch(/\+05:30$/);
  });

  it('writes local timestamps with the zone offset', () => {
    const at = new Date('2026-11-22T12:34:56.789Z');
    expect(localTimestampIn('Europe/Berlin', at)).toBe('2026-11-22T13:34:56.789+01:00');
    expect(localTimestampIn('America/Los_Angeles', at)).toBe('2026-11-22T04:34:56.789-08:00');
    expect(localTimestampIn('UTC', at)).toBe('2026-11-22T12:34:56.789+00:00');
  });

  it('postActivity POSTs JSON to /api/messages and parses the answer', async () => {
    let received: { url?: string; type?: string; body?: Json } = {};
    const server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        received = { url: req.url, type: req.headers['content-type'], body: JSON.parse(text) };
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"statusCode":200}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const activity = messageActivity({ text: 'help', from: user, tenantId: TENANT, serviceUrl });
      const res = await postActivity(`http://127.0.0.1:${port}/`, activity);
      expect(res).toEqual({ status: 200, body: { statusCode: 200 } });
      expect(received.url).toBe('/api/messages');
      expect(received.type).toMatch(/^application\/json/);
      expect(received.body).toEqual(activity);
    } finally {
      server.close();
    }
  });
});
