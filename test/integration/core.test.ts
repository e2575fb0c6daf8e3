import * as fs from 'node:fs';
import path from 'node:path';
import { BotDriver, cardText, findAction, noticeText, type Actor } from '../support/botDriver';
import { shown } from '../support/markdownReader';
import { makeClientCertificate } from '../support/cert';
import { messageActivity, postActivity } from '../support/teamsActivity';
import { auditEntries, expireRequest, useSandbox, waitUntil } from '../support/sandboxState';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { SAMPLE, sampleTenant } from '../support/tenantFixture';

/**
 * Issue 2 end to end: the real bot process over HTTP, its Graph and Entra calls through the real SDKs
 * to the https stand-ins, and its posts recorded by the Bot Connector stand-in.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const secondAdmin: Actor = { id: SAMPLE.secondAdmin.id, name: SAMPLE.secondAdmin.name };
const nonAdmin: Actor = { id: SAMPLE.nonAdmin.id, name: SAMPLE.nonAdmin.name };

/** Ordinary members nobody else in this file uses, so each test has its own target. */
const spareMembers = (() => {
  const named = new Set(
    Object.values(SAMPLE as Record<string, unknown>)
      .flat()
      .filter((v): v is { id: string } => typeof v === 'object' && v !== null && 'id' in v)
      .map((p) => p.id),
  );
  const t = sampleTenant();
  const privileged = new Set(t.roles.flatMap((r) => r.memberIds));
  const displayNames = t.users.map((u) => u.displayName);
  return t.users.filter(
    (u) =>
      u.userType === 'Member' &&
      u.accountEnabled &&
      !named.has(u.id) &&
      !privileged.has(u.id) &&
      displayNames.filter((n) => n === u.displayName).length === 1,
  );
})();
let nextSpare = 0;
const spare = () => {
  const u = spareMembers[nextSpare++];
  if (!u) throw new Error('the sample tenant needs more ordinary members for these tests');
  return u;
};

const VALID_FROM_LINE =
  /Sessions valid from (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC \((?:\d{4}-\d{2}-\d{2} )?(\d{2}:\d{2}:\d{2}) ([^)]+)\)/;

