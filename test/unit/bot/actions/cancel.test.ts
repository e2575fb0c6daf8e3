import { cancel } from '../../../../src/bot/actions/cancel';
import { ALEX, aClick, actionDeps, aUser, MEGAN } from '../../../support/botFakes';
import { aRequest } from '../../../support/requests';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const inConv = { reference: { conversation: { id: 'conv' } } };

describe('signout.cancel', () => {
  it('withdraws a pending request, by whichever admin clicks', async () => {
    const { deps, store } = await actionDeps();
    await store.create(aRequest({ id: ID, requester: ALEX, conversation: inConv }));
    const answer = await cancel.bind({ requestId: ID })!(aClick(MEGAN), deps);
    expect('card' in answer).toBe(true);
    expect(await store.get(ID)).toMatchObject({ status: 'cancelled', cancelledBy: MEGAN });
  });

  it('stops a running bulk job', async () => {
    const { deps, store, jobs } = await actionDeps();
    await store.create(
      aRequest({ id: ID, status: 'running', targets: [aUser('u1'), aUser('u2')], conversation: inConv }),
    );
    await cancel.bind({ requestId: ID })!(aClick(ALEX), deps);
    expect(jobs.stopped).toEqual([ID]);
  });
});
