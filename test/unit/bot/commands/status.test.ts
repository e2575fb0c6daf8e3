import { renderStatusCard } from '../../../../src/cards/status';
import { aUser, commandDeps, EVE, run } from '../../../support/botFakes';

const megan = aUser('u1', { displayName: 'Megan Bowen' });

describe('status', () => {
  it("shows the user's status card", async () => {
    const { deps } = commandDeps({ users: [megan] });
    const { cards, said } = await run(
      { kind: 'status', user: { kind: 'upn', value: megan.userPrincipalName } },
      deps,
    );
    expect(said).toEqual([]);
    expect(cards).toEqual([renderStatusCard(megan, {})]);
  });

  it('says so when no user fits', async () => {
    const { deps } = commandDeps({ users: [megan] });
    const { cards, said } = await run(
      { kind: 'status', user: { kind: 'upn', value: 'nobody@contoso.com' } },
      deps,
    );
    expect(said).toEqual(['nobody is nobody@contoso.com']);
    expect(cards).toEqual([]);
  });

  it('refuses a caller who is not an admin before looking anyone up', async () => {
    const { deps, audit } = commandDeps({ users: [megan] });
    const find = jest.spyOn(deps.users, 'find');
    const { cards } = await run(
      { kind: 'status', user: { kind: 'upn', value: megan.userPrincipalName } },
      deps,
      EVE,
    );
    expect(cards).toEqual([]);
    expect(find).not.toHaveBeenCalled();
    expect(audit.lines).toMatchObject([{ event: 'refused', detail: 'view a status: notAdmin' }]);
  });
});
