import { BotDriver, cardOf, cardText, findAction, type Actor } from '../support/botDriver';
import { DEFAULT_PERMISSIONS } from '../support/graphStandIn';
import { shown } from '../support/markdownReader';
import type { Sandbox } from '../support/sandbox';
import { useSandbox } from '../support/sandboxState';
import { type FixtureSignIn, VERIFY_PERMISSIONS } from '../support/signInLogStandIn';
import { lesterUsualSignIns, SAMPLE_TOKEN_POLICY } from '../support/signInStory';
import { type FixtureUser, SAMPLE, sampleTenant } from '../support/tenantFixture';

/**
 * Issue 12 over HTTP: "out everywhere by" on the outcome, `verify`, "Check sign-ins" and the follow-ups,
 * with the bot reading the Graph stand-in's sign-in logs and token lifetime policy through the Graph SDK.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const nonAdmin: Actor = { id: SAMPLE.nonAdmin.id, name: SAMPLE.nonAdmin.name };
const VALID_FROM = /Sessions valid from \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/;

/**
 * At the second of any sign-out (so a read right after it sees them): a refused token refresh of Teams and
 * a new sign-in to Exchange Online from São Paulo (Lester signs in from Berlin the week before).
 */
function afterRevoke(user: FixtureUser, validFrom: Date): FixtureSignIn[] {
  const t = (s: number) => new Date(validFrom.getTime() + s * 1000).toISOString();
  const who = { userId: user.id, userPrincipalName: user.userPrincipalName };
  return [
    {
      ...who,
      createdDateTime: t(0),
      appDisplayName: 'Microsoft Teams',
      interactive: false,
      errorCode: 50173,
    },
    {
      ...who,
      createdDateTime: t(0),
      appDisplayName: 'Office 365 Exchange Online',
      interactive: true,
      ipAddress: '198.51.100.23',
      city: 'São Paulo',
      countryOrRegion: 'BR',
    },
  ];
}

