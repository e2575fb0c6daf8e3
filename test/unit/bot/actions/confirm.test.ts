import { confirm } from '../../../../src/bot/actions/confirm';
import { ALEX, aClick, actionDeps, aUser } from '../../../support/botFakes';
import { aRequest } from '../../../support/requests';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const inConv = { reference: { conversation: { id: 'conv' } } };

describe('signout.confirm', () => {
  it('starts the job of a pending request and answers with its card', async () => {
    const { deps, store, jobs, audit } = await actionDeps();
    await store.create(aRequest({ id: ID, targets: [aUser('u1')], conversation: inConv }));
    const answer = await confirm.bind({ requestId: ID })!(aClick(ALEX), deps);
    expect('card' in answer).toBe(true);
    expect(await store.get(ID)).toMatchObject({ status: 'running', confirmedBy: ALEX });
    expect(jobs.started.map((r) => r.id)).toEqual([ID]);
    expect(audit.events()).toEqual(['confirmed']);
  });

  it('starts nothing for `signout all` until the phrase the card asks for is typed', async () => {
    const { deps, store, jobs } = await actionDeps();
    await store.create(
      aRequest({ id: ID, targets: [aUser('u1')], confirmPhrases: ['1234'], conversation: inConv }),
    );
    const wrong = await confirm.bind({ requestId: ID, confirmText: '1233' })!(aClick(ALEX), deps);
    expect('message' in wrong && wrong.message.text).toMatch(/doesn't match/);
    expect(jobs.started).toEqual([]);
    await confirm.bind({ requestId: ID, confirmText: ' 1,234 ' })!(aClick(ALEX), deps);
    expect(jobs.started).toHaveLength(1);
  });

  it('does not start a request that waits for a second admin', async () => {
    const { deps, store, jobs } = await actionDeps();
    await store.create(
      aRequest({ id: ID, approval: { required: true, why: 'policy' }, conversation: inConv }),
    );
    const answer = await confirm.bind({ requestId: ID })!(aClick(ALEX), deps);
    expect('message' in answer && answer.message.text).toMatch(/needs a second admin/);
    expect((await store.get(ID))?.status).toBe('pending');
    expect(jobs.started).toEqual([]);
  });
});
