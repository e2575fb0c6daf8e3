import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BotDriver, cardText, findAction, noticeText, type Actor } from '../support/botDriver';
import { expectJobInvariants } from '../support/jobInvariants';
import { shown } from '../support/markdownReader';
import { auditEntries, expireRequest, useSandbox } from '../support/sandboxState';
import type { Sandbox } from '../support/sandbox';
import { DEFAULT_PERMISSIONS } from '../support/graphStandIn';
import { SAMPLE } from '../support/tenantFixture';

/** Issue 5 end to end: two-person rule, privileged targets, self-protection, containment, history, audit. */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const secondAdmin: Actor = { id: SAMPLE.secondAdmin.id, name: SAMPLE.secondAdmin.name };
const VALID_FROM = /Sessions valid from \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/;

describe('two-person rule (APPROVAL_POLICY=always)', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  const [u1, u2, u3, u4, u5] = SAMPLE.testUsers;
  useSandbox(
    {
      env: {
        APPROVAL_POLICY: 'always',
        PROTECTED_USER_IDS: SAMPLE.roleHolder.id,
        ADMIN_USER_IDS: SAMPLE.userAdmin.id,
      },
    },
    (s, b) => {
      sb = s;
      bot = b;
    },
  );

  it('waits for a second admin, refuses the requester approving their own request, then runs on approval', async () => {
    const card = await bot.requestSignout(`signout ${u1.upn} compromised`, admin);
    expect(cardText(card.card)).toMatch(/Waiting for a second admin/);
    expect(findAction(card.card, 'signout.confirm')).toBeUndefined();
    expect(findAction(card.card, 'signout.approve')).toBeDefined();
    expect(findAction(card.card, 'signout.reject')).toBeDefined();

    const own = await bot.click('signout.approve', card, admin);
    expect(own.body?.value).toMatch(/own request/);
    const confirmInstead = await bot.click('signout.confirm', card, admin);
    expect(confirmInstead.body?.value).toMatch(/second admin/);
    expect(sb.graph.revokeCount(u1.id)).toBe(0);
    await bot.waitForSecurityNotice(/^Refused: [^]*tried to approve their own request \(two-person rule\)/);
    await bot.waitForNotice(card.requestId, /^Sign-out requested: waiting for a second admin's approval\n/);

    const ok = await bot.click('signout.approve', card, secondAdmin);
    expect(ok.status).toBe(200);
    await bot.waitForText(card.conversationId, VALID_FROM);
    expect(sb.graph.revokeCount(u1.id)).toBe(1);
    const final = await bot.waitForCardText(card.cardActivityId, /Approved by|approved by/);
    expect(cardText(final)).toContain(secondAdmin.name);
    // one notice card, updated in place; "approved" may be overtaken by the job's start (latest only)
    const notice = await bot.waitForNotice(card.requestId, /^Sign-out done\n/);
    expect(noticeText(notice)).toContain(`Approved by: ${secondAdmin.name}`);
    expect(noticeText(notice)).toMatch(/\nIn: .*19:.*@thread\.tacv2/);
    const { headlines } = bot.noticeCardHistory(card.requestId);
    expect(headlines[0]).toBe("Sign-out requested: waiting for a second admin's approval");
    expect(headlines.at(-1)).toBe('Sign-out done');
  });

  it('lets exactly one of two approvers clicking at once win', async () => {
    const card = await bot.requestSignout(`signout ${u2.upn}`, admin);
    const third: Actor = { id: SAMPLE.userAdmin.id, name: SAMPLE.userAdmin.name };
    const clicks = await Promise.all([
      bot.click('signout.approve', card, secondAdmin),
      bot.click('signout.approve', card, third),
      bot.click('signout.approve', card, secondAdmin),
      bot.click('signout.approve', card, third),
    ]);
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    await bot.waitForText(card.conversationId, VALID_FROM);
    await new Promise((r) => setTimeout(r, 300));
    expect(sb.graph.revokeCount(u2.id)).toBe(1);
    const approvals = (await auditEntries(sb)).filter(
      (e) => e.requestId === card.requestId && e.event === 'approved',
    );
    expect(approvals).toHaveLength(1);
  });

  it('refuses an approval after expiry', async () => {
    const card = await bot.requestSignout(`signout ${u3.upn}`, admin);
    await expireRequest(sb, card.requestId);
    const late = await bot.click('signout.approve', card, secondAdmin);
    expect(cardText(late.body?.value)).toMatch(/expired/i);
    expect(sb.graph.revokeCount(u3.id)).toBe(0);
  });

  it('makes a rejection final: a later approval does nothing', async () => {
    const card = await bot.requestSignout(`signout ${u4.upn}`, admin);
    const noReason = await bot.click('signout.reject', card, secondAdmin, {
      data: { requestId: card.requestId },
    });
    expect(noReason.body?.value).toMatch(/reason/);
    const rejected = await bot.click('signout.reject', card, secondAdmin, {
      data: { requestId: card.requestId, rejectReason: 'not the right user' },
    });
    expect(cardText(rejected.body?.value)).toMatch(/not the right user/);
    expect(cardText(rejected.body?.value)).toMatch(/[Rr]ejected/);
    const approve = await bot.click('signout.approve', card, secondAdmin);
    expect(findAction(approve.body?.value, 'signout.approve')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(sb.graph.revokeCount(u4.id)).toBe(0);
    await bot.waitForNotice(
      card.requestId,
      /^Sign-out rejected\n[^]*\nRejection reason: not the right user\n/,
    );
    expect(bot.noticeCardHistory(card.requestId).headlines.at(-1)).toBe('Sign-out rejected');
  });

  it('refuses to sign out the requester without --self, and a protected break-glass account always', async () => {
    const self = await bot.say(`signout ${SAMPLE.admin.upn}`, admin);
    await bot.waitForText(self.conversation.id, /add --self/);
    const withSelf = await bot.requestSignout(`signout --self ${SAMPLE.admin.upn}`, admin);
    expect(cardText(withSelf.card)).toContain(SAMPLE.admin.upn);

    const shielded = await bot.say(`signout ${SAMPLE.roleHolder.upn}`, admin);
    await bot.waitForText(shielded.conversation.id, /protected break-glass account/);
    expect(sb.graph.revokeCount(SAMPLE.roleHolder.id)).toBe(0);
  });

  it('shows history: who, whom, when, approver and outcome', async () => {
    const activity = await bot.say(`history ${u1.upn} 5`, admin);
    const reply = await bot.connector.waitFor(
      (a) => a.conversationId === activity.conversation.id && !!a.body?.attachments?.length,
    );
    const text = cardText(reply.body.attachments[0].content);
    expect(text).toContain(u1.upn);
    expect(text).toContain(admin.name);
    expect(text).toContain(secondAdmin.name);
    expect(text).toMatch(/[Ss]igned out/);
    expect(text).not.toContain(u4.upn);
  });

  it('exports the audit log as CSV', () => {
    const exportSince = (since: string) =>
      spawnSync(
        process.execPath,
        [path.join(__dirname, '../../dist/scripts/auditExport.js'), '--since', since],
        {
          env: { PATH: process.env.PATH, DATA_DIR: sb.dataDir },
          encoding: 'utf8',
        },
      );
    const run = exportSince('2026-01-01');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^at,event,/);
    expect(run.stdout).toContain('approved');
    expect(run.stdout).toContain('rejected');
    expect(run.stdout).toContain(u1.upn);
    const bad = exportSince('yesterday');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/since/);
  });

  it('does not let an approval through for someone outside the approver group', async () => {
    const card = await bot.requestSignout(`signout ${u5.upn}`, admin);
    const nonAdmin: Actor = { id: SAMPLE.nonAdmin.id, name: SAMPLE.nonAdmin.name };
    const answer = await bot.click('signout.approve', card, nonAdmin);
    expect(answer.body?.value).toMatch(/aren't allowed/);
    expect(sb.graph.revokeCount(u5.id)).toBe(0);
  });
});

