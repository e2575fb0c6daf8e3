import { aUser, commandDeps, EVE, run } from '../../../support/botFakes';

const megan = aUser('u1');

describe('history', () => {
  it("shows everyone's last actions, or one user's", async () => {
    const { deps, history } = commandDeps({ users: [megan] });
    const all = await run({ kind: 'history', count: 10 }, deps);
    const one = await run({ kind: 'history', count: 5, user: { kind: 'objectId', value: 'u1' } }, deps);
    expect(history).toEqual([
      { user: undefined, count: 10, zone: undefined },
      { user: megan, count: 5, zone: undefined },
    ]);
    expect(all.cards).toHaveLength(1);
    expect(one.cards).toHaveLength(1);
  });

  it('says so when the user named is not found, and shows no card', async () => {
    const { deps, history } = commandDeps({ users: [megan] });
    const { said, cards } = await run(
      { kind: 'history', count: 5, user: { kind: 'objectId', value: 'u9' } },
      deps,
    );
    expect(said).toEqual(['nobody is u9']);
    expect(cards).toEqual([]);
    expect(history).toEqual([]);
  });

  it('shows nothing to a caller who is not an admin', async () => {
    const { deps, history } = commandDeps();
    const { said, cards } = await run({ kind: 'history', count: 10 }, deps, EVE);
    expect(said).toEqual([expect.stringMatching(/aren't allowed/)]);
    expect(cards).toEqual([]);
    expect(history).toEqual([]);
  });
});
