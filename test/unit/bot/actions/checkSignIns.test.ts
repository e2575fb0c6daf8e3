import { checkSignIns } from '../../../../src/bot/actions/checkSignIns';
import type { SignInCheckRequests } from '../../../../src/signout/signInCheckRequests';
import { ALEX, aClick, actionDeps, aUser, fakeChecker } from '../../../support/botFakes';
import { aRequest } from '../../../support/requests';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const inConv = { reference: { conversation: { id: 'conv' } } };
const lester = aUser('u1', { displayName: 'Lester Young' });
const done = (over = {}) =>
  aRequest({
    id: ID,
    status: 'done',
    targets: [lester],
    outcomes: [{ userId: 'u1', kind: 'revoked', validFrom: '2026-11-22T12:36:01Z' }],
    conversation: inConv,
    ...over,
  });

async function click(deps: Awaited<ReturnType<typeof actionDeps>>['deps'], data: unknown) {
  const bound = checkSignIns.bind(data);
  if (!bound) return undefined;
  const answer = await bound(aClick(ALEX), deps);
  await (deps.signInChecks as SignInCheckRequests).settle();
  return answer;
}

describe('signout.checkSignIns', () => {
  it("answers at once, then posts the verify card in the request's thread, since the user's valid-from", async () => {
    const { checker, asked } = fakeChecker({ card: { verify: 'card' } });
    const { deps, store, port } = await actionDeps(undefined, checker);
    await store.create(done());
    const answer = await click(deps, { requestId: ID });
    expect(answer).toEqual({ message: expect.objectContaining({}) });
    expect(asked).toMatchObject([{ userId: 'u1', since: '2026-11-22T12:36:01.000Z', o: { requestId: ID } }]);
    expect(port.said.threadCards).toEqual([{ requestId: ID, card: { verify: 'card' } }]);
  });

  it('checks a bulk job with one tenant-wide read and posts its summary', async () => {
    const { checker, asked } = fakeChecker();
    const { deps, store, port } = await actionDeps(undefined, checker);
    const targets = [lester, aUser('u2')];
    await store.create(
      done({
        targets,
        outcomes: targets.map((t) => ({ userId: t.id, kind: 'revoked', validFrom: '2026-11-22T12:36:01Z' })),
      }),
    );
    await click(deps, { requestId: ID });
    expect(asked).toHaveLength(1);
    expect(asked[0].users).toHaveLength(2);
    expect(port.said.thread[0].text).toMatch(/Sign-ins since the sign-out/);
  });

  it('posts the problem in plain words when the logs cannot be read', async () => {
    const { checker } = fakeChecker({ problem: 'The sign-in logs need Microsoft Entra ID P1 or P2.' });
    const { deps, store, port } = await actionDeps(undefined, checker);
    await store.create(done());
    await click(deps, { requestId: ID });
    expect(port.said.thread).toEqual([
      { requestId: ID, text: 'The sign-in logs need Microsoft Entra ID P1 or P2.' },
    ]);
  });

  it('reads nothing for a request that signed nobody out, or from another conversation', async () => {
    const { checker, asked } = fakeChecker();
    const { deps, store } = await actionDeps(undefined, checker);
    await store.create(done({ outcomes: [{ userId: 'u1', kind: 'failed' }] }));
    const nobody = await click(deps, { requestId: ID });
    expect(nobody).toMatchObject({ message: { text: expect.stringMatching(/Nobody was signed out/) } });
    const other = '1f8fad5b-d9cb-469f-a165-70867728950e';
    await store.create(
      done({ id: other, conversation: { reference: { conversation: { id: 'elsewhere' } } } }),
    );
    const elsewhere = await click(deps, { requestId: other });
    expect(elsewhere && 'message' in elsewhere).toBe(true);
    expect(asked).toEqual([]);
  });

  it('refuses forged data before doing anything', async () => {
    const { deps } = await actionDeps();
    expect(await click(deps, { requestId: 'not-a-uuid' })).toBeUndefined();
    expect(await click(deps, { userId: 'u1' })).toBeUndefined();
  });
});