describe('core sign-out, end to end', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox({}, (s, b) => {
    sb = s;
    bot = b;
  });
  afterEach(() => {
    sb.graph.clearFaults();
  });

  it('signs a user out: card, confirm, revoke, new time in UTC and local time, security channel, audit', async () => {
    const before = sb.graph.user(SAMPLE.lester.id)!.signInSessionsValidFromDateTime;
    const card = await bot.requestSignout(`signout ${SAMPLE.lester.upn} laptop stolen`, admin);

    const onCard = cardText(card.card);
    expect(onCard).toContain(SAMPLE.lester.name);
    expect(onCard).toContain(SAMPLE.lester.upn);
    expect(onCard).toContain(admin.name);
    expect(onCard).toContain('laptop stolen');
    expect(onCard).toMatch(/access-token lifetime, 60 to 90 minutes by default/);
    expect(onCard).toMatch(/Continuous Access Evaluation/);
    expect(findAction(card.card, 'signout.confirm')?.data).toEqual({ requestId: card.requestId });
    expect(findAction(card.card, 'signout.cancel')?.data).toEqual({ requestId: card.requestId });
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(0);
    const requested = await bot.waitForNotice(
      card.requestId,
      /^Sign-out requested: waiting for confirmation\n/,
    );
    expect(noticeText(requested)).toContain(`Users: ${SAMPLE.lester.name} (${SAMPLE.lester.upn})`);
    expect(noticeText(requested)).toContain('Reason: laptop stolen');

    const answer = await bot.click('signout.confirm', card, admin, { localTimezone: 'Europe/Berlin' });
    expect(answer.status).toBe(200);
    expect(answer.body?.type).toBe('application/vnd.microsoft.card.adaptive');

    const post = await bot.waitForText(card.conversationId, VALID_FROM_LINE);
    const after = sb.graph.user(SAMPLE.lester.id)!.signInSessionsValidFromDateTime;
    expect(after).not.toBe(before);
    const [, utc, local, zone] = VALID_FROM_LINE.exec(shown(post.body.text))!;
    expect(utc).toBe(after.slice(0, 19).replace('T', ' '));
    expect(zone).toBe('Europe/Berlin');
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(after));
    expect(local).toBe(berlin);
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(1);

    const finalCard = await bot.waitForCardText(card.cardActivityId, /Signed out|signed out/);
    expect(findAction(finalCard, 'signout.confirm')).toBeUndefined();
    // the same notice card, updated in place: requested, (running,) done
    const done = await bot.waitForNotice(card.requestId, /^Sign-out done\n/);
    expect(noticeText(done)).toContain(`Confirmed by: ${admin.name}`);
    expect(noticeText(done)).toContain('1 user: 1 signed out');
    const notice = bot.noticeCardHistory(card.requestId);
    expect(notice.activityId).toBe(requested.activityId);
    expect(notice.headlines[0]).toBe('Sign-out requested: waiting for confirmation');
    expect(notice.headlines.at(-1)).toBe('Sign-out done');
    expect(notice.headlines.slice(1, -1).every((h) => h === 'Sign-out running')).toBe(true);

    const events = (await auditEntries(sb)).filter((e) => e.requestId === card.requestId).map((e) => e.event);
    expect(events).toEqual(['requested', 'confirmed', 'revoked']);
  });

  it('refuses a caller who is not an admin, politely, and reports the attempt', async () => {
    const target = spare();
    const activity = await bot.say(`signout ${target.userPrincipalName}`, nonAdmin);
    const reply = await bot.waitForText(activity.conversation.id, /aren't allowed/);
    expect(shown(reply.body.text)).not.toMatch(/group|ADMIN_|[0-9a-f]{8}-/i);
    expect(bot.postedIn(activity.conversation.id).some((a) => a.body?.attachments?.length)).toBe(false);
    await bot.waitForSecurityNotice(
      new RegExp(`^Refused: \\d+ attempts? by one caller[^]*\nCaller: ${nonAdmin.name} `),
    );
    const refused = (await auditEntries(sb)).filter(
      (e) => e.event === 'refused' && e.actor.id === nonAdmin.id,
    );
    expect(refused.length).toBeGreaterThan(0);
  });

  it("refuses a non-admin clicking an admin's card, and leaves the card to the admins", async () => {
    const target = spare();
    const card = await bot.requestSignout(`signout ${target.userPrincipalName}`, admin);
    const answer = await bot.click('signout.confirm', card, nonAdmin);
    expect(answer.body?.type).toBe('application/vnd.microsoft.activity.message');
    expect(answer.body?.value).toMatch(/aren't allowed/);
    expect(
      bot.connector.activities.some((a) => a.activityId === card.cardActivityId && a.op === 'update'),
    ).toBe(false);
    expect(sb.graph.revokeCount(target.id)).toBe(0);

    await bot.click('signout.confirm', card, secondAdmin);
    await bot.waitForText(card.conversationId, VALID_FROM_LINE);
    expect(sb.graph.revokeCount(target.id)).toBe(1);
  });

  it('refuses activities from another tenant, on messages and on clicks', async () => {
    const target = spare();
    const activity = await bot.say(`signout ${target.userPrincipalName}`, admin, {
      tenantId: SAMPLE.foreignTenantId,
    });
    await bot.waitForText(activity.conversation.id, /only work for the organization/);
    const card = await bot.requestSignout(`signout ${target.userPrincipalName}`, admin);
    const answer = await bot.click('signout.confirm', card, admin, { tenantId: SAMPLE.foreignTenantId });
    expect(answer.body?.value).toMatch(/only work for the organization/);
    expect(sb.graph.revokeCount(target.id)).toBe(0);
    await bot.waitForSecurityNotice(new RegExp(`Refused: an activity from tenant ${SAMPLE.foreignTenantId}`));
  });

  it('revokes once for a double click and for ten concurrent clicks', async () => {
    const first = spare();
    const card = await bot.requestSignout(`signout ${first.userPrincipalName}`, admin);
    const a = await bot.click('signout.confirm', card, admin);
    const b = await bot.click('signout.confirm', card, admin);
    expect([a.status, b.status]).toEqual([200, 200]);
    await bot.waitForText(card.conversationId, VALID_FROM_LINE);

    const second = spare();
    const card2 = await bot.requestSignout(`signout ${second.userPrincipalName}`, admin);
    const clicks = await Promise.all(
      Array.from({ length: 10 }, (_, i) => bot.click('signout.confirm', card2, i % 2 ? admin : secondAdmin)),
    );
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    await bot.waitForText(card2.conversationId, VALID_FROM_LINE);
    await new Promise((r) => setTimeout(r, 500));
    expect(sb.graph.revokeCount(first.id)).toBe(1);
    expect(sb.graph.revokeCount(second.id)).toBe(1);
    const confirmed = (await auditEntries(sb)).filter(
      (e) => e.requestId === card2.requestId && e.event === 'confirmed',
    );
    expect(confirmed).toHaveLength(1);
  });

  it('does nothing when confirm comes after cancel', async () => {
    const target = spare();
    const card = await bot.requestSignout(`signout ${target.userPrincipalName}`, admin);
    const cancelled = await bot.click('signout.cancel', card, secondAdmin);
    expect(cardText(cancelled.body?.value)).toMatch(/[Cc]ancelled/);
    const late = await bot.click('signout.confirm', card, admin);
    expect(cardText(late.body?.value)).toMatch(/[Cc]ancelled/);
    expect(findAction(late.body?.value, 'signout.confirm')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(sb.graph.revokeCount(target.id)).toBe(0);
  });

  it('refuses a click on an expired card and changes nothing', async () => {
    const target = spare();
    const card = await bot.requestSignout(`signout ${target.userPrincipalName}`, admin);
    await expireRequest(sb, card.requestId);

    const answer = await bot.click('signout.confirm', card, admin);
    expect(cardText(answer.body?.value)).toMatch(/expired/i);
    expect(findAction(answer.body?.value, 'signout.confirm')).toBeUndefined();
    expect(sb.graph.revokeCount(target.id)).toBe(0);
  });

  it('explains a user who is not in the directory, and a user deleted before the click (404)', async () => {
    const activity = await bot.say('signout nobody.here@contoso.com', admin);
    await bot.waitForText(activity.conversation.id, /couldn't find "nobody\.here@contoso\.com"/);

    const target = spare();
    const card = await bot.requestSignout(`signout ${target.userPrincipalName}`, admin);
    sb.graph.inject({
      method: 'POST',
      path: /revokeSignInSessions$/,
      status: 404,
      code: 'Request_ResourceNotFound',
    });
    await bot.click('signout.confirm', card, admin);
    const post = await bot.waitForText(card.conversationId, /no user/);
    expect(shown(post.body.text)).toMatch(/404 Request_ResourceNotFound, request-id [0-9a-f-]{36}/);
  });

  it('explains a 403 on a privileged target with the role the app needs', async () => {
    const card = await bot.requestSignout(`signout ${SAMPLE.globalAdmin.upn}`, admin);
    expect(cardText(card.card)).toMatch(/Global Administrator/);
    await bot.click('signout.approve', card, secondAdmin);
    const post = await bot.waitForText(card.conversationId, /Privileged Authentication Administrator/);
    expect(shown(post.body.text)).toMatch(/403 Authorization_RequestDenied, request-id [0-9a-f-]{36}/);
    await bot.waitForCardText(card.cardActivityId, /Privileged Authentication Administrator/);
  });

  it('retries a 429 after Retry-After and then succeeds', async () => {
    const target = spare();
    const card = await bot.requestSignout(`signout ${target.userPrincipalName}`, admin);
    sb.graph.inject({
      method: 'POST',
      path: /revokeSignInSessions$/,
      status: 429,
      retryAfterSeconds: 1,
      times: 2,
    });
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, VALID_FROM_LINE, 20_000);
    expect(sb.graph.revokeCount(target.id)).toBe(1);
  });

  it('gives up clearly when Graph throttles forever', async () => {
    const target = spare();
    const card = await bot.requestSignout(`signout ${target.userPrincipalName}`, admin);
    sb.graph.inject({
      method: 'POST',
      path: new RegExp(`${target.id}/revokeSignInSessions$`),
      status: 429,
      retryAfterSeconds: 1,
      times: Infinity,
    });
    await bot.click('signout.confirm', card, admin);
    const post = await bot.waitForText(card.conversationId, /throttling/, 30_000);
    expect(shown(post.body.text)).toMatch(/429 TooManyRequests, request-id/);
    const attempts = sb.graph.requests.filter((r) => r.method === 'POST' && r.path.includes(target.id));
    expect(attempts).toHaveLength(4);
    expect(sb.graph.revokeCount(target.id)).toBe(0);
  });

  it('says when Graph cannot be reached', async () => {
    const target = spare();
    const card = await bot.requestSignout(`signout ${target.userPrincipalName}`, admin);
    sb.graph.inject({
      method: 'POST',
      path: /revokeSignInSessions$/,
      status: 0,
      unreachable: true,
      times: 4,
    });
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, /could not be reached/);
  });

  it('records a revoke Graph carried out before answering 503, instead of sending it again', async () => {
    const target = spare();
    const card = await bot.requestSignout(`signout ${target.userPrincipalName}`, admin);
    const revoke = new RegExp(`${target.id}/revokeSignInSessions$`);
    sb.graph.inject({ method: 'POST', path: revoke, status: 503, afterEffect: true, times: Infinity });
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, VALID_FROM_LINE, 20_000);
    expect(sb.graph.revokeCount(target.id)).toBe(1);
    expect(sb.graph.requests.filter((r) => r.method === 'POST' && revoke.test(r.path))).toHaveLength(1);
  });

  it('says that a guest is signed out in their home tenant', async () => {
    const card = await bot.requestSignout(`signout ${SAMPLE.guest.id}`, admin);
    expect(cardText(card.card)).toMatch(/[Gg]uest/);
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, /home organization/);
  });

  it('shows status with the valid-from time in UTC and local time', async () => {
    const activity = await bot.say(`status ${SAMPLE.lester.upn}`, admin, { localTimezone: 'Asia/Tokyo' });
    const reply = await bot.connector.waitFor(
      (a) => a.conversationId === activity.conversation.id && !!a.body?.attachments?.length,
    );
    const text = cardText(reply.body.attachments[0].content);
    const validFrom = sb.graph.user(SAMPLE.lester.id)!.signInSessionsValidFromDateTime;
    expect(text).toContain(SAMPLE.lester.upn);
    expect(text).toContain(`${validFrom.slice(0, 19).replace('T', ' ')} UTC`);
    expect(text).toContain('Asia/Tokyo');
    expect(text).toMatch(/Enabled/);
  });

  it('tolerates Teams markup and trailing punctuation', async () => {
    const target = spare();
    const card = await bot.requestSignout(
      `<p>signout&nbsp;<a href="mailto:${target.userPrincipalName}">${target.userPrincipalName}</a>.</p>`,
      admin,
    );
    expect(cardText(card.card)).toContain(target.userPrincipalName);
  });

  it('answers help, and "I did not understand" followed by the help', async () => {
    const help = await bot.say('help', nonAdmin);
    const helpCard = await bot.connector.waitFor(
      (a) => a.conversationId === help.conversation.id && !!a.body?.attachments?.length,
    );
    expect(cardText(helpCard.body.attachments[0].content)).toMatch(/signout/);
    const odd = await bot.say('please make coffee', admin);
    await bot.waitForText(odd.conversation.id, /didn't understand/);
    await bot.connector.waitFor(
      (a) => a.conversationId === odd.conversation.id && !!a.body?.attachments?.length,
    );
  });

  it('suggests users whose names start with what was typed, and acts on none of them', async () => {
    const before = sb.graph.revokeCount(SAMPLE.lester.id);
    const typo = await bot.say('signout lester@contso.com', admin);
    const answer = await bot.waitForText(typo.conversation.id, /couldn't find/);
    expect(shown(answer.body.text)).toMatch(
      new RegExp(`did you mean ${SAMPLE.lester.name} \\(${SAMPLE.lester.upn.replace('.', '\\.')}\\)\\?`),
    );
    const status = await bot.say('status lest', admin);
    await bot.waitForText(status.conversation.id, /For "lest", did you mean/);
    const nothing = await bot.say('status qqqq', admin);
    const plain = await bot.waitForText(nothing.conversation.id, /couldn't find a user "qqqq"/);
    expect(shown(plain.body.text)).not.toMatch(/did you mean/);
    for (const c of [typo, status, nothing]) {
      expect(bot.postedIn(c.conversation.id).some((a) => a.body?.attachments?.length)).toBe(false);
    }
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(before);
  });

  it('says which group it could not find, by name or by id', async () => {
    const byName = await bot.say('signout group:"No Such Wave"', admin);
    await bot.waitForText(
      byName.conversation.id,
      /couldn't find a group named "No Such Wave", so I did nothing/,
    );
    const unquoted = await bot.say('signout group:Migration Wave 1', admin);
    await bot.waitForText(unquoted.conversation.id, /named "Migration".*put all of it in quotes/);
    const byId = await bot.say('signout group:00000000-0000-4000-8000-00000000dead', admin);
    await bot.waitForText(
      byId.conversation.id,
      /no group with object id 00000000-0000-4000-8000-00000000dead/,
    );
  });

  it('treats hostile input as data: OData injection matches nobody, a 5,000-character message is refused', async () => {
    const before = sb.graph.requests.length;
    const injection = await bot.say('signout "x\' or 1 eq 1"', admin);
    await bot.waitForText(injection.conversation.id, /couldn't find|didn't understand|Tell me/);
    const filters = sb.graph.requests.slice(before).filter((r) => /filter/i.test(JSON.stringify(r.query)));
    for (const r of filters) expect(r.status).toBe(200);

    const long = await bot.say(`signout ${'a'.repeat(5000)}@contoso.com`, admin);
    await bot.waitForText(long.conversation.id, /characters long; I read at most/);
    expect(bot.postedIn(long.conversation.id).some((a) => a.body?.attachments?.length)).toBe(false);
  });

  it('handles a message Teams delivers twice only once', async () => {
    const target = spare();
    const activity = messageActivity({
      text: `signout ${target.userPrincipalName}`,
      from: { aadObjectId: admin.id, name: admin.name },
      tenantId: SAMPLE.tenantId,
      serviceUrl: sb.serviceUrl!,
    });
    await postActivity(sb.botUrl, activity);
    await postActivity(sb.botUrl, activity);
    await bot.connector.waitFor(
      (a) => a.conversationId === activity.conversation.id && !!a.body?.attachments?.length,
    );
    await new Promise((r) => setTimeout(r, 500));
    const cards = bot.postedIn(activity.conversation.id).filter((a) => a.body?.attachments?.length);
    expect(cards).toHaveLength(1);
  });

  it('records every refused attempt, and counts them on one security-channel card per caller and hour', async () => {
    const flooder: Actor = { id: SAMPLE.disabled.id, name: SAMPLE.disabled.name };
    const since = Date.now();
    for (let i = 0; i < 5; i++) {
      const a = await bot.say(`signout ${SAMPLE.lester.upn}`, flooder);
      await bot.waitForText(a.conversation.id, /aren't allowed/);
    }
    const refused = (await auditEntries(sb)).filter(
      (e) => e.event === 'refused' && e.actor.id === flooder.id,
    );
    expect(refused).toHaveLength(5);
    // Before issue 14 this was one text notice a minute; now one card, posted once and updated with the count
    await bot.waitForSecurityNotice(/^Refused: 5 attempts by one caller in one hour\n/);
    const notices = bot.connector.activities.filter(
      (a) =>
        a.at >= since &&
        a.conversationId === sb.env.SECURITY_CHANNEL_ID &&
        noticeText(a).includes(`Caller: ${flooder.name} (${flooder.id})`),
    );
    // a proactive post is a reply to the continuation activity
    expect(notices.map((a) => a.op)).toEqual(['reply', 'update', 'update', 'update', 'update']);
    expect(new Set(notices.map((a) => a.activityId)).size).toBe(1);
    expect(noticeText(notices[4])).toContain('Attempts, newest first');
  });

  it('rejects a forged card click with a malformed or unknown request id', async () => {
    const target = spare();
    const card = await bot.requestSignout(`signout ${target.userPrincipalName}`, admin);
    const bad = await bot.click('signout.confirm', card, admin, { data: { requestId: '../../etc/passwd' } });
    expect(bad.body?.value).toMatch(/no longer valid/);
    const unknown = await bot.click('signout.confirm', card, admin, {
      data: { requestId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(unknown.body?.value).toMatch(/no longer valid/);
    expect(sb.graph.revokeCount(target.id)).toBe(0);
  });
});

describe('core sign-out across a restart', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  // a restarted process is a new runner: it takes a crashed job over once the lease has run out
  useSandbox({ env: { JOB_LEASE_SECONDS: '2', SWEEP_SECONDS: '1' } }, (s, b) => {
    sb = s;
    bot = b;
  });

  it('keeps a pending confirmation working after the bot restarts', async () => {
    const card = await bot.requestSignout(`signout ${SAMPLE.lester.upn}`, admin);
    await sb.restartBot();
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, VALID_FROM_LINE);
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(1);
  });

  it('finishes a job interrupted by a crash without revoking twice', async () => {
    const card = await bot.requestSignout(`signout ${SAMPLE.secondAdmin.upn}`, admin);
    // the read-back hangs, so the bot stops after Graph accepted the revoke
    sb.graph.inject({
      method: 'GET',
      path: new RegExp(`/users/${SAMPLE.secondAdmin.id}$`),
      status: 200,
      delayMs: 8000,
    });
    await bot.click('signout.confirm', card, admin);
    await waitUntil(() => sb.graph.revokeCount(SAMPLE.secondAdmin.id) === 1);
    await sb.stopBot('SIGKILL');
    await sb.restartBot();
    sb.graph.clearFaults();
    await bot.waitForText(card.conversationId, VALID_FROM_LINE, 20_000);
    expect(sb.graph.revokeCount(SAMPLE.secondAdmin.id)).toBe(1);
  });

  it('never logs the client secret or a token', () => {
    const logs = sb.logs();
    expect(logs).toMatch(/sign-out confirmed/);
    expect(logs).not.toContain(sb.env.AZURE_CLIENT_SECRET);
    expect(logs).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
    expect(logs).not.toMatch(/Bearer /i);
  });

  it('shuts down gracefully on SIGTERM with exit code 0', async () => {
    expect(await sb.stopBot('SIGTERM')).toBe(0);
  });
});

describe('core sign-out with a certificate credential', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  // admin is an admin through the group only; secondAdmin is also listed in ADMIN_USER_IDS
  useSandbox({ credential: 'certificate', env: { ADMIN_USER_IDS: SAMPLE.secondAdmin.id } }, (s, b) => {
    sb = s;
    bot = b;
  });

  it('gets its Graph token with the certificate (private_key_jwt) and signs a user out', async () => {
    expect(sb.env.AZURE_CLIENT_SECRET).toBeUndefined();
    const card = await bot.requestSignout(`signout ${SAMPLE.lester.upn}`, admin);
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, VALID_FROM_LINE);
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(1);
    expect(sb.entra.tokenRequests).toBeGreaterThan(0);
  });

  it('names the problem to a listed admin and in the log when its certificate is not the one uploaded, and changes nothing', async () => {
    const pem = sb.env.AZURE_CLIENT_CERTIFICATE_PATH;
    const rotated = makeClientCertificate('rotated-but-not-uploaded');
    fs.copyFileSync(rotated.pemPath, pem);
    await sb.restartBot();
    const before = sb.graph.revokeCount(SAMPLE.zoe.id);
    const detail =
      /certificate \(AZURE_CLIENT_CERTIFICATE_PATH\) is not one uploaded to the app registration \(AADSTS700027\)/;

    // an admin only through the group cannot be told apart from anyone else: a plain refusal
    const activity = await bot.say(`signout ${SAMPLE.zoe.upn}`, admin);
    const answer = await bot.waitForText(activity.conversation.id, /./);
    expect(shown(answer.body.text)).toMatch(/cannot check who is an admin right now/);
    expect(shown(answer.body.text)).not.toMatch(/AADSTS|AZURE_|certificate/i);
    expect(await auditEntries(sb)).toContainEqual(
      expect.objectContaining({ event: 'refused', detail: expect.stringMatching(/checkFailed/) }),
    );
    expect(sb.logs()).toMatch(detail);

    // a listed admin gets past the check and is told what to fix
    const listed = await bot.say(`signout ${SAMPLE.zoe.upn}`, secondAdmin);
    const told = await bot.waitForText(listed.conversation.id, /./);
    expect(shown(told.body.text)).toMatch(detail);
    expect(sb.graph.revokeCount(SAMPLE.zoe.id)).toBe(before);
  });

  it('never logs the private key or a token', () => {
    const logs = sb.logs();
    expect(logs).not.toMatch(/PRIVATE KEY/);
    expect(logs).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
  });
});

describe('fail closed and fail fast', () => {
  it('refuses everyone when no admin group or list is configured', async () => {
    const sb = await startSandbox({ env: { ADMIN_GROUP_ID: undefined, ADMIN_USER_IDS: undefined } });
    try {
      const bot = new BotDriver(sb, SAMPLE.tenantId);
      const activity = await bot.say(`signout ${SAMPLE.lester.upn}`, admin);
      const answer = await bot.waitForText(activity.conversation.id, /nobody can use Sign-out Bot yet/);
      expect(answer.body.text).toMatch(/Ask whoever deployed it/);
      expect(answer.body.text).not.toMatch(/ADMIN_GROUP_ID|ADMIN_USER_IDS/);
      expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(0);
      expect(bot.postedIn(activity.conversation.id).some((a) => a.body?.attachments?.length)).toBe(false);
    } finally {
      await sb.stop();
    }
  });

  it('refuses when Entra rejects its client secret, naming the setting to fix only to listed admins and the log', async () => {
    const sb = await startSandbox({
      env: { AZURE_CLIENT_SECRET: 'Sbx8Q~an-old-secret-value', ADMIN_USER_IDS: SAMPLE.secondAdmin.id },
    });
    try {
      const bot = new BotDriver(sb, SAMPLE.tenantId);
      const detail = /client secret \(AZURE_CLIENT_SECRET\) is wrong \(AADSTS7000215\)/;
      for (const caller of [admin, nonAdmin]) {
        const activity = await bot.say(`signout ${SAMPLE.lester.upn}`, caller);
        const answer = await bot.waitForText(activity.conversation.id, /cannot check who is an admin/);
        expect(shown(answer.body.text)).not.toMatch(/AADSTS|AZURE_|ADMIN_|secret/i);
      }
      const listed = await bot.say(`signout ${SAMPLE.lester.upn}`, secondAdmin);
      expect(shown((await bot.waitForText(listed.conversation.id, /./)).body.text)).toMatch(detail);
      expect(sb.logs()).toMatch(detail);
      expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(0);
      expect(sb.logs()).not.toContain('an-old-secret-value');
    } finally {
      await sb.stop();
    }
  });

  it('refuses to start with a bad configuration, one line per problem', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(process.execPath, [path.join(__dirname, '../../dist/src/index.js')], {
      env: {
        PATH: process.env.PATH,
        ADMIN_GROUP_ID: 'admins',
        GRAPH_BASE_URL: 'http://graph.example.com',
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines).toEqual([
      '  - AZURE_TENANT_ID is required',
      '  - GRAPH_BASE_URL must use https (http is allowed only for localhost)',
      '  - ADMIN_GROUP_ID must be a GUID',
      "  - BOT_ID is not set: set BOT_ID (the bot's Entra app) to serve Teams, or LOCAL_MODE=true to run without inbound authentication on 127.0.0.1 (tests and the playground only)",
    ]);
  });
});
