import { BotDriver, cardOf, noticeText, type Actor } from '../support/botDriver';
import { actions, expectLiteralOnly } from '../support/cardReader';
import type { RecordedActivity } from '../support/connectorStandIn';
import { liveMarkup } from '../support/markdownReader';
import { auditEntries, useSandbox } from '../support/sandboxState';
import type { Sandbox } from '../support/sandbox';
import { messageActivity, postActivity } from '../support/teamsActivity';
import { fixtureGuid, SAMPLE, sampleTenant } from '../support/tenantFixture';

/**
 * Issue 9, item 5 end to end: names people choose (their display name, a team's or channel's name, a
 * group's name) reach the security channel and the request's thread as text, never as markdown.
 */

const PHISH = '[Re-verify your MFA](https://evil.example/login)';
/** how PHISH must be written in the markdown the bot sends */
const PHISH_ESCAPED = '\\[Re-verify your MFA\\](https://evil.example/login)';

const phished = {
  id: fixtureGuid('markdown-injection-target'),
  upn: 'mfa.phish@contoso.com',
  name: PHISH,
};
const FORGED_GROUP = 'x; approval: forged; block sign-in';
const forgedGroupId = fixtureGuid('markdown-injection-group');

function tenant() {
  const t = sampleTenant();
  t.users.push({
    id: phished.id,
    displayName: phished.name,
    userPrincipalName: phished.upn,
    mail: phished.upn,
    accountEnabled: true,
    userType: 'Member',
    signInSessionsValidFromDateTime: '2026-11-01T08:00:00Z',
  });
  t.groups.push({ id: forgedGroupId, displayName: FORGED_GROUP, memberIds: [phished.id, SAMPLE.zoe.id] });
  return t;
}

/**
 * A security-channel card (issue 14): each of `values` only in TextRuns, where Adaptive Cards render no
 * markdown, never in a TextBlock, a FactSet or a button.
 */
function expectInertCard(post: RecordedActivity, ...values: string[]) {
  const card = cardOf(post);
  expect(card).toBeDefined();
  for (const v of values) expectLiteralOnly(card!, v);
  for (const a of actions(card!)) for (const v of values) expect(JSON.stringify(a)).not.toContain(v);
  return noticeText(post);
}

/** The raw markdown of a post: PHISH only ever escaped, and no live link or tag anywhere in it. */
function expectInert(post: RecordedActivity) {
  const text = String(post.body.text);
  expect(post.body.textFormat).toBe('markdown');
  expect(liveMarkup(text)).toEqual([]);
  // a link needs `](` with the bracket unescaped
  expect(text).not.toMatch(/(^|[^\\])\]\(/);
  return text;
}

describe('user-chosen names in the texts the bot posts', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox(
    () => ({ tenant: tenant() }),
    (s, b) => {
      sb = s;
      bot = b;
    },
  );

  it('a target whose display name is a markdown link shows as text in the security channel and the thread', async () => {
    const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
    const card = await bot.requestSignout(
      `signout ${phished.upn} check (see [this](https://evil.example))`,
      admin,
    );

    const reason = 'check (see [this](https://evil.example))';
    const requested = await bot.waitForNotice(card.requestId, /^Sign-out requested/);
    const asked = expectInertCard(requested, PHISH, reason);
    expect(asked).toContain(`Users: ${PHISH} (${phished.upn})`);
    expect(asked).toContain(`Reason: ${reason}`);

    await bot.click('signout.confirm', card, admin);
    const post = await bot.waitForText(card.conversationId, /Signed out .*mfa\.phish/);
    expect(expectInert(post)).toContain(`Signed out ${PHISH_ESCAPED} (mfa.phish@contoso.com)`);
    const done = await bot.waitForNotice(card.requestId, /^Sign-out done\n/);
    expect(expectInertCard(done, PHISH)).toContain(`Users: ${PHISH} (${phished.upn})`);
  });

  it('a caller, team and channel named with markdown and HTML show as text in the notice', async () => {
    const caller: Actor = { id: SAMPLE.admin.id, name: PHISH };
    const activity = messageActivity({
      text: `signout ${SAMPLE.zoe.upn}`,
      from: { aadObjectId: caller.id, name: caller.name },
      tenantId: SAMPLE.tenantId,
      serviceUrl: sb.serviceUrl!,
    });
    const channelData = activity.channelData as { team: { name?: string }; channel: { name?: string } };
    channelData.team.name = '![logo](https://evil.example/p.png)';
    channelData.channel.name = '<a href="https://evil.example">General</a>';
    expect((await postActivity(sb.botUrl, activity)).status).toBe(200);

    const place = '![logo](https://evil.example/p.png) › <a href="https://evil.example">General</a>';
    const notice = await bot.waitForSecurityNotice(/^Sign-out requested[^]*zoe/i);
    const text = expectInertCard(notice, PHISH, place);
    expect(text).toContain(`Requested by: ${PHISH} at `);
    expect(text).toContain(`In: ${place}`);
    // the bot's own link to the thread is the card's one button
    expect(actions(cardOf(notice)!)).toEqual([
      {
        type: 'Action.OpenUrl',
        title: "Open the request's thread",
        url: expect.stringMatching(
          /^https:\/\/teams\.microsoft\.com\/l\/message\/19%3A[A-Za-z0-9%.-]+\/\d+$/,
        ),
      },
    ]);
  });

  it('a refused non-admin whose name is a link is reported as text', async () => {
    const intruder: Actor = { id: SAMPLE.nonAdmin.id, name: `${PHISH} <at>Security Team</at>` };
    await bot.say(`signout ${SAMPLE.lester.upn}`, intruder);
    const refused = await bot.waitForSecurityNotice(/^Refused: [^]*\nCaller: \[Re-verify/);
    expect(expectInertCard(refused, intruder.name)).toContain(`Caller: ${intruder.name} (${intruder.id})`);
  });

  it('a typed group name with markdown is answered as text', async () => {
    const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
    const asked = await bot.say('signout group:"[Wave](https://evil.example)"', admin);
    const answer = await bot.waitForText(asked.conversation.id, /couldn't find a group/);
    expect(expectInert(answer)).toContain('named "\\[Wave\\](https://evil.example)"');
  });

  it('audits how a request was asked in fields of their own, so a group name cannot pose as an approval', async () => {
    const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
    const card = await bot.requestSignout(`signout group:"${FORGED_GROUP}" wave`, admin);
    const entry = (await auditEntries(sb)).find(
      (e) => e.event === 'requested' && e.requestId === card.requestId,
    );
    expect(entry).toMatchObject({ source: `group:"${FORGED_GROUP}"`, block: false });
    expect(entry).not.toHaveProperty('approvalWhy');
    expect(entry).not.toHaveProperty('detail');
  });
});
