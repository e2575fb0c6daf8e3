import { ALEX, aUser, commandDeps, EVE, fakeChecker, NOW, run } from '../../../support/botFakes';

const lester = aUser('u1', { displayName: 'Lester Young', validFrom: '2026-11-22T12:36:01Z' });
const never = aUser('u2', { displayName: 'Never Out', validFrom: null });
const byUpn = (u: { userPrincipalName: string }) => ({ kind: 'upn' as const, value: u.userPrincipalName });

describe('verify', () => {
  it("reads the logs since the user's valid-from and shows the card, in the caller's zone", async () => {
    const { checker, asked } = fakeChecker({ card: { verify: 'card' } });
    const { deps } = commandDeps({ users: [lester], checker });
    const { cards, said } = await run({ kind: 'verify', user: byUpn(lester) }, deps, ALEX);
    expect(said).toEqual([]);
    expect(cards).toEqual([{ verify: 'card' }]);
    expect(asked).toEqual([{ userId: 'u1', since: '2026-11-22T12:36:01.000Z', o: { zone: undefined } }]);
  });

  it('reads since the time given, resolved against now', async () => {
    const { checker, asked } = fakeChecker();
    const { deps } = commandDeps({ users: [lester], checker, now: NOW });
    await run({ kind: 'verify', user: byUpn(lester), since: { kind: 'ago', minutes: 120 } }, deps);
    expect(asked[0].since).toBe(new Date(NOW.getTime() - 7_200_000).toISOString());
  });

  it('refuses a time in the future, and says when the user was never signed out', async () => {
    const { checker, asked } = fakeChecker();
    const { deps } = commandDeps({ users: [lester, never], checker, now: NOW });
    const future = await run(
      { kind: 'verify', user: byUpn(lester), since: { kind: 'instant', iso: '2026-11-22T14:00:00.000Z' } },
      deps,
    );
    expect(future.said).toEqual(['That time is in the future: there is nothing to check yet.']);
    const none = await run({ kind: 'verify', user: byUpn(never) }, deps);
    expect(none.said[0]).toMatch(
      /^Never Out \(u2@contoso\.com\) was never signed out.*verify u2@contoso\.com since 2h$/,
    );
    expect(asked).toEqual([]);
  });

  it('answers with the plain-words problem when the logs cannot be read', async () => {
    const { checker } = fakeChecker({
      problem: 'The sign-in logs need Microsoft Entra ID P1 or P2. (Graph: …)',
    });
    const { deps } = commandDeps({ users: [lester], checker });
    const { said, cards } = await run({ kind: 'verify', user: byUpn(lester) }, deps);
    expect(said).toEqual(['The sign-in logs need Microsoft Entra ID P1 or P2. (Graph: …)']);
    expect(cards).toEqual([]);
  });

  it('refuses a caller who is not an admin before reading anything', async () => {
    const { checker, asked } = fakeChecker();
    const { deps, audit } = commandDeps({ users: [lester], checker });
    const { cards } = await run({ kind: 'verify', user: byUpn(lester) }, deps, EVE);
    expect(cards).toEqual([]);
    expect(asked).toEqual([]);
    expect(audit.lines).toMatchObject([{ event: 'refused', detail: 'check sign-ins: notAdmin' }]);
  });
});
