import { FAILED_OUTCOMES, type SignoutRequest, type TargetOutcomeKind } from './types';
import { num, plural } from './wording';

/** How a request's outcomes add up: the one count behind every card, message and notice. Pure. */
export interface OutcomeTally {
  /** outcomes of each kind */
  byKind: Record<TargetOutcomeKind, number>;
  /** FAILED_OUTCOMES: not signed out, and someone should look (a skipped guest is not a failure) */
  failed: number;
  /** targets without an outcome: still waiting, or never reached once the request ended */
  withoutOutcome: number;
}

export function tallyOutcomes(req: Pick<SignoutRequest, 'outcomes' | 'targets'>): OutcomeTally {
  const byKind: Record<TargetOutcomeKind, number> = {
    revoked: 0,
    guestSkipped: 0,
    notFound: 0,
    denied: 0,
    failed: 0,
    unblocked: 0,
  };
  for (const o of req.outcomes) byKind[o.kind]++;
  const reached = new Set(req.outcomes.map((o) => o.userId));
  return {
    byKind,
    failed: FAILED_OUTCOMES.reduce((sum, k) => sum + byKind[k], 0),
    withoutOutcome: req.targets.filter((t) => !reached.has(t.id)).length,
  };
}

/** ['12 signed out', '0 failed', '1 guest skipped']: a sign-out job's figures, in this order. */
export function tallyParts(t: OutcomeTally): string[] {
  return [
    `${num(t.byKind.revoked)} signed out`,
    `${num(t.failed)} failed`,
    plural(t.byKind.guestSkipped, 'guest skipped', 'guests skipped'),
  ];
}
