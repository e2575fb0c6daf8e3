import { renderHelpCard } from '../../../../src/cards/help';
import { whoMayUse } from '../../../../src/domain/policy';
import { commandDeps, EVE, run } from '../../../support/botFakes';

it('says it did not understand, then shows the help card', async () => {
  const { deps } = commandDeps();
  const { said, cards } = await run({ kind: 'unknown' }, deps, EVE);
  expect(said).toEqual([expect.stringMatching(/didn't understand/)]);
  expect(cards).toEqual([renderHelpCard({ authorized: false, whoMayUse: whoMayUse(deps.policy) })]);
});
