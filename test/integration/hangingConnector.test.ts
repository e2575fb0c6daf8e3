import { BotDriver, cardText, noticeText, type Actor } from '../support/botDriver';
import type { RecordedActivity } from '../support/connectorStandIn';
import { shown } from '../support/markdownReader';
import { auditEntries, useSandbox, waitUntil } from '../support/sandboxState';
import { SANDBOX_SECURITY_CHANNEL_ID, type Sandbox } from '../support/sandbox';
import { fixtureGuid, largeTenant, SAMPLE, type Tenant } from '../support/tenantFixture';

/**
 * Issue 10, item 6: a Bot Connector that accepts requests and never answers them (the stand-in's
 * hang mode) must not stop a job, leave a click unanswered, or keep the process from stopping.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const secondAdmin: Actor = { id: SAMPLE.secondAdmin.id, name: SAMPLE.secondAdmin.name };
const nobody: Actor = { id: SAMPLE.lester.id, name: SAMPLE.lester.name };
const WAVE_ID = fixtureGuid('test:hanging-connector-wave');

/** 100 users in a group, beside the admin. */
function waveTenant(): Tenant {
  const tenant = largeTenant(101);
  tenant.groups.push({ id: WAVE_ID, displayName: 'Wave', memberIds: tenant.users.slice(1).map((u) => u.id) });
  return tenant;
}

/** Each target has exactly one outcome line in the audit log for this request. */
async function expectOneOutcomeEach(sb: Sandbox, requestId: string, targets: string[]): Promise<void> {
  const outcomes = (await auditEntries(sb)).filter(
    (e) => e.requestId === requestId && ['revoked', 'failed'].includes(e.event),
  );
  expect(outcomes.map((e) => e.targets[0].id).sort()).toEqual([...targets].sort());
  expect(outcomes.every((e) => e.event === 'revoked')).toBe(true);
}

describe('card updates that never answer', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  let tenant: Tenant;
  useSandbox(
    () => {
      tenant = waveTenant();
      return { tenant, env: { APPROVAL_POLICY: 'none', CONNECTOR_TIMEOUT_SECONDS: '1' } };
    },
    (s, b) => {
      sb = s;
      bot = b;
    },
  );
  afterEach(() => sb.connector!.release());

  it('do not stop a bulk job: all 100 users are signed out, summed up and audited', async () => {
    const card = await bot.requestSignout(`signout group:${WAVE_ID}`, admin);
    bot.connector.hang('updates');
    expect((await bot.click('signout.confirm', card, admin)).status).toBe(200);

    const summary = await bot.waitForText(card.conversationId, /Bulk sign-out finished/, 60_000);
    expect(shown(summary.body.text)).toMatch(/100 signed out, 0 failed/);
    const targets = tenant.users.slice(1).map((u) => u.id);
    for (const id of targets) expect(sb.graph.revokeCount(id)).toBe(1);
    await waitUntil(() => bot.connector.held.some((c) => c.op === 'update' && c.gaveUp));
    await expectOneOutcomeEach(sb, card.requestId, targets);
    // every card update was tried, and none was answered
    expect(bot.connector.held.filter((c) => c.activityId === card.cardActivityId).length).toBeGreaterThan(0);
    expect(bot.connector.activities.filter((a) => a.op === 'update')).toEqual([]);
  }, 120_000);
});

