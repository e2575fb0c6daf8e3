import { tallyOutcomes, tallyParts } from '../../../src/domain/outcomeTally';
import type { DirectoryUser, TargetOutcome, TargetOutcomeKind } from '../../../src/domain/types';

const user = (i: number): DirectoryUser => ({
  id: `u${i}`,
  displayName: `User ${i}`,
  userPrincipalName: `user${i}@contoso.com`,
});
const outcome = (i: number, kind: TargetOutcomeKind): TargetOutcome => ({ userId: `u${i}`, kind });

describe('tallyOutcomes', () => {
  const targets = [1, 2, 3, 4, 5, 6, 7].map(user);
  const outcomes = [
    outcome(1, 'revoked'),
    outcome(2, 'revoked'),
    outcome(3, 'guestSkipped'),
    outcome(4, 'notFound'),
    outcome(5, 'denied'),
    outcome(6, 'failed'),
  ];

  it('counts each kind, the failures together, and the targets still without an outcome', () => {
    const t = tallyOutcomes({ targets, outcomes });
    expect(t.byKind).toEqual({
      revoked: 2,
      guestSkipped: 1,
      notFound: 1,
      denied: 1,
      failed: 1,
      unblocked: 0,
    });
    // a skipped guest is not a failure
    expect(t.failed).toBe(3);
    expect(t.withoutOutcome).toBe(1);
  });

  it('counts an outcome for a user missing from the targets, but not as a target reached', () => {
    const t = tallyOutcomes({ targets: [user(1), user(2)], outcomes: [outcome(9, 'failed')] });
    expect(t.failed).toBe(1);
    expect(t.withoutOutcome).toBe(2);
  });

  it('words the figures in one order, with the guests in the plural when there are several', () => {
    expect(tallyParts(tallyOutcomes({ targets, outcomes }))).toEqual([
      '2 signed out',
      '3 failed',
      '1 guest skipped',
    ]);
    const many = Array.from({ length: 1200 }, (_, i) => outcome(i, 'guestSkipped'));
    expect(tallyParts(tallyOutcomes({ targets: [], outcomes: many }))).toEqual([
      '0 signed out',
      '0 failed',
      '1,200 guests skipped',
    ]);
  });
});
