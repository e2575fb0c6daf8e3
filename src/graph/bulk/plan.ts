import { MAX_BATCH_ITEMS, type BatchItem } from './items';
import { costOf, type Budget } from './pacing';
import { PHASES, PLAN_ORDER } from './phases';
import type { UserQueues } from './queues';
import type { Phase } from './userRun';

export interface BatchPlan {
  /** ready users taken from the front of each phase's queue */
  taken: Record<Phase, number>;
  /** new users taken from the list */
  fresh: number;
  /** their requests, in that order: PLAN_ORDER, then new users */
  items: BatchItem[];
}

/** Users not yet started: `userIds` from index `from` on, each starting in `phase`. */
export interface NewUsers {
  userIds: string[];
  from: number;
  phase: Phase;
}

/**
 * The next batch: ready users in PLAN_ORDER (those nearest their end first), then new users to fill
 * it, up to MAX_BATCH_ITEMS and within `capacity` of each budget. New users are read from the list only
 * as far as the batch takes them.
 */
export function planBatch(queues: UserQueues, fresh: NewUsers, capacity: Record<Budget, number>): BatchPlan {
  const items: BatchItem[] = [];
  let cost = { resourceUnits: 0, writes: 0 };
  const fits = (item: BatchItem) => {
    const c = costOf([item]);
    const next = { resourceUnits: cost.resourceUnits + c.resourceUnits, writes: cost.writes + c.writes };
    if (items.length >= MAX_BATCH_ITEMS || next.resourceUnits > capacity.resourceUnits) return false;
    if (next.writes > capacity.writes) return false;
    cost = next;
    items.push(item);
    return true;
  };
  const taken: Record<Phase, number> = { block: 0, revoke: 0, verify: 0, read: 0 };
  for (const phase of PLAN_ORDER) {
    const queue = queues.waiting(phase);
    while (
      taken[phase] < queue.length &&
      fits(PHASES[phase].request(queue[taken[phase]].userId, nextId(items)))
    )
      taken[phase]++;
  }
  const first = PHASES[fresh.phase];
  let n = 0;
  while (
    fresh.from + n < fresh.userIds.length &&
    fits(first.request(fresh.userIds[fresh.from + n], nextId(items)))
  )
    n++;
  return { taken, fresh: n, items };
}

/** Item ids are 1, 2, … in the order of the batch. */
function nextId(items: BatchItem[]): string {
  return String(items.length + 1);
}
