import { BotDriver, cardText, type Actor, type PostedCard } from '../support/botDriver';
import { shown } from '../support/markdownReader';
import { auditTrailUntil, moveSchedule, readRequest, useSandbox } from '../support/sandboxState';
import type { Sandbox } from '../support/sandbox';
import { SAMPLE } from '../support/tenantFixture';

/**
 * Scheduled sign-outs (issue 13) over HTTP, against the real bot: the time grammar's answers, the card,
 * a schedule that survives a restart and runs on time, cancel before the time, approval missing at the
 * time, and a bot that was down at the time (inside and outside SCHEDULE_GRACE_MINUTES). Schedules are
 * asked an hour ahead and then moved in the store ("time passes", as expireRequest does), so the tests
 * take seconds; the bot looks for due schedules every second.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const secondAdmin: Actor = { id: SAMPLE.secondAdmin.id, name: SAMPLE.secondAdmin.name };
const BERLIN = { localTimezone: 'Europe/Berlin' };
const MIN = 60_000;

describe('scheduled sign-out', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox({ env: { SCHEDULE_TICK_SECONDS: '1', SWEEP_SECONDS: '1', JOB_LEASE_SECONDS: '2' } }, (s, b) => {
    sb = s;
    bot = b;
  });

  async function schedule(text: string, by: Actor = admin): Promise<PostedCard> {
    return bot.requestSignout(text, by, BERLIN);
  }

  async function confirmSchedule(card: PostedCard): Promise<void> {
    const answer = await bot.click('signout.confirm', card, admin, BERLIN);
    expect(answer.status).toBe(200);
    expect((await readRequest(sb, card.requestId)).status).toBe('scheduled');
  }

  it('refuses a time in the past, too far ahead, in an unknown zone or skipped by daylight saving time, and stores nothing', async () => {
    const cases: [string, RegExp][] = [
      [`signout ${SAMPLE.lester.upn} at 2020-01-01 10:00 UTC`, /2020-01-01 10:00 UTC is in the past/],
      [`signout ${SAMPLE.lester.upn} at in 31 days`, /Give days as a date/],
      [`signout ${SAMPLE.lester.upn} in 50000m`, /more than 30 days ahead/],
      [`signout ${SAMPLE.lester.upn} at 18:00 Europe/Atlantis`, /don't know the time zone/],
      [`signout ${SAMPLE.lester.upn} at 2027-03-28 02:30 Europe/Berlin`, /does not exist in Europe\/Berlin/],
    ];
    for (const [text, problem] of cases) {
      const activity = await bot.say(text, admin);
      await bot.waitForText(activity.conversation.id, problem);
      expect(bot.postedIn(activity.conversation.id).some((a) => a.body?.attachments)).toBe(false);
    }
  });

  it('shows the time in UTC and local time, the frozen targets and the estimate, then runs after a restart, on time', async () => {
    const before = sb.graph.revokeCount(SAMPLE.lester.id);
    const card = await schedule(`signout ${SAMPLE.lester.upn} in 1h -- tenant cutover`);
    const text = cardText(card.card);
    expect(text).toMatch(/Starts at:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(text).toMatch(/This user is what will run: the list was fixed when it was asked/);
    expect(text).toMatch(/Out in every other app by:\s+.*access tokens last 90 min: Microsoft's default/);
    expect(text).toMatch(/The bot never changes tenant policies/);
    await confirmSchedule(card);
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(before);

    await sb.restartBot();
    const at = new Date(Date.now() + 2000);
    await moveSchedule(sb, card.requestId, { at });
    await bot.waitForText(card.conversationId, /Sessions valid from/, 30_000);
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(before + 1);
    const stored = await readRequest(sb, card.requestId);
    // never before its time
    expect(Date.parse(stored.startedAt)).toBeGreaterThanOrEqual(at.getTime());
    expect(stored.status).toBe('done');
    expect(cardText(await bot.waitForCardText(card.cardActivityId, /started on time/))).toMatch(/Signed out/);
  });

  it('cancelled before its time, it never runs', async () => {
    const [a, b] = SAMPLE.testUsers;
    const cancelled = await schedule(`signout ${a.upn} in 1h`);
    const kept = await schedule(`signout ${b.upn} in 1h`);
    await confirmSchedule(cancelled);
    await confirmSchedule(kept);
    expect((await bot.click('signout.cancel', cancelled, secondAdmin, BERLIN)).status).toBe(200);
    await auditTrailUntil(sb, cancelled.requestId, 'cancelled');
    const before = sb.graph.revokeCount(a.id);
    const at = new Date(Date.now() + 1000);
    await moveSchedule(sb, cancelled.requestId, { at });
    await moveSchedule(sb, kept.requestId, { at });
    // the schedule due at the same time ran, so the cancelled one has had its chance
    await bot.waitForText(kept.conversationId, /Sessions valid from/, 30_000);
    expect(sb.graph.revokeCount(a.id)).toBe(before);
    expect((await readRequest(sb, cancelled.requestId)).status).toBe('cancelled');
  });

  it('waiting for approval at its time, it does not run, and says so in its thread and the security channel', async () => {
    const before = sb.graph.revokeCount(SAMPLE.userAdmin.id);
    // a privileged target: APPROVAL_POLICY=privileged asks for a second admin
    const card = await schedule(`signout ${SAMPLE.userAdmin.upn} in 1h`);
    expect(cardText(card.card)).toMatch(/must be approved by a second admin before/);
    await moveSchedule(sb, card.requestId, { at: new Date(Date.now() + 1000) });
    await bot.waitForText(card.conversationId, /Not run: it was not approved before its time/, 20_000);
    await bot.waitForSecurityNotice(/Scheduled sign-out of .*Not run: it was not approved before its time/);
    const trail = await auditTrailUntil(sb, card.requestId, 'expired');
    expect(trail.find((e) => e.event === 'expired').detail).toMatch(/not approved/);
    expect(sb.graph.revokeCount(SAMPLE.userAdmin.id)).toBe(before);
  });

  it('approved by a second admin ahead of its time, it waits and then runs', async () => {
    const before = sb.graph.revokeCount(SAMPLE.roleHolder.id);
    const card = await schedule(`signout ${SAMPLE.userAdmin.upn} ${SAMPLE.roleHolder.upn} in 1h`);
    expect((await bot.click('signout.confirm', card, admin, BERLIN)).status).toBe(200);
    expect((await readRequest(sb, card.requestId)).status).toBe('pending');
    expect((await bot.click('signout.approve', card, secondAdmin, BERLIN)).status).toBe(200);
    const approved = await readRequest(sb, card.requestId);
    expect(approved).toMatchObject({ status: 'scheduled', approvedBy: { id: secondAdmin.id } });
    await bot.waitForSecurityNotice(/Sign-out approved: .* approved Alex Wilber's request/);
    expect(sb.graph.revokeCount(SAMPLE.roleHolder.id)).toBe(before);
    await moveSchedule(sb, card.requestId, { at: new Date(Date.now() + 1000) });
    await bot.waitForText(card.conversationId, /Bulk sign-out finished/, 30_000);
    expect(sb.graph.revokeCount(SAMPLE.roleHolder.id)).toBe(before + 1);
  });

  it('reminds in the thread and the security channel before the time', async () => {
    const card = await schedule(`signout ${SAMPLE.testUsers[2].upn} in 1h`);
    await confirmSchedule(card);
    await moveSchedule(sb, card.requestId, {
      at: new Date(Date.now() + 10 * MIN),
      createdAt: new Date(Date.now() - 60 * MIN),
    });
    await bot.waitForText(
      card.conversationId,
      /Reminder: the scheduled sign-out of .* starts at .*, in \d+ min/,
    );
    await bot.waitForSecurityNotice(/Reminder: the scheduled sign-out/);
    await bot.click('signout.cancel', card, admin, BERLIN);
  });

  it('was down at the time: starts late within the grace and says how late, or not at all beyond it', async () => {
    const [, , , late, missed] = SAMPLE.testUsers;
    const lateCard = await schedule(`signout ${late.upn} in 1h`);
    const missedCard = await schedule(`signout ${missed.upn} in 1h`);
    await confirmSchedule(lateCard);
    await confirmSchedule(missedCard);
    const before = sb.graph.revokeCount(missed.id);
    await sb.stopBot();
    await moveSchedule(sb, lateCard.requestId, { at: new Date(Date.now() - 5 * MIN) });
    await moveSchedule(sb, missedCard.requestId, { at: new Date(Date.now() - 61 * MIN) });
    await sb.restartBot();
    const summary = await bot.waitForText(lateCard.conversationId, /Started 5 min/, 30_000);
    expect(shown(summary.body.text)).toMatch(/the bot was not running at .*, the scheduled time/);
    expect(sb.graph.revokeCount(late.id)).toBeGreaterThan(0);
    await bot.waitForText(
      missedCard.conversationId,
      /Not run: it was due at .* beyond the 60-minute grace period/,
    );
    await bot.waitForSecurityNotice(/Scheduled sign-out of .*came back 61 min later/);
    expect(sb.graph.revokeCount(missed.id)).toBe(before);
  });

  it('lists pending schedules for admins only', async () => {
    const card = await schedule(`signout ${SAMPLE.testUsers[5].upn} in 2h`);
    const asked = await bot.say('schedule', admin, BERLIN);
    const listed = await bot.connector.waitFor(
      (a) =>
        a.conversationId === asked.conversation.id && JSON.stringify(a.body ?? {}).includes(card.requestId),
      15_000,
    );
    expect(JSON.stringify(listed.body)).toMatch(/Scheduled sign-outs/);
    const refused = await bot.say('schedule', { id: SAMPLE.nonAdmin.id, name: SAMPLE.nonAdmin.name });
    await bot.waitForText(refused.conversation.id, /aren't allowed/);
    await bot.click('signout.cancel', card, admin);
  });
});
