import { MAX_BATCH_ITEMS } from '../../../../src/graph/bulk/items';
import { planBatch } from '../../../../src/graph/bulk/plan';
import { UserQueues } from '../../../../src/graph/bulk/queues';
import { newUserRun, type Phase } from '../../../../src/graph/bulk/userRun';

const ROOMY = { resourceUnits: 1000, writes: 1000 };
const ids = (n: number, prefix = 'n') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function queuesWith(byPhase: Partial<Record<Phase, string[]>>): UserQueues {
  const q = new UserQueues();
  for (const [phase, users] of Object.entries(byPhase))
    for (const id of users) q.add(newUserRun(id, phase as Phase));
  return q;
}

describe('planBatch', () => {
  it('takes ready users nearest their end first, then new users, with ids 1, 2, …', () => {
    const q = queuesWith({ block: ['b0'], revoke: ['r0'], verify: ['v0'], read: ['d0'] });
    const plan = planBatch(q, { userIds: ids(3), from: 1, phase: 'revoke' }, ROOMY);
    expect(plan.taken).toEqual({ read: 1, verify: 1, revoke: 1, block: 1 });
    expect(plan.fresh).toBe(2);
    expect(plan.items.map((i) => [i.id, i.method, i.url.split('?')[0]])).toEqual([
      ['1', 'GET', '/users/d0'],
      ['2', 'GET', '/users/v0'],
      ['3', 'POST', '/users/r0/revokeSignInSessions'],
      ['4', 'PATCH', '/users/b0'],
      ['5', 'POST', '/users/n1/revokeSignInSessions'],
      ['6', 'POST', '/users/n2/revokeSignInSessions'],
    ]);
    // planning takes nobody off a queue
    expect(q.readyCount()).toBe(4);
  });

  it('starts new users in the phase given: the block for --block', () => {
    const plan = planBatch(new UserQueues(), { userIds: ['a'], from: 0, phase: 'block' }, ROOMY);
    expect(plan.items).toEqual([expect.objectContaining({ method: 'PATCH', url: '/users/a' })]);
  });

  it('stops at MAX_BATCH_ITEMS, reading the list no further than the batch takes', () => {
    const list = ids(100);
    let furthest = -1;
    const lazy = new Proxy(list, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) furthest = Math.max(furthest, Number(prop));
        return Reflect.get(target, prop, receiver);
      },
    });
    const plan = planBatch(
      queuesWith({ read: ids(5, 'd') }),
      { userIds: lazy, from: 0, phase: 'revoke' },
      ROOMY,
    );
    expect(plan.items).toHaveLength(MAX_BATCH_ITEMS);
    expect(plan.fresh).toBe(MAX_BATCH_ITEMS - 5);
    expect(furthest).toBe(MAX_BATCH_ITEMS - 5);
  });

  it("keeps a batch within one bucket's size of each budget", () => {
    // a revoke costs 1 RU and 1 write, a read with $select 1 RU
    const q = queuesWith({ read: ids(4, 'd') });
    const plan = planBatch(
      q,
      { userIds: ids(10), from: 0, phase: 'revoke' },
      { resourceUnits: 100, writes: 3 },
    );
    expect(plan).toMatchObject({ taken: { read: 4 }, fresh: 3 });
    const tight = planBatch(
      q,
      { userIds: ids(10), from: 0, phase: 'revoke' },
      { resourceUnits: 6, writes: 100 },
    );
    expect(tight).toMatchObject({ taken: { read: 4 }, fresh: 2 });
  });
});
