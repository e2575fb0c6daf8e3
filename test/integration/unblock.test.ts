import {
  BotDriver,
  cardText,
  findAction,
  noticeText,
  type Actor,
  type PostedCard,
} from '../support/botDriver';
import { expectJobInvariants } from '../support/jobInvariants';
import { auditEntries, auditTrailUntil, expireRequest, useSandbox } from '../support/sandboxState';
import { DEFAULT_PERMISSIONS } from '../support/graphStandIn';
import type { Sandbox } from '../support/sandbox';
import { SAMPLE } from '../support/tenantFixture';
import { shown as seen } from '../support/markdownReader';

/**
 * Issue 9: `unblock` goes through the same guardrails as a sign-out (break-glass accounts, privileged
 * targets, APPROVAL_POLICY, a confirmation card, the two-person rule), and re-enables only accounts
 * whose current block the bot's own audit log recorded.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const secondAdmin: Actor = { id: SAMPLE.secondAdmin.id, name: SAMPLE.secondAdmin.name };
const nonAdmin: Actor = { id: SAMPLE.nonAdmin.id, name: SAMPLE.nonAdmin.name };
const VALID_FROM = /Sessions valid from \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/;
const ALLOWED_AGAIN = /Sign-in is allowed again for/;
const ENTRA_HINT = /not by this bot[\s\S]*only reverses blocks it made[\s\S]*Microsoft Entra admin center/;

describe('unblock (default policy: privileged)', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  const [t1, t2, t3, t4, t5, t6] = SAMPLE.testUsers;
  useSandbox(
    { env: { PROTECTED_USER_IDS: SAMPLE.roleHolder.id }, graph: { canRevokePrivileged: true } },
    (s, b) => {
      sb = s;
      bot = b;
    },
  );

  const enabled = (id: string) => sb.graph.user(id)!.accountEnabled;
  const patches = (id: string) =>
    sb.graph.requests.filter((r) => r.method === 'PATCH' && r.path.includes(id));

  /** A request's audit entries once one of them is `last`. */
  const trailUntil = (requestId: string, last: string) => auditTrailUntil(sb, requestId, last);

  /** `signout --block` of one user, confirmed (or approved), until its outcome is in the audit log. */
  async function blockedByBot(upn: string, approver?: Actor): Promise<PostedCard> {
    const card = await bot.requestSignout(`signout --block ${upn} stolen laptop`, admin);
    await bot.click(approver ? 'signout.approve' : 'signout.confirm', card, approver ?? admin);
    await bot.waitForText(card.conversationId, VALID_FROM);
    await trailUntil(card.requestId, 'revoked');
    return card;
  }

  /** Says something and waits for the bot's text answer in that thread. */
  async function answer(text: string, pattern: RegExp, from: Actor = admin) {
    const activity = await bot.say(text, from);
    return bot.waitForText(activity.conversation.id, pattern);
  }

  it('unblocks an account the bot blocked only after a confirmation card, then says sign-in is allowed again', async () => {
    const block = await blockedByBot(t1.upn);
    expect(enabled(t1.id)).toBe(false);
    const blocked = (await auditEntries(sb)).filter((e) => e.event === 'blocked');
    expect(blocked).toEqual([
      expect.objectContaining({
        requestId: block.requestId,
        targets: [expect.objectContaining({ id: t1.id })],
      }),
    ]);

    const card = await bot.requestSignout(`unblock ${t1.upn} laptop recovered`, admin);
    const shown = cardText(card.card);
    expect(shown).toMatch(/Unblock: allow sign-in again\?/);
    expect(shown).toMatch(/Sign-in is allowed again \(accountEnabled = true\)/);
    expect(shown).toContain(t1.upn);
    expect(shown).not.toMatch(/revoked: they must sign in again everywhere/);
    expect(findAction(card.card, 'signout.confirm')?.title).toBe('Unblock');
    expect(findAction(card.card, 'signout.approve')).toBeUndefined();
    // nothing happens before the click
    expect(enabled(t1.id)).toBe(false);
    const patchesBefore = patches(t1.id).length;

    const click = await bot.click('signout.confirm', card, admin);
    expect(click.status).toBe(200);
    const line = await bot.waitForText(card.conversationId, ALLOWED_AGAIN);
    expect(seen(line.body.text)).toContain(t1.upn);
    expect(enabled(t1.id)).toBe(true);
    expect(patches(t1.id)).toHaveLength(patchesBefore + 1);
    expect(sb.graph.revokeCount(t1.id)).toBe(1);
    const final = await bot.waitForCardText(card.cardActivityId, /Sign-in allowed again/);
    expect(findAction(final, 'signout.confirm')).toBeUndefined();

    await bot.waitForNotice(
      card.requestId,
      new RegExp(
        `^Unblock requested: waiting for confirmation\nUnblock: ${t1.name} [^]*\nRequested by: ${admin.name} `,
      ),
    );
    await bot.waitForNotice(card.requestId, new RegExp(`^Unblock done\nUnblock: ${t1.name} `));
    expect(bot.noticeCardHistory(card.requestId).headlines.at(-1)).toBe('Unblock done');
    const trail = await trailUntil(card.requestId, 'unblocked');
    expect(trail.map((e) => e.event)).toEqual(['requested', 'confirmed', 'unblocked']);
    expect(trail[0]).toMatchObject({ action: 'unblock', reason: 'laptop recovered' });
    expect(trail[2].graphRequestIds).toEqual([expect.any(String)]);
    expect(trail[2].targets[0].id).toBe(t1.id);
  });

  it('a second admin must approve the unblock of a privileged user; the requester cannot', async () => {
    const target = SAMPLE.globalAdmin;
    await blockedByBot(target.upn, secondAdmin);
    expect(enabled(target.id)).toBe(false);

    const card = await bot.requestSignout(`unblock ${target.upn}`, admin);
    expect(cardText(card.card)).toMatch(/Waiting for a second admin/);
    expect(cardText(card.card)).toMatch(/Global Administrator/);
    expect(findAction(card.card, 'signout.confirm')).toBeUndefined();
    expect((await bot.click('signout.approve', card, admin)).body?.value).toMatch(/own request/);
    expect((await bot.click('signout.confirm', card, admin)).body?.value).toMatch(/second admin/);
    expect(enabled(target.id)).toBe(false);

    await bot.click('signout.approve', card, secondAdmin);
    await bot.waitForText(card.conversationId, ALLOWED_AGAIN);
    expect(enabled(target.id)).toBe(true);
    const notice = await bot.waitForNotice(card.requestId, /^Unblock done\n/);
    expect(noticeText(notice)).toContain(`Requested by: ${admin.name} `);
    expect(noticeText(notice)).toContain(`Approved by: ${secondAdmin.name} `);
    const trail = await trailUntil(card.requestId, 'unblocked');
    expect(trail.map((e) => e.event)).toEqual(['requested', 'refused', 'approved', 'confirmed', 'unblocked']);
  });

  it('refuses a protected break-glass account, even one the bot could see disabled', async () => {
    sb.graph.user(SAMPLE.roleHolder.id)!.accountEnabled = false;
    const reply = await answer(`unblock ${SAMPLE.roleHolder.upn}`, /protected break-glass account/);
    expect(seen(reply.body.text)).toMatch(/never signs it out, blocks or unblocks it/);
    expect(enabled(SAMPLE.roleHolder.id)).toBe(false);
    expect(patches(SAMPLE.roleHolder.id)).toHaveLength(0);
    await bot.waitForSecurityNotice(/^Refused: [^]*tried to unblock nestorw@contoso\.com/);
    sb.graph.user(SAMPLE.roleHolder.id)!.accountEnabled = true;
  });

  it('refuses to let an admin unblock their own account', async () => {
    const reply = await answer(`unblock ${SAMPLE.admin.upn}`, /can't unblock your own account/);
    expect(seen(reply.body.text)).toMatch(/another admin must/);
    expect(patches(SAMPLE.admin.id)).toHaveLength(0);
  });

  it('refuses a disabled account the bot never blocked, with the Entra admin center hint, and changes nothing', async () => {
    expect(enabled(SAMPLE.disabled.id)).toBe(false);
    await answer(`unblock ${SAMPLE.disabled.upn} back from leave`, ENTRA_HINT, secondAdmin);
    expect(enabled(SAMPLE.disabled.id)).toBe(false);
    expect(patches(SAMPLE.disabled.id)).toHaveLength(0);
    await bot.waitForSecurityNotice(
      /^Refused: [^]*tried to unblock isaiahl@contoso\.com[^]*not blocked by the bot/,
    );
    const refused = (await auditEntries(sb)).filter(
      (e) => e.event === 'refused' && String(e.detail).includes(SAMPLE.disabled.upn),
    );
    expect(refused).toHaveLength(1);
  });

  it('unblocks users blocked by a bulk `signout --block`', async () => {
    const bulk = await bot.requestSignout(`signout --block ${t2.upn} ${t3.upn} -- phishing wave`, admin);
    const before = sb.graph.revokeCounts();
    await bot.click('signout.confirm', bulk, admin);
    await bot.waitForText(bulk.conversationId, /Bulk sign-out finished/, 30_000);
    await expectJobInvariants(sb, bulk.requestId, before);
    expect([enabled(t2.id), enabled(t3.id)]).toEqual([false, false]);
    const blocked = (await trailUntil(bulk.requestId, 'revoked')).filter((e) => e.event === 'blocked');
    expect(blocked.map((e) => e.targets[0].id).sort()).toEqual([t2.id, t3.id].sort());

    const card = await bot.requestSignout(`unblock ${t2.upn}`, admin);
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, ALLOWED_AGAIN);
    expect([enabled(t2.id), enabled(t3.id)]).toEqual([true, false]);
  });

  it('refuses an account the bot blocked and unblocked, that someone else disabled since', async () => {
    await blockedByBot(t4.upn);
    const card = await bot.requestSignout(`unblock ${t4.upn}`, admin);
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, ALLOWED_AGAIN);
    // HR's leaver process, in the Entra admin center
    sb.graph.user(t4.id)!.accountEnabled = false;
    const before = patches(t4.id).length;
    await answer(`unblock ${t4.upn}`, ENTRA_HINT);
    expect(enabled(t4.id)).toBe(false);
    expect(patches(t4.id)).toHaveLength(before);
  });

  it('checks again on the click: of two unblock cards, the second one changes nothing', async () => {
    await blockedByBot(t5.upn);
    const first = await bot.requestSignout(`unblock ${t5.upn}`, admin);
    const second = await bot.requestSignout(`unblock ${t5.upn}`, admin);
    await bot.click('signout.confirm', first, admin);
    await bot.waitForText(first.conversationId, ALLOWED_AGAIN);
    sb.graph.user(t5.id)!.accountEnabled = false;
    const before = patches(t5.id).length;

    await bot.click('signout.confirm', second, admin);
    const line = await bot.waitForText(second.conversationId, /Could not unblock/);
    expect(seen(line.body.text)).toMatch(/no longer showed a block/);
    expect(seen(line.body.text)).toMatch(/Microsoft Entra admin center/);
    expect(enabled(t5.id)).toBe(false);
    expect(patches(t5.id)).toHaveLength(before);
    await bot.waitForCardText(second.cardActivityId, /Unblock failed/);
    const outcome = (await trailUntil(second.requestId, 'failed')).at(-1);
    expect(outcome).toMatchObject({ event: 'failed', outcome: 'failed' });
  });

  it('a cancelled or expired unblock card, or a non-admin click, changes nothing', async () => {
    // t3 is still blocked by the bulk job above
    expect(enabled(t3.id)).toBe(false);
    const cancelled = await bot.requestSignout(`unblock ${t3.upn}`, admin);
    const answerToCancel = await bot.click('signout.cancel', cancelled, admin);
    expect(cardText(answerToCancel.body?.value)).toMatch(/Unblock cancelled/);
    const afterCancel = await bot.click('signout.confirm', cancelled, admin);
    expect(cardText(afterCancel.body?.value)).toMatch(/Unblock cancelled/);

    const expired = await bot.requestSignout(`unblock ${t3.upn}`, admin);
    await expireRequest(sb, expired.requestId);
    const late = await bot.click('signout.confirm', expired, admin);
    expect(cardText(late.body?.value)).toMatch(/expired/i);

    const stranger = await bot.requestSignout(`unblock ${t3.upn}`, admin);
    const refused = await bot.click('signout.confirm', stranger, nonAdmin);
    expect(refused.body?.value).toMatch(/aren't allowed/);

    await new Promise((r) => setTimeout(r, 300));
    expect(enabled(t3.id)).toBe(false);
    expect(patches(t3.id).filter((r) => !r.inBatch)).toHaveLength(0);
    const events = [
      ...(await trailUntil(cancelled.requestId, 'cancelled')),
      ...(await trailUntil(expired.requestId, 'expired')),
    ].map((e) => e.event);
    expect(events).toEqual(['requested', 'cancelled', 'requested', 'expired']);
  });

  it('names the missing permission when Graph refuses the unblock, and changes nothing', async () => {
    await blockedByBot(t6.upn);
    sb.graph.setPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'User.EnableDisableAccount.All'));
    try {
      const card = await bot.requestSignout(`unblock ${t6.upn}`, admin);
      await bot.click('signout.confirm', card, admin);
      const line = await bot.waitForText(card.conversationId, /User\.EnableDisableAccount\.All/);
      expect(seen(line.body.text)).toMatch(/refused to allow sign-in again/);
      expect(enabled(t6.id)).toBe(false);
    } finally {
      sb.graph.setPermissions(DEFAULT_PERMISSIONS);
    }
  });

  it('history shows the unblock request and its outcome', async () => {
    const activity = await bot.say(`history ${t1.upn} 5`, admin);
    const reply = await bot.connector.waitFor(
      (a) => a.conversationId === activity.conversation.id && !!a.body?.attachments?.length,
    );
    const text = cardText(reply.body.attachments[0].content);
    expect(text).toContain('unblock (allow sign-in again)');
    expect(text).toContain('Sign-in allowed again');
    expect(text).toMatch(/Sign-in blocked; signed out/);
  });
});
