import { renderHelpCard } from '../../../../src/cards/help';
import { whoMayUse } from '../../../../src/domain/policy';
import { ALEX, commandDeps, EVE, run } from '../../../support/botFakes';

describe('help', () => {
  it('shows an admin the help card for admins', async () => {
    const { deps } = commandDeps();
    const { cards, said } = await run({ kind: 'help' }, deps, ALEX);
    expect(said).toEqual([]);
    expect(cards).toEqual([renderHelpCard({ authorized: true, whoMayUse: whoMayUse(deps.policy) })]);
  });

  it('shows anyone else the card for everyone, and records no refusal', async () => {
    const { deps, audit, port } = commandDeps();
    const { cards } = await run({ kind: 'help' }, deps, EVE);
    expect(cards).toEqual([renderHelpCard({ authorized: false, whoMayUse: whoMayUse(deps.policy) })]);
    expect(audit.lines).toEqual([]);
    expect(port.said.notices).toEqual([]);
  });
});
