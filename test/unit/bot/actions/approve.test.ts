import { approve } from '../../../../src/bot/actions/approve';
import { ALEX, aClick, actionDeps, aUser, MEGAN } from '../../../support/botFakes';
import { aRequest } from '../../../support/requests';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const inConv = { reference: { conversation: { id: 'conv' } } };
const waiting = (requester = ALEX) =>
  aRequest({
    id: ID,
    requester,
    targets: [aUser('u1')],
    approval: { required: true, why: 'policy' },
    conversation: inConv,
  });

describe('signout.approve', () => {
  it("lets an approver approve another admin's request, which then runs", async () => {
    const { deps, store, jobs, audit, port } = await actionDeps();
    await store.create(waiting());
    const answer = await approve.bind({ requestId: ID })!(aClick(MEGAN), deps);
    expect('card' in answer).toBe(true);
    expect(await store.get(ID)).toMatchObject({ status: 'running', approvedBy: MEGAN, confirmedBy: MEGAN });
    expect(jobs.started).toHaveLength(1);
    expect(audit.events()).toEqual(['approved', 'confirmed']);
    expect(port.said.notices.map((n) => n.text)).toEqual([
      expect.stringMatching(/^Sign-out approved: Megan/),
    ]);
  });

  it('refuses the requester approving their own request, and records the refusal', async () => {
    const { deps, store, jobs, audit } = await actionDeps();
    await store.create(waiting(MEGAN));
    const answer = await approve.bind({ requestId: ID })!(aClick(MEGAN), deps);
    expect('message' in answer && answer.message.text).toMatch(/own request/);
    expect((await store.get(ID))?.status).toBe('pending');
    expect(jobs.started).toEqual([]);
    expect(audit.lines).toMatchObject([{ event: 'refused', requestId: ID, actor: MEGAN }]);
  });

  it('refuses an admin who is not an approver (the guard asks APPROVER_GROUP_ID)', async () => {
    const { deps, store, jobs } = await actionDeps();
    await store.create(waiting({ id: 'z', name: 'Zoe' }));
    const answer = await approve.bind({ requestId: ID })!(aClick(ALEX), deps);
    expect('message' in answer && answer.message.text).toMatch(/aren't one of the admins who may approve/);
    expect(jobs.started).toEqual([]);
  });
});
