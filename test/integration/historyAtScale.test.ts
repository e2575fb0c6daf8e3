import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AuditEntry, NewAuditEntry } from '../../src/domain/audit';
import { segmentChain } from '../../src/domain/auditIndex';
import { toJsonLines } from '../../src/store/auditLog';
import { BotDriver, cardText, type Actor } from '../support/botDriver';
import type { Sandbox } from '../support/sandbox';
import { useSandbox, waitUntil } from '../support/sandboxState';
import { fixtureGuid, largeTenant, SAMPLE, type Tenant } from '../support/tenantFixture';

/**
 * Issue 15 end to end: a request of more than 1,000 users is audited as a `requested` line and
 * `targeted` lines, and `history <user>` finds it over a log the bot has indexed (a 4 MB log left by
 * earlier use, indexed in the background from the bot's start).
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const waveId = fixtureGuid('test:huge-wave');

/** Earlier use: 15,000 single sign-outs of people who have left, then one of `user`, a year ago. */
function earlierLog(user: { id: string; userPrincipalName: string }): string {
  const yearAgo = Date.now() - 365 * 24 * 3600_000;
  const entries: NewAuditEntry[] = [];
  const single = (requestId: string, target: { id: string; upn: string }, at: number) => {
    const stamp = new Date(at).toISOString();
    entries.push(
      {
        at: stamp,
        event: 'requested',
        tenantId: SAMPLE.tenantId,
        requestId,
        actor: admin,
        targets: [target],
        source: target.upn,
        block: false,
      },
      { at: stamp, event: 'confirmed', tenantId: SAMPLE.tenantId, requestId, actor: admin },
      {
        at: stamp,
        event: 'revoked',
        tenantId: SAMPLE.tenantId,
        requestId,
        actor: admin,
        targets: [target],
        outcome: 'revoked',
      },
    );
  };
  single('earlier-own', { id: user.id, upn: user.userPrincipalName }, yearAgo);
  for (let i = 0; i < 15_000; i++) {
    const id = fixtureGuid(`leaver:${i}`);
    single(`earlier-${i}`, { id, upn: `leaver${i}@contoso.com` }, yearAgo + (i + 1) * 60_000);
  }
  return toJsonLines(entries, Date.now());
}

describe('history at scale: a request of 1,250 users over an indexed log', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  let tenant: Tenant;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signout-history-scale-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  useSandbox(
    () => {
      tenant = largeTenant(1_300);
      tenant.groups.push({
        id: waveId,
        displayName: 'Huge Wave',
        memberIds: tenant.users.slice(1, 1_251).map((u) => u.id),
      });
      fs.writeFileSync(path.join(dataDir, 'audit.jsonl'), earlierLog(tenant.users[1_200]));
      return { tenant, dataDir, env: { APPROVAL_POLICY: 'none' } };
    },
    (s, b) => {
      sb = s;
      bot = b;
    },
  );

  const auditLines = (): AuditEntry[] =>
    fs
      .readFileSync(path.join(dataDir, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEntry);

  async function historyCard(of: string): Promise<string> {
    const activity = await bot.say(`history ${of} 5`, admin);
    const reply = await bot.connector.waitFor(
      (a) => a.conversationId === activity.conversation.id && !!a.body?.attachments?.length,
    );
    return cardText(reply.body.attachments[0].content);
  }

  it('indexes the log it found at its start', async () => {
    const indexFile = path.join(dataDir, 'audit.jsonl.index');
    const size = fs.statSync(path.join(dataDir, 'audit.jsonl')).size;
    expect(size).toBeGreaterThan(4_000_000);
    await waitUntil(() => {
      const chain = fs.existsSync(indexFile)
        ? segmentChain(fs.readFileSync(indexFile, 'utf8').split('\n'))
        : [];
      // all but the last segment's worth is indexed
      return (chain.at(-1)?.end ?? 0) > size - 64 * 1024;
    }, 20_000);
  });

  it('audits a group of 1,250 as a requested line and a targeted line; history finds a user on either', async () => {
    const card = await bot.requestSignout('signout group:"Huge Wave"', admin);
    expect(cardText(card.card)).toMatch(/1,250 users/);
    expect((await bot.click('signout.cancel', card, admin)).status).toBe(200);
    await waitUntil(
      () => auditLines().some((e) => e.requestId === card.requestId && e.event === 'cancelled'),
      15_000,
    );

    const lines = auditLines().filter((e) => e.requestId === card.requestId);
    expect(lines.map((e) => [e.event, e.targets?.length, e.targetCount])).toEqual([
      ['requested', 1_000, 1_250],
      ['targeted', 250, undefined],
      ['cancelled', undefined, undefined],
    ]);
    const named = lines.flatMap((e) => e.targets ?? []).map((t) => t.id);
    expect(new Set(named)).toEqual(new Set(tenant.users.slice(1, 1_251).map((u) => u.id)));
    expect(tenant.users.every((u) => sb.graph.revokeCount(u.id) === 0)).toBe(true);

    // a user on the targeted line: the group's request, and their own sign-out of a year ago
    const late = tenant.users[1_200];
    expect(lines[0].targets?.some((t) => t.id === late.id)).toBe(false);
    const lateHistory = await historyCard(late.userPrincipalName);
    expect(lateHistory).toContain('1,250 users');
    expect(lateHistory).toContain('Huge Wave');
    expect(lateHistory).toMatch(/[Cc]ancelled/);
    // and their own sign-out of a year ago, from the start of the log
    expect(lateHistory).toMatch(/The last 2 actions/);
    expect(lateHistory).toMatch(/Signed out[\s\S]*Request: \s*earlier-own/);

    // a user on the requested line
    const early = await historyCard(tenant.users[1].userPrincipalName);
    expect(early).toMatch(/The last action/);
    expect(early).toContain('1,250 users');
    expect(early).toContain(card.requestId);

    // a user of the tenant outside the group: none of it
    const outside = await historyCard(tenant.users[1_280].userPrincipalName);
    expect(outside).not.toContain('Huge Wave');
  }, 60_000);
});
