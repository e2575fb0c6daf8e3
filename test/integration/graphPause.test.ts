import { BotDriver, cardText, type Actor } from '../support/botDriver';
import { shown } from '../support/markdownReader';
import { auditEntries, useSandbox } from '../support/sandboxState';
import type { Sandbox } from '../support/sandbox';
import { fixtureGuid, largeTenant, SAMPLE, type Tenant } from '../support/tenantFixture';

/**
 * Issue 10, item 8: Graph answers a bulk job's revokes with 429 and `Retry-After: 3600`. The job pauses
 * only up to GRAPH_MAX_PAUSE_SECONDS (3 s here, 300 by default), says so on its progress card, then
 * asks again and finishes.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const GROUP_ID = fixtureGuid('test:graph-pause-group');

describe('Graph asking a bulk job to wait an hour', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  let tenant: Tenant;
  useSandbox(
    () => {
      tenant = largeTenant(31);
      tenant.groups.push({
        id: GROUP_ID,
        displayName: 'Pause',
        memberIds: tenant.users.slice(1).map((u) => u.id),
      });
      return { tenant, env: { APPROVAL_POLICY: 'none', GRAPH_MAX_PAUSE_SECONDS: '3' } };
    },
    (s, b) => {
      sb = s;
      bot = b;
    },
  );

  it('pauses at most GRAPH_MAX_PAUSE_SECONDS, shows "paused by Graph until" on the card, and finishes', async () => {
    const card = await bot.requestSignout(`signout group:${GROUP_ID}`, admin);
    const targets = tenant.users.slice(1).map((u) => u.id);
    sb.graph.inject({
      method: 'POST',
      path: /revokeSignInSessions$/,
      status: 429,
      retryAfterSeconds: 3600,
      times: targets.length,
    });
    expect((await bot.click('signout.confirm', card, admin)).status).toBe(200);

    const paused = await bot.waitForCardText(card.cardActivityId, /Paused by Graph until/);
    expect(cardText(paused)).toMatch(
      /Paused by Graph until \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC \([^)]*Europe\/Berlin\): Microsoft Graph asked the bot to wait/,
    );
    const summary = await bot.waitForText(card.conversationId, /Bulk sign-out finished/, 30_000);
    expect(shown(summary.body.text)).toMatch(/30 signed out, 0 failed/);
    // the job went on when the card said it would, not an hour later
    const [, day, time] = /until (\S+) (\S+) UTC/.exec(cardText(paused))!;
    expect(Date.parse(`${day}T${time}Z`)).toBeLessThanOrEqual(summary.at);
    for (const id of targets) expect(sb.graph.revokeCount(id)).toBe(1);
    expect(sb.graph.throttledCount()).toBeGreaterThanOrEqual(targets.length);
    const outcomes = (await auditEntries(sb)).filter(
      (e) => e.requestId === card.requestId && e.event === 'revoked',
    );
    expect(outcomes.map((e) => e.targets[0].id).sort()).toEqual([...targets].sort());
  }, 60_000);
});
