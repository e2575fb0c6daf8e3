import { resultCardData } from '../../../src/cards/result';
import { failedTargets, resultTargets } from '../../../src/cards/resultRows';
import { FAILED_OUTCOMES, type SignoutRequest, type TargetOutcomeKind } from '../../../src/domain/types';
import { aRequest } from '../../support/requests';

const KINDS: TargetOutcomeKind[] = ['revoked', 'guestSkipped', 'notFound', 'denied', 'failed', undefined!];

/** A job of `n` targets whose outcomes follow a seeded pattern, with outcomes for users it does not know. */
function aJob(n: number, seed: number, over: Partial<SignoutRequest> = {}): SignoutRequest {
  const targets = Array.from({ length: n }, (_, i) => ({
    id: `u${i}`,
    displayName: `User ${i}`,
    userPrincipalName: `u${i}@contoso.com`,
  }));
  const outcomes = targets.flatMap((t, i) => {
    const kind = KINDS[(i * 7 + seed) % KINDS.length];
    return kind ? [{ userId: t.id, kind }] : [];
  });
  const strangers =
    seed % 2
      ? [
          { userId: 'x1', kind: 'failed' as const },
          { userId: 'x2', kind: 'revoked' as const },
        ]
      : [];
  return aRequest({ status: 'done', targets, outcomes: [...outcomes, ...strangers], ...over });
}

describe('failedTargets', () => {
  it.each([0, 1, 2, 3, 4, 5])('lists what resultTargets lists as failed, in its order (seed %i)', (seed) => {
    const req = aJob(50, seed);
    expect(failedTargets(req)).toEqual(
      resultTargets(req).filter((r) => r.outcome && FAILED_OUTCOMES.includes(r.outcome.kind)),
    );
  });

  it('makes nothing for a job without failures', () => {
    const req = aJob(30, 0, {});
    const clean = { ...req, outcomes: req.outcomes.filter((o) => o.kind === 'revoked') };
    expect(failedTargets(clean)).toEqual([]);
  });
});

describe('a summarized result card, without a row per target', () => {
  it.each([0, 1, 2, 3])('says what the card with every row said (seed %i)', (seed) => {
    const req = aJob(60, seed);
    const data = resultCardData(req);
    const rows = resultTargets(req);
    expect(data.multiple).toBe(true);
    expect(data.countText).toMatch(new RegExp(`^${rows.length} users:`));
    const failures = rows.filter((r) => r.outcome && FAILED_OUTCOMES.includes(r.outcome.kind));
    expect(data.failuresTitle).toBe(`Failures (${failures.length})`);
  });

  it('is titled "Signed out" only when every target was signed out', () => {
    const all = aJob(30, 0);
    const everyone = {
      ...all,
      outcomes: all.targets.map((t) => ({ userId: t.id, kind: 'revoked' as const })),
    };
    expect(resultCardData(everyone).title).toBe('Signed out');
    expect(resultCardData({ ...everyone, outcomes: everyone.outcomes.slice(1) }).title).toBe(
      'Sign-out finished',
    );
    const stranger = {
      ...everyone,
      outcomes: [...everyone.outcomes, { userId: 'x', kind: 'failed' as const }],
    };
    expect(resultCardData(stranger).title).toBe('Sign-out finished');
  });
});
