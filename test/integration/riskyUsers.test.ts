import { BotDriver, cardOf, findAction, type Actor } from '../support/botDriver';
import type { RecordedActivity } from '../support/connectorStandIn';
import { allText } from '../support/cardReader';
import { DEFAULT_PERMISSIONS, IDENTITY_PROTECTION_PERMISSIONS } from '../support/graphStandIn';
import { shown } from '../support/markdownReader';
import { startAzurite, type Azurite } from '../support/azurite';
import {
  SANDBOX_SECURITY_CHANNEL_ID,
  startSandbox,
  type BotInstance,
  type Sandbox,
} from '../support/sandbox';
import { auditEntries, waitUntil } from '../support/sandboxState';
import { SAMPLE } from '../support/tenantFixture';

/**
 * Issue 14, section 1: risky users from Entra ID Protection become one card per user and episode in
 * the security channel, over HTTP against the Graph stand-in, through restarts, with every button.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const nonAdmin: Actor = { id: SAMPLE.nonAdmin.id, name: SAMPLE.nonAdmin.name };
const kat = SAMPLE.riskyKat;
const RISK_PERMISSIONS = [...DEFAULT_PERMISSIONS, ...IDENTITY_PROTECTION_PERMISSIONS];

const POLL_ENV = {
  RISKY_USERS_POLL_SECONDS: '1',
  RISKY_USERS_RETRY_SECONDS: '1',
  JOB_LEASE_SECONDS: '2',
  SWEEP_SECONDS: '1',
};

/** Cards the bot posted (not updated) in the security channel. */
function alertPosts(sb: Sandbox): RecordedActivity[] {
  return sb.connector!.activities.filter(
    (a) =>
      a.conversationId === SANDBOX_SECURITY_CHANNEL_ID &&
      a.op !== 'update' &&
      /Risky user|Alert:/.test(allText(cardOf(a) ?? {})),
  );
}

/** Waits for `n` more completed risky-user polls (the list requests Graph answered). */
async function polls(sb: Sandbox, n: number): Promise<void> {
  const listed = () => sb.graph.requests.filter((r) => r.path === '/identityProtection/riskyUsers').length;
  const target = listed() + n;
  await waitUntil(() => listed() >= target, 15_000);
  // the last poll's posts go out after Graph answered
  await new Promise((r) => setTimeout(r, 300));
}

async function cardFor(bot: BotDriver, sb: Sandbox, name: string): Promise<RecordedActivity> {
  return sb.connector!.waitFor(
    (a) =>
      a.conversationId === SANDBOX_SECURITY_CHANNEL_ID &&
      a.op !== 'update' &&
      allText(cardOf(a) ?? {}).includes(name),
    15_000,
  );
}

const alertCard = (a: RecordedActivity) => ({
  requestId: '',
  cardActivityId: a.activityId,
  conversationId: SANDBOX_SECURITY_CHANNEL_ID,
});

