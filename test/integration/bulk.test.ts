import {
  BotDriver,
  cardText,
  csvLinkOn,
  findAction,
  type Actor,
  type PostedCard,
} from '../support/botDriver';
import { expectJobInvariants } from '../support/jobInvariants';
import { shown } from '../support/markdownReader';
import { useSandbox, waitUntil } from '../support/sandboxState';
import type { Sandbox } from '../support/sandbox';
import { fixtureGuid, largeTenant, SAMPLE, sampleTenant, type Tenant } from '../support/tenantFixture';

/** Issue 4 end to end: lists, groups, searches and the whole tenant, through the real bot and $batch. */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const secondAdmin: Actor = { id: SAMPLE.secondAdmin.id, name: SAMPLE.secondAdmin.name };
const SUMMARY = /Bulk sign-out (finished|stopped)/;

async function csvOf(sb: Sandbox, card: Record<string, any>): Promise<string> {
  const res = await fetch(csvLinkOn(card, sb.botUrl));
  expect(res.status).toBe(200);
  return res.text();
}

describe('bulk sign-out on the sample tenant', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox({ env: { ADMIN_USER_IDS: SAMPLE.chrisGreens[0].id } }, (s, b) => {
    sb = s;
    bot = b;
  });
  afterEach(() => sb.graph.clearFaults());

  async function confirmAndWait(card: PostedCard, by: Actor = admin) {
    const before = sb.graph.revokeCounts();
    const answer = await bot.click('signout.confirm', card, by);
    expect(answer.status).toBe(200);
    await bot.waitForText(card.conversationId, SUMMARY, 30_000);
    await expectJobInvariants(sb, card.requestId, before);
    return bot.waitForCardText(card.cardActivityId, /\/exports\//);
  }

  it('signs out a list of users, with a preview of who and a summary of what happened', async () => {
    const [a, b, c] = SAMPLE.testUsers;
    const card = await bot.requestSignout(`signout ${a.upn}, ${b.upn} ${c.upn} -- phishing wave`, admin);
    const preview = cardText(card.card);
    expect(preview).toMatch(/3 users/);
    for (const u of [a, b, c]) expect(preview).toContain(u.upn);
    await confirmAndWait(card);
    for (const u of [a, b, c]) expect(sb.graph.revokeCount(u.id)).toBe(1);
    const summary = await bot.waitForText(card.conversationId, SUMMARY);
    expect(shown(summary.body.text)).toMatch(/3 signed out, 0 failed/);
    const batches = sb.graph.requests.filter((r) => r.path.endsWith('/$batch'));
    expect(batches.length).toBeGreaterThan(0);
  });

  it('signs out the transitive members of a group by name, flagging guests separately', async () => {
    const before = new Map(SAMPLE.migrationMemberIds.map((id) => [id, sb.graph.revokeCount(id)]));
    const card = await bot.requestSignout('signout group:"Migration Wave 1" tenant move', admin);
    const preview = cardText(card.card);
    expect(preview).toMatch(new RegExp(`${SAMPLE.migrationMemberIds.length} users`));
    expect(preview).toMatch(/1 guest/i);
    const final = await confirmAndWait(card);
    const summary = await bot.waitForText(card.conversationId, SUMMARY);
    expect(shown(summary.body.text)).toMatch(/1 guest skipped/);
    for (const id of SAMPLE.migrationMemberIds) {
      expect(sb.graph.revokeCount(id) - before.get(id)!).toBe(1);
    }
    const csv = await csvOf(sb, final);
    expect(csv.split('\n').filter((l) => l.trim()).length).toBe(SAMPLE.migrationMemberIds.length + 1);
    expect(csv).toContain(SAMPLE.lester.upn);
  });

  it('signs out the users a display-name search finds', async () => {
    const card = await bot.requestSignout('signout search:"Test User"', admin);
    expect(cardText(card.card)).toMatch(new RegExp(`${SAMPLE.testUsers.length} users`));
    await confirmAndWait(card);
    const graphSearches = sb.graph.requests.filter((r) => JSON.stringify(r.query).includes('$search'));
    expect(graphSearches.every((r) => r.headers['consistencylevel'] === 'eventual')).toBe(true);
  });

  it('offers a choice when a bare name matches several users, and never guesses', async () => {
    const activity = await bot.say('signout "Chris Green"', admin);
    const posted = await bot.connector.waitFor(
      (a) => a.conversationId === activity.conversation.id && !!a.body?.attachments?.length,
    );
    const card = posted.body.attachments[0].content;
    const choices = JSON.stringify(card).match(/"verb":"signout\.choose"/g) ?? [];
    expect(choices).toHaveLength(2);
    expect(findAction(card, 'signout.confirm')).toBeUndefined();
    const chooser = findChoose(card, SAMPLE.chrisGreens[1].id);
    const answer = await bot.click(
      'signout.choose',
      {
        requestId: chooser.requestId,
        cardActivityId: posted.activityId,
        conversationId: activity.conversation.id,
      },
      admin,
      { data: { requestId: chooser.requestId, userId: SAMPLE.chrisGreens[1].id } },
    );
    const confirmCard = answer.body?.value;
    expect(cardText(confirmCard)).toContain(SAMPLE.chrisGreens[1].upn);
    expect(cardText(confirmCard)).not.toContain(SAMPLE.chrisGreens[0].upn);
    expect(findAction(confirmCard, 'signout.confirm')).toBeDefined();
  });

  it('keeps --self through a choice: picking yourself is refused without it, allowed with it', async () => {
    const chris: Actor = { id: SAMPLE.chrisGreens[0].id, name: SAMPLE.chrisGreens[0].name };
    const pickSelf = async (text: string) => {
      const activity = await bot.say(text, chris);
      const posted = await bot.connector.waitFor(
        (a) => a.conversationId === activity.conversation.id && !!a.body?.attachments?.length,
      );
      const choice = findChoose(posted.body.attachments[0].content, chris.id);
      return bot.click(
        'signout.choose',
        {
          requestId: choice.requestId,
          cardActivityId: posted.activityId,
          conversationId: activity.conversation.id,
        },
        chris,
        { data: { requestId: choice.requestId, userId: chris.id } },
      );
    };
    expect(shown((await pickSelf('signout "Chris Green"')).body?.value)).toMatch(/--self/);
    const allowed = await pickSelf('signout --self "Chris Green"');
    expect(findAction(allowed.body?.value, 'signout.confirm')).toBeDefined();
  });

  it('asks for the user count or the primary domain, and a second admin, before signing out everyone', async () => {
    const card = await bot.requestSignout('signout --self all -- breach', admin);
    expect(findAction(card.card, 'signout.approve')).toBeDefined();
    const wrong = await bot.click('signout.approve', card, secondAdmin, {
      data: { requestId: card.requestId, confirmText: '12' },
    });
    expect(wrong.body?.value).toMatch(/doesn't match/);
    const own = await bot.click('signout.approve', card, admin, {
      data: { requestId: card.requestId, confirmText: 'contoso.com' },
    });
    expect(own.body?.value).toMatch(/own request/);
    const before = sampleTenant().users.length;
    const revokesBefore = sb.graph.revokeCounts();
    const ok = await bot.click('signout.approve', card, secondAdmin, {
      data: { requestId: card.requestId, confirmText: 'Contoso.com' },
    });
    expect(ok.status).toBe(200);
    await bot.waitForText(card.conversationId, SUMMARY, 30_000);
    await expectJobInvariants(sb, card.requestId, revokesBefore);
    // everyone but the privileged (403 without the PAA role) got a revoke
    const revokedUsers = sampleTenant().users.filter((u) => sb.graph.revokeCount(u.id) > 0).length;
    expect(revokedUsers).toBeGreaterThan(before / 2);
  });

  it('reports partial failures with reasons and Graph request-ids, and survives a throttling storm', async () => {
    const [a, b, c, d] = SAMPLE.testUsers.slice(2);
    sb.graph.inject({
      method: 'POST',
      path: new RegExp(`${b.id}/revokeSignInSessions$`),
      status: 404,
      code: 'Request_ResourceNotFound',
    });
    sb.graph.inject({
      method: 'POST',
      path: /revokeSignInSessions$/,
      status: 429,
      retryAfterSeconds: 1,
      times: 6,
    });
    const card = await bot.requestSignout(`signout ${a.upn} ${b.upn} ${c.upn} ${d.upn}`, admin);
    const before = Object.fromEntries([a, c, d].map((u) => [u.id, sb.graph.revokeCount(u.id)]));
    const revokesBefore = sb.graph.revokeCounts();
    await bot.click('signout.confirm', card, admin);
    const summary = await bot.waitForText(card.conversationId, SUMMARY, 30_000);
    expect(shown(summary.body.text)).toMatch(/3 signed out, 1 failed/);
    await expectJobInvariants(sb, card.requestId, revokesBefore);
    for (const u of [a, c, d]) expect(sb.graph.revokeCount(u.id)).toBe(before[u.id] + 1);
    const final = await bot.waitForCardText(card.cardActivityId, /Request_ResourceNotFound|no user/);
    expect(JSON.stringify(final)).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(sb.graph.throttledCount()).toBeGreaterThanOrEqual(6);
  });

  it('checks instead of resending when a 503 storm hides revokes that took effect', async () => {
    const targets = [SAMPLE.obrien, SAMPLE.zoe, SAMPLE.liLei];
    const before = new Map(targets.map((u) => [u.id, sb.graph.revokeCount(u.id)]));
    sb.graph.inject({
      method: 'POST',
      path: /revokeSignInSessions$/,
      status: 503,
      afterEffect: true,
      times: Infinity,
    });
    const card = await bot.requestSignout(`signout ${targets.map((u) => u.upn).join(' ')}`, admin);
    await confirmAndWait(card);
    const summary = await bot.waitForText(card.conversationId, SUMMARY);
    expect(summary.body.text).toMatch(/3 signed out, 0 failed/);
    for (const u of targets) expect(sb.graph.revokeCount(u.id)).toBe(before.get(u.id)! + 1);
  });

  it('refuses a CSV link that was tampered with', async () => {
    const res = await fetch(
      `${sb.botUrl}/exports/00000000-0000-4000-8000-000000000000.csv?expires=9999999999999&sig=abc`,
    );
    expect(res.status).toBe(403);
  });
});

describe('bulk sign-out of a large group: progress, cancel and a crash', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  let tenant: Tenant;
  const waveId = fixtureGuid('test:big-wave');
  useSandbox(
    () => {
      tenant = largeTenant(400);
      tenant.groups.push({
        id: waveId,
        displayName: 'Big Wave',
        memberIds: tenant.users.slice(1).map((u) => u.id),
      });
      return {
        tenant,
        graph: { latencyMs: 250, jitterMs: 20 },
        // a restarted process takes a crashed job over once the lease has run out
        env: { APPROVAL_POLICY: 'none', JOB_LEASE_SECONDS: '2', SWEEP_SECONDS: '1' },
      };
    },
    (s, b) => {
      sb = s;
      bot = b;
    },
  );

  it('updates the card with progress, and stops on cancel keeping those already signed out', async () => {
    const card = await bot.requestSignout(`signout group:${waveId}`, admin);
    expect(cardText(card.card)).toMatch(/399 users/);
    await bot.click('signout.confirm', card, admin);
    await waitUntil(() => tenant.users.some((u) => sb.graph.revokeCount(u.id) > 0), 20_000);
    const cancel = await bot.click('signout.cancel', card, admin);
    expect(cancel.status).toBe(200);
    const summary = await bot.waitForText(card.conversationId, /Bulk sign-out stopped/, 30_000);
    const revoked = tenant.users.filter((u) => sb.graph.revokeCount(u.id) > 0).length;
    expect(revoked).toBeGreaterThan(0);
    expect(revoked).toBeLessThan(399);
    expect(shown(summary.body.text)).toMatch(/not started/);
    expect(tenant.users.every((u) => sb.graph.revokeCount(u.id) <= 1)).toBe(true);
    const { request } = await expectJobInvariants(sb, card.requestId);
    expect(request.status).toBe('cancelled');
  }, 120_000);

  it('resumes after a crash in the middle of a job without revoking anyone twice', async () => {
    sb.graph.reset();
    const card = await bot.requestSignout('signout --self group:"Big Wave"', admin);
    const revokesBefore = new Map(tenant.users.map((u) => [u.id, sb.graph.revokeCount(u.id)]));
    await bot.click('signout.confirm', card, admin);
    await waitUntil(
      () =>
        tenant.users.filter((u) => sb.graph.revokeCount(u.id) > (revokesBefore.get(u.id) ?? 0)).length > 20,
      20_000,
    );
    await sb.stopBot('SIGKILL');
    await sb.restartBot();
    await bot.waitForText(card.conversationId, /Bulk sign-out finished/, 60_000);
    for (const u of tenant.users.slice(1)) {
      expect(sb.graph.revokeCount(u.id) - (revokesBefore.get(u.id) ?? 0)).toBe(1);
    }
    await expectJobInvariants(sb, card.requestId, revokesBefore);
    const progressUpdates = bot.connector.activities.filter(
      (a) => a.activityId === card.cardActivityId && a.op === 'update',
    );
    expect(progressUpdates.length).toBeGreaterThan(1);
  }, 120_000);
});

function findChoose(card: Record<string, any>, userId: string): { requestId: string } {
  let found: { requestId: string } | undefined;
  const walk = (n: any) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    if (n.type === 'Action.Execute' && n.verb === 'signout.choose' && n.data?.userId === userId)
      found = n.data;
    Object.values(n).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`no choice for ${userId}`);
  return found;
}
