import { BotDriver, noticeText, type Actor } from '../support/botDriver';
import { expireRequest, useSandbox, waitUntil } from '../support/sandboxState';
import { SANDBOX_SECURITY_CHANNEL_ID, type Sandbox } from '../support/sandbox';
import { fixtureGuid, largeTenant, SAMPLE, sampleTenant, type Tenant } from '../support/tenantFixture';

/**
 * Issue 14, item 3 over HTTP: each request's notice in the security channel is one card, posted once
 * and then updated in place (the same activity id) at each stage, also after a restart; refusals of one
 * caller in one hour are one card, updated with each attempt.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const secondAdmin: Actor = { id: SAMPLE.secondAdmin.id, name: SAMPLE.secondAdmin.name };
const WAVE_ID = fixtureGuid('test:notices-wave');
const HOUR_MS = 3_600_000;

/** The sample tenant, and 100 more users in a group. */
function waveTenant(): Tenant {
  const tenant = sampleTenant();
  const wave = largeTenant(101).users.slice(1);
  tenant.users.push(...wave);
  tenant.groups.push({ id: WAVE_ID, displayName: 'Wave', memberIds: wave.map((u) => u.id) });
  return tenant;
}

/** Refusals are counted per clock hour: a test that counts them does not start just before one ends. */
async function clearOfHourEnd(): Promise<void> {
  const left = HOUR_MS - (Date.now() % HOUR_MS);
  if (left < 20_000) await new Promise((r) => setTimeout(r, left + 100));
}

