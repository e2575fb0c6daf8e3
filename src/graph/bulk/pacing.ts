import { BudgetPacer } from '../../domain/tokenBucket';
import { requestCost, type ThrottleLimits } from '../throttleLimits';
import { revokeItem, type BatchItem } from './items';

/** The throttling budgets a bulk run paces itself against (throttleLimits.ts). */
export type Budget = 'resourceUnits' | 'writes';

export function costOf(items: BatchItem[]): Record<Budget, number> {
  const total = { resourceUnits: 0, writes: 0 };
  for (const item of items) {
    const c = requestCost(item.method, item.url);
    total.resourceUnits += c.resourceUnits;
    total.writes += c.writes;
  }
  return total;
}

/**
 * Token buckets for `limits`, leaving `safetyMargin` of each budget unused. Throws a RangeError when
 * the limits cannot afford a single revoke, which would otherwise wait forever.
 */
export function pacerFor(limits: ThrottleLimits, now: number, safetyMargin: number): BudgetPacer<Budget> {
  const pacer = new BudgetPacer<Budget>(
    {
      resourceUnits: { limit: limits.resourceUnits, windowMs: limits.ruWindowMs },
      writes: { limit: limits.writes, windowMs: limits.writeWindowMs },
    },
    now,
    safetyMargin,
  );
  if (pacer.timeUntil(costOf([revokeItem('x', '1')]), now) === Infinity) {
    throw new RangeError('throttle limits are too small to afford a single revoke');
  }
  return pacer;
}

/** The most of each budget one batch may spend: a bucket's size. */
export function capacityOf(pacer: BudgetPacer<Budget>): Record<Budget, number> {
  return { resourceUnits: pacer.capacity('resourceUnits'), writes: pacer.capacity('writes') };
}
