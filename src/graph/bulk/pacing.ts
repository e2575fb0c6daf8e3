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

/**
 * Budgets shared by every bulk run of this process against one tenant, made at the first run and kept:
 * the tenant's write quota does not grow with the number of jobs, and a Retry-After that Graph sends to
 * one run holds the others too. Runs in other instances (STORAGE_BACKEND=blob) still pace on their own.
 */
export class SharedBudgets {
  private readonly byTenant = new Map<string, BudgetPacer<Budget>>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number,
    private readonly safetyMargin: number,
  ) {}

  for(tenantId: string): BudgetPacer<Budget> {
    let pacer = this.byTenant.get(tenantId);
    if (!pacer) {
      pacer = pacerFor(this.limits, this.now(), this.safetyMargin);
      this.byTenant.set(tenantId, pacer);
    }
    return pacer;
  }
}