describe('live notices in the security channel', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox(
    () => ({
      tenant: waveTenant(),
      // bulk requests need a second admin; single sign-outs do not
      env: { APPROVAL_POLICY: 'bulk', BULK_APPROVAL_THRESHOLD: '50', SWEEP_SECONDS: '1' },
    }),
    (s, b) => {
      sb = s;
      bot = b;
    },
  );
  const users = () => SAMPLE.testUsers;

  it('a bulk job: one card from request to done, with its progress in whole percent, latest only', async () => {
    const card = await bot.requestSignout(`signout group:${WAVE_ID} leaked list`, admin);
    await bot.waitForNotice(card.requestId, /^Sign-out requested: waiting for a second admin's approval\n/);
    expect((await bot.click('signout.approve', card, secondAdmin)).status).toBe(200);

    const done = await bot.waitForNotice(card.requestId, /^Sign-out done\n/, 60_000);
    const text = noticeText(done);
    expect(text).toContain('Users: 100 users: group:');
    expect(text).toContain(`Approved by: ${secondAdmin.name} `);
    expect(text).toContain('100 users: 100 signed out');

    const { headlines } = bot.noticeCardHistory(card.requestId);
    expect(headlines[0]).toBe("Sign-out requested: waiting for a second admin's approval");
    expect(headlines.at(-1)).toBe('Sign-out done');
    const running = headlines.filter((h) => h.startsWith('Sign-out running'));
    expect(running.length).toBeGreaterThan(0);
    const percents = running.map((h) => Number(/running: (\d+)% \((\d+) of 100\)$/.exec(h)![1]));
    // each update shows something new: the percent only grows, never twice the same
    for (let i = 1; i < percents.length; i++) expect(percents[i]).toBeGreaterThan(percents[i - 1]);
    // and every card in the channel about this request is this one
    expect(
      bot.connector.activities.filter(
        (a) =>
          a.conversationId === SANDBOX_SECURITY_CHANNEL_ID &&
          a.op !== 'update' &&
          noticeText(a).includes(card.requestId),
      ),
    ).toHaveLength(1);
  }, 90_000);

  it('a rejection: waiting for approval, then rejected with the reason, on the same card', async () => {
    const card = await bot.requestSignout(`signout group:${WAVE_ID}`, admin);
    await bot.waitForNotice(card.requestId, /^Sign-out requested/);
    await bot.click('signout.reject', card, secondAdmin, {
      data: { requestId: card.requestId, rejectReason: 'wrong group' },
    });
    const rejected = await bot.waitForNotice(card.requestId, /^Sign-out rejected\n/);
    expect(noticeText(rejected)).toContain('Rejection reason: wrong group');
    expect(noticeText(rejected)).toContain(`Rejected by: ${secondAdmin.name} `);
    expect(bot.noticeCardHistory(card.requestId).headlines).toEqual([
      "Sign-out requested: waiting for a second admin's approval",
      'Sign-out rejected',
    ]);
  });

  it('a cancel before it ran: requested, then cancelled, on the same card', async () => {
    const card = await bot.requestSignout(`signout ${users()[0].upn}`, admin);
    await bot.waitForNotice(card.requestId, /^Sign-out requested/);
    await bot.click('signout.cancel', card, admin);
    const cancelled = await bot.waitForNotice(card.requestId, /^Sign-out cancelled\n/);
    expect(noticeText(cancelled)).toContain(`Cancelled by: ${admin.name} `);
    expect(bot.noticeCardHistory(card.requestId).headlines).toEqual([
      'Sign-out requested: waiting for confirmation',
      'Sign-out cancelled',
    ]);
  });

  it('an expiry: requested, then expired, on the same card', async () => {
    const card = await bot.requestSignout(`signout ${users()[1].upn}`, admin);
    await bot.waitForNotice(card.requestId, /^Sign-out requested/);
    await expireRequest(sb, card.requestId);
    await bot.waitForNotice(card.requestId, /^Sign-out request expired: nobody confirmed it in time\n/);
    expect(bot.noticeCardHistory(card.requestId).headlines).toEqual([
      'Sign-out requested: waiting for confirmation',
      'Sign-out request expired: nobody confirmed it in time',
    ]);
  });

  it('after a restart, the notice posted before is updated, not posted again', async () => {
    const card = await bot.requestSignout(`signout ${users()[2].upn}`, admin);
    const posted = await bot.waitForNotice(card.requestId, /^Sign-out requested/);
    await sb.restartBot();
    await bot.click('signout.confirm', card, admin);
    await bot.waitForNotice(card.requestId, /^Sign-out done\n/);
    const notice = bot.noticeCardHistory(card.requestId);
    expect(notice.activityId).toBe(posted.activityId);
    expect(notice.headlines.at(-1)).toBe('Sign-out done');
  });

  it('a notice deleted in Teams is posted again with the current state, and updated from then on', async () => {
    const card = await bot.requestSignout(`signout ${users()[3].upn}`, admin);
    const first = await bot.waitForNotice(card.requestId, /^Sign-out requested/);
    bot.connector.deleteInTeams(SANDBOX_SECURITY_CHANNEL_ID, first.activityId);
    await bot.click('signout.confirm', card, admin);
    await bot.waitForNotice(card.requestId, /^Sign-out done\n/);
    // Teams refused the update of the deleted card (403), so a new card was posted; it was kept
    expect(bot.connector.refusedUpdates).toContainEqual({
      conversationId: SANDBOX_SECURITY_CHANNEL_ID,
      activityId: first.activityId,
      status: 403,
    });
    const calls = bot.noticeOf(card.requestId);
    const posts = calls.filter((a) => a.op !== 'update');
    expect(posts.map((a) => a.activityId)).toEqual([first.activityId, expect.any(String)]);
    const second = posts[1].activityId;
    expect(second).not.toBe(first.activityId);
    const after = calls.slice(calls.indexOf(posts[1]) + 1);
    expect(after.every((a) => a.op === 'update' && a.activityId === second)).toBe(true);
    expect(noticeText(calls.at(-1)!).split('\n')[0]).toBe('Sign-out done');
  });

  it('refusals of one caller in one hour are one card, counted on, also after a restart', async () => {
    await clearOfHourEnd();
    const intruder: Actor = { id: SAMPLE.nonAdmin.id, name: SAMPLE.nonAdmin.name };
    const refusedOnce = async () => {
      const a = await bot.say(`signout ${SAMPLE.lester.upn}`, intruder);
      await bot.waitForText(a.conversation.id, /aren't allowed/);
    };
    const cardOfIntruder = (a: { conversationId: string }) =>
      a.conversationId === SANDBOX_SECURITY_CHANNEL_ID &&
      noticeText(a as never).includes(`Caller: ${intruder.name} (${intruder.id})`);
    await refusedOnce();
    await refusedOnce();
    await bot.waitForSecurityNotice(/^Refused: 2 attempts by one caller in one hour\n/);
    await sb.restartBot();
    await refusedOnce();
    await bot.waitForSecurityNotice(/^Refused: 3 attempts by one caller in one hour\n/);
    await waitUntil(() => bot.connector.activities.filter(cardOfIntruder).length === 3);
    const calls = bot.connector.activities.filter(cardOfIntruder);
    expect(calls.map((a) => a.op)).toEqual(['reply', 'update', 'update']);
    expect(new Set(calls.map((a) => a.activityId)).size).toBe(1);
  });
});
