import { createRequest } from '../../../src/signout/createRequest';
import { anInfo, requestDeps } from '../../support/serviceFakes';

const ALEX = { id: 'a', name: 'Alex' };
const u1 = { id: 'u1', displayName: 'User 1', userPrincipalName: 'u1@contoso.com' };

describe('createRequest', () => {
  it('stores the request, posts its card and keeps the card id, audits it and tells the security channel', async () => {
    const { deps, store, audit, port } = await requestDeps();
    const posted: object[] = [];
    const req = await createRequest(
      deps,
      anInfo({ click: false }),
      { requester: ALEX, targets: [u1], reason: 'stolen laptop', source: 'u1@contoso.com', block: true },
      async (card) => (posted.push(card), 'activity-1'),
    );
    expect(posted).toHaveLength(1);
    expect(await store.get(req.id)).toMatchObject({
      status: 'pending',
      requester: ALEX,
      block: true,
      createdAt: '2026-11-22T12:05:00.000Z',
      expiresAt: '2026-11-22T12:20:00.000Z',
      conversation: { cardActivityId: 'activity-1' },
    });
    expect(audit.lines).toMatchObject([
      { event: 'requested', requestId: req.id, actor: ALEX, targets: [{ id: 'u1', upn: 'u1@contoso.com' }] },
    ]);
    expect(port.said.notices).toEqual([
      expect.objectContaining({
        text: expect.stringMatching(/^Sign-out requested: Alex/),
        background: false,
      }),
    ]);
  });

  it('neither audits nor announces a choice between users of one name, until one is picked', async () => {
    const { deps, store, audit, port } = await requestDeps();
    const req = await createRequest(
      deps,
      anInfo({ click: false }),
      { requester: ALEX, targets: [], choices: [u1], reason: '', source: 'User', block: false },
      async () => undefined,
    );
    expect((await store.get(req.id))?.choices).toEqual([u1]);
    expect(audit.lines).toEqual([]);
    expect(port.said.notices).toEqual([]);
  });
});
