import type { Command } from '../../../../src/domain/command';
import { runCommand } from '../../../../src/bot/commands/table';
import { ALEX, aTurn, aUser, commandDeps, EVE, run } from '../../../support/botFakes';

const u1 = aUser('u1');
const u2 = aUser('u2');
const signout = (over: Partial<Extract<Command, { kind: 'signout' }>> = {}): Command => ({
  kind: 'signout',
  target: { kind: 'users', refs: [{ kind: 'upn', value: 'u1@contoso.com' }] },
  reason: 'stolen laptop',
  block: false,
  self: false,
  ...over,
});

describe('signout', () => {
  it('asks for a confirmation of the users it resolved, with the guardrails applied', async () => {
    const { deps, created, assessed } = commandDeps({ users: [u1, u2] });
    const { cards, said } = await run(signout({ block: true }), deps);
    expect(said).toEqual([]);
    expect(cards).toHaveLength(1);
    expect(assessed).toEqual([
      { targets: [u1, u2], flags: { self: false, block: true, all: false, named: true } },
    ]);
    expect(created).toEqual([
      expect.objectContaining({
        requester: ALEX,
        targets: [u1, u2],
        reason: 'stolen laptop',
        source: 'u1, u2',
        block: true,
        confirmPhrases: undefined,
      }),
    ]);
  });

  it('asks for the number of users or the primary domain before signing out everyone', async () => {
    const { deps, created, assessed } = commandDeps({ users: [u1] });
    await run(signout({ target: { kind: 'all' } }), deps);
    expect(assessed[0].flags).toMatchObject({ all: true, named: false });
    expect(created[0].confirmPhrases).toEqual(['1234', 'contoso.com']);
  });

  it('refuses what a guardrail refuses: says why, records the refusal, asks nothing', async () => {
    const { deps, created, audit, port } = commandDeps({
      users: [u1],
      assessment: { ok: false, problem: 'User u1 is a protected break-glass account.' },
    });
    const { said, cards } = await run(signout(), deps);
    expect(said).toEqual(['User u1 is a protected break-glass account.']);
    expect(cards).toEqual([]);
    expect(created).toEqual([]);
    expect(audit.lines).toMatchObject([
      { event: 'refused', actor: ALEX, detail: 'sign out u1: User u1 is a protected break-glass account.' },
    ]);
    expect(port.said.notices).toEqual([
      expect.objectContaining({ text: expect.stringMatching(/^Refused: Alex/) }),
    ]);
  });

  it('offers a choice when one name matches several users, without targets until one is picked', async () => {
    const { deps, created } = commandDeps({
      resolution: { kind: 'ambiguous', typed: 'Megan', users: [u1, u2] },
    });
    await run(signout({ self: true }), deps);
    expect(created).toEqual([
      expect.objectContaining({ targets: [], choices: [u1, u2], source: 'Megan', self: true }),
    ]);
  });

  it('says which names were not found, and asks nothing', async () => {
    const refs = [{ kind: 'upn' as const, value: 'nobody@contoso.com' }];
    const { deps, created } = commandDeps({ resolution: { kind: 'notFound', refs } });
    const { said } = await run(signout(), deps);
    expect(said).toEqual([expect.stringContaining('nobody@contoso.com')]);
    expect(created).toEqual([]);
  });

  it('says a group or search that finds nobody, and asks nothing', async () => {
    const { deps, created } = commandDeps({ resolution: { kind: 'empty', source: 'group Sales' } });
    const { said } = await run(signout(), deps);
    expect(said).toEqual([expect.stringContaining('group Sales')]);
    expect(created).toEqual([]);
  });

  it('resolves nothing for a caller who is not an admin', async () => {
    const { deps, created } = commandDeps({ users: [u1] });
    const resolve = jest.spyOn(deps.resolver, 'resolve');
    const { said } = await run(signout(), deps, EVE);
    expect(said).toEqual([expect.stringMatching(/aren't allowed/)]);
    expect(resolve).not.toHaveBeenCalled();
    expect(created).toEqual([]);
  });
});

describe('signout … at <when> (issue 13)', () => {
  const now = new Date('2026-11-30T10:00:00Z');

  it('schedules in the zone typed, or in the Teams one, with the token lifetime for the estimate', async () => {
    const { deps, created } = commandDeps({ users: [u1], now });
    await run(
      signout({ at: { kind: 'date', year: 2026, month: 12, day: 5, hour: 18, minute: 0, zone: 'UTC' } }),
      deps,
    );
    expect(created[0].schedule).toEqual({
      at: '2026-12-05T18:00:00.000Z',
      zone: 'UTC',
      zoneFrom: 'typed',
      requesterZone: undefined,
      tokenLifetime: { minutes: 90, source: 'default' },
    });
    const berlin = commandDeps({ users: [u1], now });
    const t = aTurn(ALEX, { zone: { kind: 'iana', zone: 'Europe/Berlin' } });
    await runCommand(t.turn, signout({ at: { kind: 'clock', hour: 18, minute: 0 } }), berlin.deps);
    expect(berlin.created[0].schedule).toMatchObject({
      at: '2026-11-30T17:00:00.000Z',
      zone: 'Europe/Berlin',
      zoneFrom: 'teams',
      requesterZone: 'Europe/Berlin',
    });
  });

  it('refuses a time it cannot use before looking anyone up', async () => {
    const { deps, created, assessed } = commandDeps({ users: [u1], now });
    const { said, cards } = await run(
      signout({ at: { kind: 'date', year: 2026, month: 11, day: 1, hour: 9, minute: 0, zone: 'UTC' } }),
      deps,
    );
    expect(said).toEqual([expect.stringMatching(/2026-11-01 09:00 UTC is in the past/)]);
    expect(cards).toEqual([]);
    expect(created).toEqual([]);
    expect(assessed).toEqual([]);
  });

  it('does not schedule for a caller who is not an admin', async () => {
    const { deps, created } = commandDeps({ users: [u1], now });
    await run(signout({ at: { kind: 'relative', minutes: 45 } }), deps, EVE);
    expect(created).toEqual([]);
  });
});