describe('risky users', () => {
  let sb: Sandbox;
  let bot: BotDriver;

  beforeAll(async () => {
    sb = await startSandbox({
      env: { ...POLL_ENV, PROTECTED_USER_IDS: SAMPLE.riskyMona.id, RISKY_USERS_MIN_LEVEL: 'high' },
      graph: { permissions: RISK_PERMISSIONS },
    });
    bot = new BotDriver(sb, SAMPLE.tenantId);
  });
  afterAll(() => sb?.stop());

  it('posts one card for a user at high risk once Teams has spoken, and no second one poll after poll', async () => {
    await polls(sb, 0);
    expect(alertPosts(sb)).toEqual([]);
    // the first activity tells the bot where to post
    await bot.say('help', admin);
    const posted = await cardFor(bot, sb, kat.name);
    const text = allText(cardOf(posted) ?? {});
    expect(text).toContain('Risky user: high risk');
    expect(text).toContain(kat.upn);
    expect(text).toContain('Risk state: at risk');
    expect(text).toContain('password spray');
    expect(text).toContain('203.0.113.77');
    expect(text).toContain('Seattle, Washington, US');
    const buttons = findAction(cardOf(posted)!, 'alert.signout');
    expect(buttons?.data).toEqual({
      alert: 'risk',
      userId: kat.id,
      episode: '2026-11-22T06:41:12.3456789Z',
      alertId: '',
    });
    // Mona is at medium risk, below the threshold
    expect(text).not.toContain(SAMPLE.riskyMona.name);
    await polls(sb, 3);
    expect(alertPosts(sb).filter((a) => allText(cardOf(a) ?? {}).includes(kat.name))).toHaveLength(1);
    const audited = (await auditEntries(sb)).filter((e) => e.event === 'alerted');
    expect(audited).toEqual([
      expect.objectContaining({ targets: [expect.objectContaining({ id: kat.id })] }),
    ]);
  });

  it('keeps its one card across a restart, and polls again after it', async () => {
    await sb.restartBot();
    await polls(sb, 2);
    expect(alertPosts(sb).filter((a) => allText(cardOf(a) ?? {}).includes(kat.name))).toHaveLength(1);
    // a user newly at risk gets a card from the restarted bot, which remembered where to post
    sb.graph.setRisk(SAMPLE.lester.id, { riskLevel: 'high', riskState: 'atRisk', riskDetail: 'none' });
    await cardFor(bot, sb, SAMPLE.lester.name);
  });

  it('updates the same card when the level changes, and shows how the risk ended', async () => {
    const posted = await cardFor(bot, sb, SAMPLE.lester.name);
    sb.graph.setRisk(SAMPLE.lester.id, { riskLevel: 'medium' });
    const medium = await bot.waitForCardText(posted.activityId, /Risk level: ".*medium|medium risk/);
    expect(allText(medium)).toContain('Risky user: medium risk');
    sb.graph.setRisk(SAMPLE.lester.id, {
      riskLevel: 'none',
      riskState: 'remediated',
      riskDetail: 'userPerformedSecuredPasswordReset',
    });
    const ended = await bot.waitForCardText(posted.activityId, /remediated/);
    expect(allText(ended)).toContain('user performed secured password reset');
    expect(findAction(ended, 'alert.signout')).toBeUndefined();
    expect(alertPosts(sb).filter((a) => allText(cardOf(a) ?? {}).includes(SAMPLE.lester.name))).toHaveLength(
      1,
    );
  });

  it('refuses a non-admin privately and changes nothing', async () => {
    const posted = await cardFor(bot, sb, kat.name);
    const data = findAction(cardOf(posted)!, 'alert.confirmCompromised')!.data;
    const answers = () =>
      sb.graph.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/identityProtection'));
    const before = answers().length;
    const res = await bot.click('alert.confirmCompromised', alertCard(posted), nonAdmin, { data });
    expect(res.status).toBe(200);
    expect(shown(res.body.value)).toMatch(/only|admin/i);
    expect(answers().length).toBe(before);
    expect(sb.graph.riskyUser(kat.id)?.riskState).toBe('atRisk');
  });

  it('confirms compromised: Graph is told, and the card shows who did it, for everyone', async () => {
    const posted = await cardFor(bot, sb, kat.name);
    const data = findAction(cardOf(posted)!, 'alert.confirmCompromised')!.data;
    const res = await bot.click('alert.confirmCompromised', alertCard(posted), admin, { data });
    const card = res.body.value;
    expect(allText(card)).toContain(`${admin.name} chose Confirm compromised`);
    expect(allText(card)).toContain('Risk state: confirmed compromised');
    expect(findAction(card, 'alert.confirmCompromised')).toBeUndefined();
    expect(sb.graph.riskyUser(kat.id)?.riskState).toBe('confirmedCompromised');
    await bot.waitForCardText(posted.activityId, /chose Confirm compromised/);
    const audited = (await auditEntries(sb)).filter((e) => e.event === 'compromised');
    expect(audited).toEqual([expect.objectContaining({ actor: expect.objectContaining({ id: admin.id }) })]);
  });

  it('dismisses only with a reason, and closes the card', async () => {
    const posted = await cardFor(bot, sb, kat.name);
    const data = findAction(cardOf(posted)!, 'alert.dismiss')!.data;
    const none = await bot.click('alert.dismiss', alertCard(posted), admin, { data });
    expect(shown(none.body.value)).toMatch(/Give a reason/);
    expect(sb.graph.riskyUser(kat.id)?.riskState).toBe('confirmedCompromised');
    const res = await bot.click('alert.dismiss', alertCard(posted), admin, {
      data: { ...data, dismissReason: 'travelling, verified by phone' },
    });
    const card = res.body.value;
    expect(allText(card)).toContain(`${admin.name} chose Dismiss`);
    expect(allText(card)).toContain('travelling, verified by phone');
    expect(findAction(card, 'alert.signout')).toBeUndefined();
    expect(sb.graph.riskyUser(kat.id)?.riskState).toBe('dismissed');
    // a later click on the closed card changes nothing
    const late = await bot.click('alert.confirmCompromised', alertCard(posted), admin, { data });
    expect(shown(late.body.value)).toMatch(/risk has ended/);
    expect(sb.graph.riskyUser(kat.id)?.riskState).toBe('dismissed');
  });

  it('signs out through the usual request: the alert card becomes its confirmation card, then its result', async () => {
    const [t1] = SAMPLE.testUsers;
    sb.graph.setRisk(t1.id, { riskLevel: 'high', riskState: 'atRisk', riskDetail: 'none' });
    const posted = await cardFor(bot, sb, t1.name);
    const data = findAction(cardOf(posted)!, 'alert.signout')!.data;
    const res = await bot.click('alert.signout', alertCard(posted), admin, { data });
    const confirm = res.body.value;
    const button = findAction(confirm, 'signout.confirm');
    expect(button).toBeDefined();
    expect(allText(confirm)).toContain(t1.upn);
    expect(sb.graph.revokeCount(t1.id)).toBe(0);
    // a second click on the alert card makes no second request
    const again = await bot.click('alert.signout', alertCard(posted), admin, { data });
    expect(shown(again.body.value)).toMatch(/already asked/);
    const request = {
      requestId: button!.data.requestId,
      cardActivityId: posted.activityId,
      conversationId: SANDBOX_SECURITY_CHANNEL_ID,
    };
    await bot.click('signout.confirm', request, admin);
    await waitUntil(() => sb.graph.revokeCount(t1.id) === 1);
    // the outcome and its time are on the card that was the alert card
    await bot.waitForCardText(posted.activityId, /Sessions valid from \d{4}-\d{2}-\d{2}/);
    // the message is the request's now: a change of risk does not draw the alert card over it
    sb.graph.setRisk(t1.id, { riskLevel: 'medium' });
    await polls(sb, 2);
    expect(allText(bot.currentCard(posted.activityId) ?? {})).not.toContain('Risky user');
    expect(alertPosts(sb).filter((a) => allText(cardOf(a) ?? {}).includes(t1.name))).toHaveLength(1);
  });

  it('blocks and signs out, and a privileged user needs a second admin, as for a typed request', async () => {
    const [, t2] = SAMPLE.testUsers;
    sb.graph.setRisk(t2.id, { riskLevel: 'high', riskState: 'atRisk', riskDetail: 'none' });
    const posted = await cardFor(bot, sb, t2.name);
    const block = await bot.click('alert.block', alertCard(posted), admin, {
      data: findAction(cardOf(posted)!, 'alert.block')!.data,
    });
    expect(allText(block.body.value)).toContain('Sign-in will be blocked first');
    const button = findAction(block.body.value, 'signout.confirm')!;
    await bot.click(
      'signout.confirm',
      {
        requestId: button.data.requestId,
        cardActivityId: posted.activityId,
        conversationId: SANDBOX_SECURITY_CHANNEL_ID,
      },
      admin,
    );
    await waitUntil(
      () => sb.graph.user(t2.id)!.accountEnabled === false && sb.graph.revokeCount(t2.id) === 1,
    );

    sb.graph.setRisk(SAMPLE.globalAdmin.id, { riskLevel: 'high', riskState: 'atRisk', riskDetail: 'none' });
    const adminCard = await cardFor(bot, sb, SAMPLE.globalAdmin.name);
    expect(allText(cardOf(adminCard)!)).toContain('Privileged: Global Administrator');
    const asked = await bot.click('alert.signout', alertCard(adminCard), admin, {
      data: findAction(cardOf(adminCard)!, 'alert.signout')!.data,
    });
    expect(findAction(asked.body.value, 'signout.confirm')).toBeUndefined();
    expect(findAction(asked.body.value, 'signout.approve')).toBeDefined();
    expect(sb.graph.revokeCount(SAMPLE.globalAdmin.id)).toBe(0);
  });

  it('gives a break-glass account no sign-out button, and refuses a forged click', async () => {
    const mona = SAMPLE.riskyMona;
    sb.graph.setRisk(mona.id, { riskLevel: 'high' });
    const posted = await cardFor(bot, sb, mona.name);
    const card = cardOf(posted)!;
    expect(findAction(card, 'alert.signout')).toBeUndefined();
    expect(findAction(card, 'alert.block')).toBeUndefined();
    expect(allText(card)).toContain('Break-glass account');
    const data = findAction(card, 'alert.confirmCompromised')!.data;
    const forged = await bot.click('alert.signout', alertCard(posted), admin, { data });
    expect(shown(forged.body.value)).toMatch(/break-glass|protected/i);
    expect(sb.graph.revokeCount(mona.id)).toBe(0);
  });
});

describe('risky users without the permission', () => {
  let sb: Sandbox;
  let bot: BotDriver;

  beforeAll(async () => {
    sb = await startSandbox({ env: POLL_ENV, graph: { permissions: DEFAULT_PERMISSIONS } });
    bot = new BotDriver(sb, SAMPLE.tenantId);
  });
  afterAll(() => sb?.stop());

  it('warns once in the security channel, retries, and posts the cards once it is granted', async () => {
    await bot.say('help', admin);
    const warning = await bot.waitForSecurityNotice(/cannot read risky users/);
    expect(shown(warning.body.text)).toContain('IdentityRiskyUser.ReadWrite.All');
    expect(shown(warning.body.text)).toContain('Entra ID P2');
    await polls(sb, 3);
    const warnings = () =>
      sb.connector!.activities.filter(
        (a) =>
          a.conversationId === SANDBOX_SECURITY_CHANNEL_ID &&
          /cannot read risky users/.test(shown(a.body?.text)),
      );
    expect(warnings()).toHaveLength(1);
    expect(alertPosts(sb)).toEqual([]);
    expect(sb.logs()).toMatch(/risky users cannot be read/);

    sb.graph.setPermissions(RISK_PERMISSIONS);
    await cardFor(bot, sb, kat.name);
    await bot.waitForSecurityNotice(/can read risky users .* again/);
    expect(warnings()).toHaveLength(1);
  });
});

describe('risky users with two instances on one blob container', () => {
  let azurite: Azurite;
  let sb: Sandbox;
  let other: BotInstance;
  let bot: BotDriver;

  beforeAll(async () => {
    azurite = await startAzurite();
    sb = await startSandbox({
      env: {
        ...POLL_ENV,
        STORAGE_BACKEND: 'blob',
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        AZURE_STORAGE_CONTAINER_NAME: 'risky-users',
      },
      graph: { permissions: RISK_PERMISSIONS },
    });
    other = await sb.startInstance();
    bot = new BotDriver(sb, SAMPLE.tenantId);
  }, 60_000);
  afterAll(async () => {
    await sb?.stop();
    await azurite?.stop();
  });

  it('posts exactly one card per episode, whichever instance polls first', async () => {
    // one instance hears from Teams; the other reads where to post from the shared container
    await bot.say('help', admin);
    await cardFor(bot, sb, kat.name);
    for (let i = 0; i < 3; i++) {
      sb.graph.setRisk(SAMPLE.testUsers[i].id, {
        riskLevel: 'high',
        riskState: 'atRisk',
        riskDetail: 'none',
      });
    }
    for (let i = 0; i < 3; i++) await cardFor(bot, sb, SAMPLE.testUsers[i].name);
    await polls(sb, 6);
    for (const name of [kat.name, ...SAMPLE.testUsers.slice(0, 3).map((u) => u.name)]) {
      expect(alertPosts(sb).filter((a) => allText(cardOf(a) ?? {}).includes(name))).toHaveLength(1);
    }
    // neither instance stumbled over the other's claims
    for (const logs of [sb.logs(), other.logs()])
      expect(logs).not.toMatch(/risky-user poll failed|risky user not handled/);
  }, 60_000);
});
