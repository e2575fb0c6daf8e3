import { BotDriver, cardOf, findAction, type Actor } from '../support/botDriver';
import type { RecordedActivity } from '../support/connectorStandIn';
import { PLAYBOOK_CLIENT_ID } from '../support/entraStandIn';
import {
  SANDBOX_CLIENT_ID,
  SANDBOX_SECURITY_CHANNEL_ID,
  startSandbox,
  type Sandbox,
} from '../support/sandbox';
import { auditEntries } from '../support/sandboxState';
import { SAMPLE } from '../support/tenantFixture';
import { allText, runs } from '../support/cardReader';

/**
 * Issue 14, section 2: POST /api/alerts with an Entra access token the tests sign with the Entra
 * stand-in's key (the bot fetches the tenant's OpenID configuration and keys over https), every refusal,
 * and the card it posts.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
/** in local mode the bot's app is its Graph app (no BOT_ID) */
const AUDIENCE = `api://${SANDBOX_CLIENT_ID}`;
const ROLE = ['Alerts.Submit'];

const ALERT = {
  userPrincipalName: SAMPLE.lester.upn,
  title: 'Impossible travel',
  severity: 'High',
  source: 'Microsoft Sentinel',
  link: 'https://portal.azure.com/#view/incident/42',
  description: 'Sign-ins from Lagos and Seattle within 10 minutes',
};

let sb: Sandbox;
let bot: BotDriver;

beforeAll(async () => {
  sb = await startSandbox();
  bot = new BotDriver(sb, SAMPLE.tenantId);
});
afterAll(() => sb?.stop());

async function submit(
  body: unknown,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${sb.botUrl}/api/alerts`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

const token = (o: Partial<Parameters<typeof sb.entra.signAppToken>[0]> = {}) =>
  sb.entra.signAppToken({ audience: AUDIENCE, roles: ROLE, ...o });

const securityPosts = () =>
  sb.connector!.activities.filter((a) => a.conversationId === SANDBOX_SECURITY_CHANNEL_ID);

it('answers 503 until Teams has told the bot where to post, and posts nothing', async () => {
  const res = await submit(ALERT, token());
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('30');
  expect(securityPosts()).toEqual([]);
  // the first activity from Teams tells the bot where to post
  await bot.say('help', admin);
});

it('posts the alert card and answers 202 with its id; it acts on nobody', async () => {
  const res = await submit(ALERT, token());
  expect(res.status).toBe(202);
  expect(res.body.alertId).toMatch(/^[0-9a-f-]{36}$/);
  const posted: RecordedActivity = await sb.connector!.waitFor(
    (a) =>
      a.conversationId === SANDBOX_SECURITY_CHANNEL_ID &&
      allText(cardOf(a) ?? {}).includes('Impossible travel'),
  );
  const card = cardOf(posted)!;
  const text = allText(card);
  expect(text).toContain('Alert: Impossible travel');
  expect(text).toContain('Severity: high');
  expect(text).toContain('Source: Microsoft Sentinel');
  expect(text).toContain('Link: https://portal.azure.com/#view/incident/42');
  expect(text).toContain(SAMPLE.lester.name);
  expect(text).not.toContain('Risk level');
  expect(findAction(card, 'alert.signout')?.data).toEqual({
    alert: 'webhook',
    userId: '',
    episode: '',
    alertId: res.body.alertId,
  });
  expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(0);
  const audited = (await auditEntries(sb)).filter((e) => e.event === 'alerted');
  expect(audited).toEqual([
    expect.objectContaining({
      actor: expect.objectContaining({ name: 'Microsoft Sentinel' }),
      targets: [expect.objectContaining({ id: SAMPLE.lester.id })],
      detail: expect.stringContaining(PLAYBOOK_CLIENT_ID),
    }),
  ]);
});

describe('refusals post nothing', () => {
  const cases: [string, () => Promise<{ status: number }>, number][] = [
    ['no token', () => submit(ALERT, undefined), 401],
    ['a token that is not a JWT', () => submit(ALERT, 'abc'), 401],
    ['a key the tenant never published', () => submit(ALERT, token({ key: 'unknown' })), 401],
    ['a forged signature under the published key id', () => submit(ALERT, token({ key: 'impostor' })), 401],
    ['an unsigned token', () => submit(ALERT, token({ key: 'none' })), 401],
    ['an expired token', () => submit(ALERT, token({ expiresIn: -3600 })), 401],
    ['another audience', () => submit(ALERT, token({ audience: 'https://graph.microsoft.com' })), 401],
    ['another tenant', () => submit(ALERT, token({ tenantId: SAMPLE.foreignTenantId })), 401],
    [
      'another issuer',
      () => submit(ALERT, token({ issuer: `https://sts.windows.net/${SAMPLE.tenantId}/` })),
      401,
    ],
    ['no Alerts.Submit role', () => submit(ALERT, token({ roles: ['Alerts.Read'] })), 403],
    ['no roles at all', () => submit(ALERT, token({ roles: undefined })), 403],
    ['a body that is not JSON', () => submit('{"title":', token()), 400],
    ['an unknown severity', () => submit({ ...ALERT, severity: 'critical' }, token()), 400],
    ['an http link', () => submit({ ...ALERT, link: 'http://portal.azure.com/' }, token()), 400],
    ['a javascript link', () => submit({ ...ALERT, link: 'javascript:alert(1)' }, token()), 400],
    ['both user fields', () => submit({ ...ALERT, userId: SAMPLE.lester.id }, token()), 400],
    [
      'a user not in the tenant',
      () => submit({ ...ALERT, userPrincipalName: 'nobody@contoso.com' }, token()),
      400,
    ],
  ];
  it.each(cases)('%s', async (_what, send, status) => {
    const before = securityPosts().length;
    const res = await send();
    expect(res.status).toBe(status);
    // give a wrongly posted card time to arrive
    await new Promise((r) => setTimeout(r, 200));
    expect(securityPosts().length).toBe(before);
  });

  it('a body over 64 KiB is refused before it is read to the end', async () => {
    const before = securityPosts().length;
    const res = await submit({ ...ALERT, description: 'x'.repeat(70 * 1024) }, token());
    expect(res.status).toBe(413);
    expect(securityPosts().length).toBe(before);
  });

  it('a form upload is refused before anything is read', async () => {
    const res = await submit('title=x', token(), { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
  });
});

