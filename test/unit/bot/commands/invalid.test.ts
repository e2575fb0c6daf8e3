import { commandDeps, EVE, run } from '../../../support/botFakes';

describe('invalid', () => {
  it("tells an admin the parser's words", async () => {
    const { deps } = commandDeps();
    const { said } = await run({ kind: 'invalid', verb: 'status', problem: 'Name one user.' }, deps);
    expect(said).toEqual(['Name one user.']);
  });

  it('tells anyone else only that they may not use the bot, and records the refusal', async () => {
    const { deps, audit } = commandDeps();
    const { said } = await run({ kind: 'invalid', verb: 'status', problem: 'Name one user.' }, deps, EVE);
    expect(said).toEqual([expect.stringMatching(/aren't allowed to use Sign-out Bot/)]);
    expect(audit.lines).toMatchObject([{ event: 'refused', actor: EVE, detail: 'status: notAdmin' }]);
  });
});