describe('privileged targets and containment (default policy: privileged)', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox({ graph: { canRevokePrivileged: true } }, (s, b) => {
    sb = s;
    bot = b;
  });

  it('flags a role held through a role-assignable group and asks for approval; ordinary users need none', async () => {
    const card = await bot.requestSignout(`signout ${SAMPLE.privilegedViaGroup.upn}`, admin);
    expect(cardText(card.card)).toMatch(/Privileged Authentication Administrator/);
    expect(findAction(card.card, 'signout.approve')).toBeDefined();
    const plain = await bot.requestSignout(`signout ${SAMPLE.testUsers[0].upn}`, admin);
    expect(findAction(plain.card, 'signout.confirm')).toBeDefined();
  });

  it('flags PIM-eligible and administrative-unit role holders, naming their roles, and asks for approval', async () => {
    const cases = [
      [SAMPLE.eligibleGlobalAdmin, 'Global Administrator (eligible)'],
      [SAMPLE.auUserAdmin, 'User Administrator (administrative unit)'],
      [SAMPLE.eligibleViaGroup, 'Security Administrator (eligible)'],
    ] as const;
    for (const [who, role] of cases) {
      const card = await bot.requestSignout(`signout ${who.upn}`, admin);
      const text = cardText(card.card);
      expect(text).toContain(role);
      expect(text).toMatch(/Waiting for a second admin/);
      expect(findAction(card.card, 'signout.approve')).toBeDefined();
      expect(findAction(card.card, 'signout.confirm')).toBeUndefined();
    }
    const both = await bot.requestSignout(
      `signout ${SAMPLE.eligibleGlobalAdmin.upn} ${SAMPLE.auUserAdmin.upn} -- offboarding`,
      admin,
    );
    expect(cardText(both.card)).toMatch(
      /Global Administrator \(eligible\)[\s\S]*User Administrator \(administrative unit\)/,
    );
    expect(findAction(both.card, 'signout.approve')).toBeDefined();
    expect(sb.graph.revokeCount(SAMPLE.eligibleGlobalAdmin.id)).toBe(0);
  });

  it('treats the targets as privileged when it cannot read roles', async () => {
    sb.graph.setPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'RoleManagement.Read.Directory'));
    try {
      const card = await bot.requestSignout(`signout ${SAMPLE.testUsers[3].upn}`, admin);
      expect(cardText(card.card)).toMatch(/could not check admin roles.*RoleManagement\.Read\.Directory/);
      expect(findAction(card.card, 'signout.approve')).toBeDefined();
      expect(findAction(card.card, 'signout.confirm')).toBeUndefined();
    } finally {
      sb.graph.setPermissions(DEFAULT_PERMISSIONS);
    }
  });

  it('blocks sign-in first, then revokes; unblock reverses it', async () => {
    const target = SAMPLE.testUsers[1];
    const card = await bot.requestSignout(`signout --block ${target.upn} stolen laptop`, admin);
    expect(cardText(card.card)).toMatch(/[Bb]lock/);
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, VALID_FROM);
    expect(sb.graph.user(target.id)!.accountEnabled).toBe(false);
    const calls = sb.graph.requests.filter((r) => r.path.includes(target.id) && r.method !== 'GET');
    expect(calls.map((r) => r.method)).toEqual(['PATCH', 'POST']);

    const unblock = await bot.requestSignout(`unblock ${target.upn}`, admin);
    expect(sb.graph.user(target.id)!.accountEnabled).toBe(false);
    await bot.click('signout.confirm', unblock, admin);
    await bot.waitForText(unblock.conversationId, /allowed again/);
    expect(sb.graph.user(target.id)!.accountEnabled).toBe(true);
    // posted after the outcome is audited
    await bot.waitForNotice(unblock.requestId, new RegExp(`^Unblock done\nUnblock: ${target.name} `));

    const patches = () => sb.graph.requests.filter((r) => r.path.includes(target.id) && r.method === 'PATCH');
    const before = patches().length;
    const again = await bot.say(`unblock ${target.upn}`, admin);
    await bot.waitForText(
      again.conversation.id,
      /is not blocked for .*nothing to unblock and nothing changed/,
    );
    await bot.waitForSecurityNotice(/whose sign-in was not blocked; nothing changed/);
    expect(patches()).toHaveLength(before);
    const entries = (await auditEntries(sb)).filter(
      (e) => e.event === 'unblocked' && e.targets?.[0]?.id === target.id,
    );
    expect(entries.map((e) => e.outcome)).toEqual(['unblocked', 'Sign-in was not blocked; nothing changed']);
  });

  it('blocks a whole search result before revoking, each write paced in $batch', async () => {
    const card = await bot.requestSignout('signout --block search:"Test User" -- phishing wave', admin);
    const before = sb.graph.revokeCounts();
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, /Bulk sign-out finished/, 30_000);
    await expectJobInvariants(sb, card.requestId, before);
    for (const u of SAMPLE.testUsers) {
      expect(sb.graph.user(u.id)!.accountEnabled).toBe(false);
      const writes = sb.graph.requests.filter(
        (r) => r.path.includes(u.id) && r.method !== 'GET' && r.inBatch,
      );
      expect(writes.map((r) => r.method).slice(-2)).toEqual(['PATCH', 'POST']);
    }
  });
});