it('answers 429 past 60 alerts a minute from one caller, and another caller still gets through', async () => {
  const caller = '0d3c9a5e-1111-4222-8333-444455556666';
  const other = '0d3c9a5e-1111-4222-8333-777788889999';
  const before = securityPosts().length;
  // a bad body counts: the limit is on calls, whatever they carry
  const statuses: number[] = [];
  for (let i = 0; i < 60; i++)
    statuses.push((await submit({ ...ALERT, severity: 'x' }, token({ clientId: caller }))).status);
  expect(new Set(statuses)).toEqual(new Set([400]));
  const over = await submit(ALERT, token({ clientId: caller }));
  expect(over.status).toBe(429);
  expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(securityPosts().length).toBe(before);
  expect((await submit(ALERT, token({ clientId: other }))).status).toBe(202);
});

it('shows hostile alert text literally, in TextRuns only', async () => {
  // at most 100 characters: the longest source the bot takes
  const evil =
    '**b** [c](https://evil.example) <at>x</at> ${$root.title} {{DATE(2017-02-14T06:08:39Z, SHORT)}}';
  const res = await submit(
    { ...ALERT, title: evil, source: evil, description: evil },
    token({ clientId: 'fe11e111-1111-4222-8333-444455556666' }),
  );
  expect(res.status).toBe(202);
  const posted = await sb.connector!.waitFor(
    (a) =>
      a.conversationId === SANDBOX_SECURITY_CHANNEL_ID &&
      JSON.stringify(cardOf(a) ?? {}).includes(res.body.alertId),
  );
  const card = cardOf(posted)!;
  expect(runs(card).filter((r) => r === evil || r === `Alert: ${evil}`).length).toBe(3);
  const blocks = JSON.stringify(card).match(/"type":"TextBlock","text":"[^"]*"/g) ?? [];
  for (const b of blocks) expect(b).not.toContain('evil.example');
});
