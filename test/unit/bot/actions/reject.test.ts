import { reject } from '../../../../src/bot/actions/reject';
import { ALEX, aClick, actionDeps, aUser, MEGAN } from '../../../support/botFakes';
import { aRequest } from '../../../support/requests';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const inConv = { reference: { conversation: { id: 'conv' } } };

describe('signout.reject', () => {
  it('needs a reason, then ends the request as rejected, by the approver, for that reason', async () => {
    const { deps, store, jobs } = await actionDeps();
    await store.create(
      aRequest({
        id: ID,
        requester: ALEX,
        targets: [aUser('u1')],
        approval: { required: true, why: 'policy' },
        conversation: inConv,
      }),
    );
    const bare = await reject.bind({ requestId: ID, rejectReason: '   ' })!(aClick(MEGAN), deps);
    expect('message' in bare && bare.message.text).toMatch(/give a reason/);
    expect((await store.get(ID))?.status).toBe('pending');

    await reject.bind({ requestId: ID, rejectReason: ' not phished ' })!(aClick(MEGAN), deps);
    expect(await store.get(ID)).toMatchObject({
      status: 'rejected',
      rejectedBy: MEGAN,
      rejectionReason: 'not phished',
    });
    // the end goes to the job runner, which audits and reports it
    expect(jobs.started.map((r) => r.status)).toEqual(['rejected']);
  });
});