describe('verify (issue 12)', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox(
    () => ({
      // 3 s and 15 s after each sign-out; the sweep looks every second
      env: { FOLLOW_UP_MINUTES: '0.05,0.25', SWEEP_SECONDS: '1', JOB_LEASE_SECONDS: '2' },
      tenant: {
        ...sampleTenant(),
        signIns: lesterUsualSignIns(new Date()),
        tokenLifetimePolicies: [SAMPLE_TOKEN_POLICY],
      },
      graph: {
        permissions: [...DEFAULT_PERMISSIONS, ...VERIFY_PERMISSIONS],
        signInsAfterRevoke: afterRevoke,
      },
    }),
    (s, b) => {
      sb = s;
      bot = b;
    },
  );

  const signInReads = () => sb.graph.requests.filter((r) => r.path === '/auditLogs/signIns');
  const threadCards = (conversationId: string, pattern: RegExp) =>
    bot
      .postedIn(conversationId)
      .filter((a) => a.op !== 'update' && cardOf(a) && pattern.test(cardText(cardOf(a))));

  async function signOut(upn: string) {
    const card = await bot.requestSignout(`signout ${upn} stolen laptop`, admin, {
      localTimezone: 'Europe/Berlin',
    });
    await bot.click('signout.confirm', card, admin, { localTimezone: 'Europe/Berlin' });
    const post = await bot.waitForText(card.conversationId, VALID_FROM);
    return { card, post };
  }

  it('says when the user is out everywhere, from the tenant policy, then follows up by itself', async () => {
    const { card, post } = await signOut(SAMPLE.lester.upn);
    const text = shown(post.body.text);
    expect(text).toMatch(
      /Out everywhere by \d{2}:\d{2} UTC \(\d{2}:\d{2} Europe\/Berlin\) at the latest: apps with Continuous Access Evaluation \(Exchange Online, SharePoint Online, Teams, Microsoft Graph\) within about 15 minutes/,
    );
    expect(text).toContain("60 minutes, set by the tenant's token lifetime policy");
    const final = await bot.waitForCardText(card.cardActivityId, /Out everywhere by/);
    expect(findAction(final, 'signout.checkSignIns')?.data).toEqual({ requestId: card.requestId });

    // 3 s after valid-from: the follow-up card in the thread, and the security channel (a new sign-in)
    const followUp = await bot.connector.waitFor(
      (a) =>
        a.conversationId === card.conversationId &&
        /Follow-up 3 seconds after the sign-out/.test(cardText(cardOf(a))),
      20_000,
    );
    const shownCard = cardText(cardOf(followUp));
    expect(shownCard).toContain('Sign-ins of Lester Young');
    expect(shownCard).toMatch(/Refused old sessions: \n?1, last at/);
    expect(shownCard).toContain('from 198.51.100.23 (São Paulo, BR)');
    expect(shownCard).toContain(`signout --block ${SAMPLE.lester.upn}`);
    await bot.waitForSecurityNotice(/Follow-up 3 seconds after the sign-out of Lester Young/);
  });

  it("'Check sign-ins' answers at once and posts the verify card in the thread", async () => {
    const { card } = await signOut(SAMPLE.testUsers[0].upn);
    await bot.waitForCardText(card.cardActivityId, /Check sign-ins/);
    const before = threadCards(card.conversationId, /Sign-ins of Test User 1/).length;
    const answer = await bot.click('signout.checkSignIns', card, admin);
    expect(answer.status).toBe(200);
    expect(answer.body?.value).toMatch(/Reading the sign-in logs/);
    await bot.connector.waitFor(
      () => threadCards(card.conversationId, /Sign-ins of Test User 1/).length > before,
      15_000,
    );
  });

  it("refuses a non-admin's click on 'Check sign-ins' and reads no logs", async () => {
    const { card } = await signOut(SAMPLE.testUsers[1].upn);
    await bot.waitForCardText(card.cardActivityId, /Check sign-ins/);
    const reads = signInReads().length;
    const answer = await bot.click('signout.checkSignIns', card, nonAdmin);
    expect(answer.body?.value).toMatch(/aren't allowed/);
    expect(signInReads().length).toBe(reads);
  });

  it('verify <user> shows refused old sessions and new sign-ins by app, newest first', async () => {
    await signOut(SAMPLE.testUsers[2].upn);
    const ask = await bot.say(`verify ${SAMPLE.testUsers[2].upn}`, admin);
    const reply = await bot.connector.waitFor(
      (a) => a.conversationId === ask.conversation.id && /Sign-ins of Test User 3/.test(cardText(cardOf(a))),
      15_000,
    );
    const text = cardText(cardOf(reply));
    expect(text).toMatch(/No app accepted an old session since/);
    const lines = text.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['Office 365 Exchange Online', 'Microsoft Teams']));
    expect(text).toMatch(/Refused old sessions: \n?1, last at/);
    expect(text).toMatch(/New sign-in at .*\n?from 198\.51\.100\.23 \(São Paulo, BR\)/);
    expect(text).toContain('Entries can take several minutes to appear');
    const filters = signInReads().map((r) => r.query.$filter);
    expect(filters).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^userId eq '${SAMPLE.testUsers[2].id}' and createdDateTime ge \\S+Z and signInEventTypes/any\\(t: t eq 'nonInteractiveUser'\\)$`,
          ),
        ),
      ]),
    );
  });

  it('retries a throttled read, and explains a missing licence and a missing permission with the request-id', async () => {
    const upn = SAMPLE.testUsers[2].upn;
    sb.graph.inject({ path: /^\/auditLogs\/signIns$/, status: 429, retryAfterSeconds: 1, times: 1 });
    const throttled = await bot.say(`verify ${upn}`, admin);
    await bot.connector.waitFor(
      (a) =>
        a.conversationId === throttled.conversation.id && /Sign-ins of Test User 3/.test(cardText(cardOf(a))),
      15_000,
    );

    sb.graph.signInLog.licensed = false;
    try {
      const ask = await bot.say(`verify ${upn}`, admin);
      const reply = await bot.waitForText(ask.conversation.id, /Microsoft Entra ID P1 or P2/);
      expect(shown(reply.body.text)).toMatch(
        /\(Graph: 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant, request-id [0-9a-f-]{36}\)/,
      );
    } finally {
      sb.graph.signInLog.licensed = true;
    }

    sb.graph.setPermissions(DEFAULT_PERMISSIONS);
    try {
      const ask = await bot.say(`verify ${upn}`, admin);
      const reply = await bot.waitForText(
        ask.conversation.id,
        /AuditLog\.Read\.All and Directory\.Read\.All/,
      );
      expect(shown(reply.body.text)).toMatch(/403 Authorization_RequestDenied, request-id [0-9a-f-]{36}/);
    } finally {
      sb.graph.setPermissions([...DEFAULT_PERMISSIONS, ...VERIFY_PERMISSIONS]);
    }
  });

  it('gives a job one time for everyone, and one follow-up from one tenant-wide read', async () => {
    const [, , , , u5, u6] = SAMPLE.testUsers;
    const card = await bot.requestSignout(`signout ${u5.upn} ${u6.upn} -- phishing wave`, admin);
    await bot.click('signout.confirm', card, admin);
    const summary = await bot.waitForText(card.conversationId, /2 signed out/);
    expect(shown(summary.body.text)).toMatch(
      /Everyone signed out is out everywhere by \d{2}:\d{2} UTC( \(\d{2}:\d{2} [^)]+\))? at the latest/,
    );
    const followUp = await bot.waitForText(
      card.conversationId,
      /Follow-up 15 seconds after the sign-out/,
      40_000,
    );
    const text = shown(followUp.body.text);
    expect(text).toContain('from the sign-in logs of the 2 users signed out');
    expect(text).toContain('2 attempts with an old session were refused (2 users)');
    expect(text).toContain('2 users signed in again since their sign-out.');
    const tenantWide = signInReads().filter(
      (r) => r.at >= followUp.at - 20_000 && !/userId/.test(r.query.$filter ?? ''),
    );
    expect(tenantWide.length).toBeGreaterThan(0);
    expect(
      bot.postedIn(card.conversationId).filter((a) => /Follow-up 3 seconds/.test(shown(a.body?.text ?? ''))),
    ).toEqual([]);
  });

  it('keeps follow-ups across a restart and posts each once', async () => {
    const { card } = await signOut(SAMPLE.testUsers[3].upn);
    await sb.restartBot();
    await bot.connector.waitFor(
      () => threadCards(card.conversationId, /Follow-up 15 seconds after the sign-out/).length > 0,
      40_000,
    );
    // a few more sweeps: nothing posted twice
    await new Promise((r) => setTimeout(r, 3_000));
    expect(threadCards(card.conversationId, /Follow-up 3 seconds after the sign-out/)).toHaveLength(1);
    expect(threadCards(card.conversationId, /Follow-up 15 seconds after the sign-out/)).toHaveLength(1);
  });
});