describe('a click while posts to Teams never answer', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  // far longer than Teams waits for a click's answer (about 5 s): the click must not wait for it at all
  useSandbox({ env: { APPROVAL_POLICY: 'always', CONNECTOR_TIMEOUT_SECONDS: '60' } }, (s, b) => {
    sb = s;
    bot = b;
  });
  afterEach(() => sb.connector!.release());

  /** A call to the security channel left hanging, whose text or card reads as `pattern`. */
  const heldNotice = (pattern: RegExp) =>
    bot.connector.waitForHeld(
      (c) =>
        c.conversationId === SANDBOX_SECURITY_CHANNEL_ID &&
        pattern.test(noticeText({ body: c.body } as RecordedActivity)),
    );

  it('is answered (approve) while its security-channel notice is still hanging', async () => {
    const [user] = SAMPLE.testUsers;
    const card = await bot.requestSignout(`signout ${user.upn}`, admin);
    await bot.waitForNotice(card.requestId, /^Sign-out requested/);
    // the notice is an update of the card posted with the request (issue 14)
    bot.connector.hang('updates');
    const answer = await bot.click('signout.approve', card, secondAdmin);

    expect(answer.status).toBe(200);
    expect(cardText(answer.body?.value)).toMatch(/Signing out/);
    const held = await heldNotice(/^Sign-out (approved: starting|running|done)\n[^]*Approved by/);
    expect(held.op).toBe('update');
    expect(bot.noticeOf(card.requestId).map((a) => a.op)).not.toContain('update');
    await bot.connector.release();
    await bot.waitForNotice(card.requestId, /^Sign-out done\n[^]*Approved by/);
  }, 30_000);

  it('is answered while the update of its card for everyone is still hanging', async () => {
    const [, , , user] = SAMPLE.testUsers;
    const card = await bot.requestSignout(`signout ${user.upn}`, admin);
    bot.connector.hang('all');
    const answer = await bot.click('signout.approve', card, secondAdmin);

    expect(answer.status).toBe(200);
    expect(answer.body?.type).toBe('application/vnd.microsoft.card.adaptive');
    const held = await bot.connector.waitForHeld(
      (c) => c.op === 'update' && c.activityId === card.cardActivityId,
    );
    const heldCard = (held.body as { attachments: { content: object }[] }).attachments[0].content;
    expect(cardText(heldCard)).toMatch(/Signing out/);
    await bot.connector.release();
    // the job's own update of the card comes after the click's, never before it
    await bot.waitForCardText(card.cardActivityId, /Sessions valid from/);
    expect(cardText(bot.currentCard(card.cardActivityId))).toMatch(/Sessions valid from/);
  }, 30_000);

  it('is answered (cancel) while its security-channel notice is still hanging', async () => {
    const [, user] = SAMPLE.testUsers;
    const card = await bot.requestSignout(`signout ${user.upn}`, admin);
    await bot.waitForNotice(card.requestId, /^Sign-out requested/);
    bot.connector.hang('updates');
    const answer = await bot.click('signout.cancel', card, admin);

    expect(answer.status).toBe(200);
    expect(cardText(answer.body?.value)).toMatch(/[Cc]ancelled/);
    await heldNotice(/^Sign-out cancelled\n/);
  }, 30_000);

  it("is answered (a non-admin's refused click) while the refusal notice is still hanging", async () => {
    const [, , user] = SAMPLE.testUsers;
    const card = await bot.requestSignout(`signout ${user.upn}`, admin);
    bot.connector.hang('all');
    const answer = await bot.click('signout.approve', card, nobody);

    expect(answer.status).toBe(200);
    expect(shown(answer.body?.value)).toMatch(/aren't allowed to use Sign-out Bot/);
    await heldNotice(/^Refused: \d+ attempts? by one caller/);
    expect(sb.graph.revokeCount(user.id)).toBe(0);
  }, 30_000);
});

describe('SIGTERM while a job runs and the connector hangs', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  let tenant: Tenant;
  useSandbox(
    () => {
      tenant = waveTenant();
      return {
        tenant,
        graph: { latencyMs: 250, jitterMs: 20 },
        env: { APPROVAL_POLICY: 'none', CONNECTOR_TIMEOUT_SECONDS: '60', SHUTDOWN_GRACE_SECONDS: '2' },
      };
    },
    (s, b) => {
      sb = s;
      bot = b;
    },
  );

  it('exits within the grace, and the next start finishes the job without revoking anyone twice', async () => {
    const card = await bot.requestSignout(`signout group:${WAVE_ID}`, admin);
    const targets = tenant.users.slice(1).map((u) => u.id);
    bot.connector.hang('all');
    expect((await bot.click('signout.confirm', card, admin)).status).toBe(200);
    await waitUntil(() => targets.filter((id) => sb.graph.revokeCount(id) > 0).length > 10, 30_000);
    await bot.connector.waitForHeld((c) => c.op === 'update' && c.activityId === card.cardActivityId);

    // the sandbox would SIGKILL a bot that ignores SIGTERM for 10 s: its exit code is then null
    const code = await sb.stopBot('SIGTERM');
    expect(code).not.toBeNull();
    expect(bot.connector.held.length).toBeGreaterThan(0);
    expect(sb.logs()).toMatch(/shutting down/);

    await bot.connector.release();
    await sb.restartBot();
    await bot.waitForText(card.conversationId, /Bulk sign-out finished/, 60_000);
    for (const id of targets) expect(sb.graph.revokeCount(id)).toBe(1);
    await expectOneOutcomeEach(sb, card.requestId, targets);
  }, 120_000);
});
