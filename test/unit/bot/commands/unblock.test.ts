import type { Command } from '../../../../src/domain/command';
import { NOT_BLOCKED_OUTCOME } from '../../../../src/domain/unblockMessages';
import { ALEX, aUser, commandDeps, EVE, run } from '../../../support/botFakes';

const blocked = aUser('u1', { accountEnabled: false });
const enabled = aUser('u2', { accountEnabled: true });
const unblock = (id: string): Command => ({
  kind: 'unblock',
  user: { kind: 'objectId', value: id },
  reason: 'back',
});
const blockedByBot = {
  event: 'blocked' as const,
  tenantId: 't',
  requestId: 'r0',
  actor: ALEX,
  targets: [{ id: 'u1' }],
};

describe('unblock', () => {
  it("asks to confirm the unblock of a block the bot's audit log shows it made", async () => {
    const { deps, created, audit } = commandDeps({ users: [blocked] });
    await audit.append(blockedByBot);
    const { cards } = await run(unblock('u1'), deps);
    expect(cards).toHaveLength(1);
    expect(created).toEqual([
      expect.objectContaining({
        action: 'unblock',
        requester: ALEX,
        targets: [blocked],
        block: false,
        reason: 'back',
      }),
    ]);
  });

  it('refuses to unblock an account the bot did not block, and records why', async () => {
    const { deps, created, audit } = commandDeps({ users: [blocked] });
    const { said } = await run(unblock('u1'), deps);
    expect(said).toEqual([expect.stringMatching(/Entra admin center/)]);
    expect(created).toEqual([]);
    expect(audit.lines).toMatchObject([
      { event: 'refused', detail: 'unblock u1@contoso.com: its sign-in was not blocked by the bot' },
    ]);
  });

  it('says an account that may sign in already is not blocked, audits it and tells the security channel', async () => {
    const { deps, created, audit, port } = commandDeps({ users: [enabled] });
    const { said } = await run(unblock('u2'), deps);
    expect(said).toHaveLength(1);
    expect(created).toEqual([]);
    expect(audit.lines).toMatchObject([{ event: 'unblocked', actor: ALEX, outcome: NOT_BLOCKED_OUTCOME }]);
    expect(port.said.notices).toHaveLength(1);
  });

  it('applies the guardrails of a sign-out, refusing what they refuse', async () => {
    const { deps, created, audit, assessed } = commandDeps({
      users: [blocked],
      assessment: { ok: false, problem: "You can't unblock your own account." },
    });
    const { said } = await run(unblock('u1'), deps);
    expect(assessed[0].flags).toMatchObject({ action: 'unblock', named: true, self: false });
    expect(said).toEqual(["You can't unblock your own account."]);
    expect(created).toEqual([]);
    expect(audit.events()).toEqual(['refused']);
  });

  it('looks nobody up for a caller who is not an admin', async () => {
    const { deps, created } = commandDeps({ users: [blocked] });
    const find = jest.spyOn(deps.users, 'find');
    await run(unblock('u1'), deps, EVE);
    expect(find).not.toHaveBeenCalled();
    expect(created).toEqual([]);
  });
});
