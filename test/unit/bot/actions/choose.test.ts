import { choose } from '../../../../src/bot/actions/choose';
import { ALEX, aClick, actionDeps, aUser } from '../../../support/botFakes';
import { aRequest } from '../../../support/requests';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const inConv = { reference: { conversation: { id: 'conv' } } };
const u1 = aUser('u1');
const u2 = aUser('u2');
const choice = () =>
  aRequest({ id: ID, targets: [], choices: [u1, u2], source: 'Megan', conversation: inConv });

describe('signout.choose', () => {
  it('makes the request one for the user picked, with the guardrails applied to them, and announces it', async () => {
    const { deps, store, assessed, audit, port } = await actionDeps();
    await store.create(choice());
    const answer = await choose.bind({ requestId: ID, userId: 'u2' })!(aClick(ALEX), deps);
    expect('card' in answer).toBe(true);
    expect(assessed).toEqual([[u2]]);
    const stored = await store.get(ID);
    expect(stored).toMatchObject({ status: 'pending', targets: [u2] });
    expect(stored?.choices).toBeUndefined();
    expect(audit.events()).toEqual(['requested']);
    expect(port.said.notices).toHaveLength(1);
  });

  it('answers what a guardrail refuses, keeps the choice, and records the refusal as a typed command would', async () => {
    const { deps, store, refusals } = await actionDeps({
      ok: false,
      problem: 'User u2 is a protected break-glass account.',
    });
    await store.create(choice());
    const answer = await choose.bind({ requestId: ID, userId: 'u2' })!(aClick(ALEX), deps);
    expect('message' in answer && answer.message.text).toMatch(/protected break-glass/);
    expect((await store.get(ID))?.choices).toHaveLength(2);
    expect(refusals.audit.events()).toEqual(['refused']);
    expect(refusals.port.said.notices).toHaveLength(1);
  });

  it('refuses a user who was not among the choices (a forged click)', async () => {
    const { deps, store, assessed } = await actionDeps();
    await store.create(choice());
    const answer = await choose.bind({ requestId: ID, userId: 'u9' })!(aClick(ALEX), deps);
    expect('message' in answer && answer.message.text).toMatch(/no longer valid/);
    expect(assessed).toEqual([]);
  });
});
