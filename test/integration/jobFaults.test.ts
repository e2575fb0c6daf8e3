import { BotDriver, type Actor, type PostedCard } from '../support/botDriver';
import { startAzurite, type Azurite } from '../support/azurite';
import { expectJobInvariants, storedRequest } from '../support/jobInvariants';
import { startSandbox, type BotInstance, type Sandbox } from '../support/sandbox';
import { waitUntil } from '../support/sandboxState';
import { fixtureGuid, largeTenant, SAMPLE, type Tenant } from '../support/tenantFixture';

/**
 * Issue 10, items 1-3: bulk jobs under process faults, through real bot processes. Leases and sweeps
 * are seconds long here (JOB_LEASE_SECONDS, SWEEP_SECONDS), so a takeover takes seconds, not minutes.
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const FINISHED = /Bulk sign-out finished/;
const FAST_LEASES = { JOB_LEASE_SECONDS: '2', SWEEP_SECONDS: '1', APPROVAL_POLICY: 'none' };

function tenantWithGroups(size: number, groups: Record<string, [number, number]>): Tenant {
  const tenant = largeTenant(size);
  for (const [name, [from, to]] of Object.entries(groups)) {
    tenant.groups.push({
      id: fixtureGuid(`test:${name}`),
      displayName: name,
      memberIds: tenant.users.slice(from, to).map((u) => u.id),
    });
  }
  return tenant;
}

const revokedBy = (sb: Sandbox, ids: string[]) => ids.filter((id) => sb.graph.revokeCount(id) > 0).length;

describe('a frozen instance wakes after another took its job over (blob store, two instances)', () => {
  let azurite: Azurite;
  let sb: Sandbox;
  let other: BotInstance;
  let bot: BotDriver;
  const tenant = tenantWithGroups(301, { 'Frozen Wave': [1, 301] });
  const members = tenant.groups.at(-1)!.memberIds;

  beforeAll(async () => {
    azurite = await startAzurite();
    sb = await startSandbox({
      tenant,
      // ~300 users take several seconds: a batch answers in about 1.5 s
      graph: { latencyMs: 500, jitterMs: 50 },
      env: {
        ...FAST_LEASES,
        STORAGE_BACKEND: 'blob',
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        AZURE_STORAGE_CONTAINER_NAME: 'frozen',
      },
    });
    other = await sb.startInstance();
    bot = new BotDriver(sb, SAMPLE.tenantId);
  }, 60_000);
  afterAll(async () => {
    sb?.signal('SIGCONT');
    await sb?.stop();
    await azurite?.stop();
  });

  it('revokes everyone once, audits each outcome once and ends the job once', async () => {
    const card = await bot.requestSignout('signout group:"Frozen Wave"', admin);
    await bot.click('signout.confirm', card, admin);
    await waitUntil(() => revokedBy(sb, members) >= 40, 30_000);
    // paused as a VM is: its batches in flight still reach Graph, and its clock runs on
    sb.signal('SIGSTOP');
    await bot.waitForText(card.conversationId, FINISHED, 90_000);
    expect(other.logs()).toMatch(/resuming interrupted sign-out/);
    sb.signal('SIGCONT');
    // it must notice that it lost the job before sending anything more
    await waitUntil(
      () =>
        /stopped before its next batch/.test(sb.logs()) || members.some((id) => sb.graph.revokeCount(id) > 1),
      30_000,
    );
    expect(members.filter((id) => sb.graph.revokeCount(id) !== 1)).toEqual([]);
    const { request } = await expectJobInvariants(sb, card.requestId);
    expect(request.status).toBe('done');
    expect(request.outcomes).toHaveLength(members.length);
    expect(bot.postedIn(card.conversationId).filter((a) => FINISHED.test(a.body?.text ?? ''))).toHaveLength(
      1,
    );
  }, 150_000);
});

describe('a bot killed at points of a bulk job, then restarted', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  const tenant = tenantWithGroups(241, { 'Kill Wave': [1, 201], 'Small Wave': [201, 241] });
  const [big, small] = tenant.groups.slice(-2);

  beforeAll(async () => {
    sb = await startSandbox({ tenant, graph: { latencyMs: 300, jitterMs: 30 }, env: FAST_LEASES });
    bot = new BotDriver(sb, SAMPLE.tenantId);
  }, 60_000);
  afterAll(async () => {
    await sb?.stop();
  });
  beforeEach(() => sb.graph.reset());

  async function start(group: string): Promise<PostedCard> {
    const card = await bot.requestSignout(`signout group:"${group}"`, admin);
    await bot.click('signout.confirm', card, admin);
    return card;
  }

  /** Once restarted, the job ends done, with its card updated, everyone revoked once, each audited once. */
  async function expectFinishedOnce(card: PostedCard, members: string[]): Promise<void> {
    await bot.waitForText(card.conversationId, FINISHED, 60_000);
    await bot.waitForCardText(card.cardActivityId, /\/exports\//);
    expect(members.filter((id) => sb.graph.revokeCount(id) !== 1)).toEqual([]);
    const { request } = await expectJobInvariants(sb, card.requestId);
    expect(request.status).toBe('done');
    expect(request.outcomes.map((o) => o.kind)).toEqual(members.map(() => 'revoked'));
    expect(bot.postedIn(card.conversationId).filter((a) => FINISHED.test(a.body?.text ?? ''))).toHaveLength(
      1,
    );
  }

  it('before its first batch reached Graph', async () => {
    const held = sb.graph.holdBatches();
    const card = await start('Small Wave');
    await held.arrived;
    await sb.stopBot('SIGKILL');
    held.drop();
    expect(revokedBy(sb, small.memberIds)).toBe(0);
    await sb.restartBot();
    await expectFinishedOnce(card, small.memberIds);
  }, 90_000);

  it('in the middle, with batches answered and more on their way', async () => {
    const card = await start('Kill Wave');
    await waitUntil(() => revokedBy(sb, big.memberIds) > 0, 30_000);
    const held = sb.graph.holdBatches();
    await held.arrived;
    await sb.stopBot('SIGKILL');
    held.drop();
    expect(revokedBy(sb, big.memberIds)).toBeLessThan(big.memberIds.length);
    await sb.restartBot();
    await expectFinishedOnce(card, big.memberIds);
  }, 90_000);

  it('after its last revoke, before the job was marked done', async () => {
    // every read-back hangs: the revokes are all made, and the job never gets to its end
    sb.graph.inject({
      method: 'GET',
      path: /^\/users\/[^/]+$/,
      status: 200,
      delayMs: Infinity,
      times: Infinity,
    });
    const card = await start('Small Wave');
    await waitUntil(() => revokedBy(sb, small.memberIds) === small.memberIds.length, 30_000);
    await sb.stopBot('SIGKILL');
    sb.graph.clearFaults();
    expect((await storedRequest(sb, card.requestId))?.status).toBe('running');
    await sb.restartBot();
    await expectFinishedOnce(card, small.memberIds);
  }, 90_000);

  it('between marking the job done and reporting it in Teams', async () => {
    // the Bot Connector hangs on the card's final update: the job is done, nothing is posted yet
    const hung = sb.connector!.hold((c) => c.op === 'update' && JSON.stringify(c.body).includes('/exports/'));
    const card = await start('Small Wave');
    await hung.arrived;
    await sb.stopBot('SIGKILL');
    hung.release();
    expect((await storedRequest(sb, card.requestId))?.status).toBe('done');
    expect(bot.postedIn(card.conversationId).filter((a) => FINISHED.test(a.body?.text ?? ''))).toEqual([]);
    await sb.restartBot();
    await expectFinishedOnce(card, small.memberIds);
  }, 90_000);
});