describe('--block without User.EnableDisableAccount.All', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox(
    {
      graph: {
        permissions: [
          'User.RevokeSessions.All',
          'User.Read.All',
          'GroupMember.Read.All',
          'RoleManagement.Read.Directory',
        ],
      },
    },
    (s, b) => {
      sb = s;
      bot = b;
    },
  );

  it('names the missing permission and changes nothing', async () => {
    const target = SAMPLE.testUsers[2];
    const card = await bot.requestSignout(`signout --block ${target.upn}`, admin);
    await bot.click('signout.confirm', card, admin);
    const post = await bot.waitForText(card.conversationId, /User\.EnableDisableAccount\.All/);
    expect(shown(post.body.text)).toMatch(/403 Authorization_RequestDenied/);
    expect(sb.graph.revokeCount(target.id)).toBe(0);
    expect(sb.graph.user(target.id)!.accountEnabled).toBe(true);
    // blocked elsewhere (the admin center): the bot only reverses its own blocks
    sb.graph.user(target.id)!.accountEnabled = false;
    const activity = await bot.say(`unblock ${target.upn}`, admin);
    await bot.waitForText(activity.conversation.id, /not by this bot.*Microsoft Entra admin center/);
    expect(sb.graph.user(target.id)!.accountEnabled).toBe(false);
  });

  it('for a bulk job too: nobody is revoked, and the reason names the permission', async () => {
    const group = SAMPLE.migrationMemberIds;
    const card = await bot.requestSignout('signout --block group:"Migration Wave 1"', admin);
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, /Bulk sign-out finished/, 30_000);
    await expectJobInvariants(sb, card.requestId);
    const final = await bot.waitForCardText(card.cardActivityId, /User\.EnableDisableAccount\.All/);
    expect(JSON.stringify(final)).toMatch(/User\.EnableDisableAccount\.All/);
    for (const id of group) expect(sb.graph.revokeCount(id)).toBe(0);
  });
});

describe('group: without GroupMember.Read.All', () => {
  let bot: BotDriver;
  useSandbox(
    {
      env: { ADMIN_GROUP_ID: undefined, ADMIN_USER_IDS: SAMPLE.admin.id },
      graph: { permissions: ['User.RevokeSessions.All', 'User.Read.All', 'RoleManagement.Read.Directory'] },
    },
    (_s, b) => {
      bot = b;
    },
  );

  it('names the missing permission instead of failing vaguely', async () => {
    const activity = await bot.say('signout group:"Migration Wave 1"', admin);
    const reply = await bot.waitForText(activity.conversation.id, /GroupMember\.Read\.All/);
    expect(shown(reply.body.text)).toMatch(/403 Authorization_RequestDenied/);
  });
});
