import { UserQueues } from '../../../../src/graph/bulk/queues';
import { enterPhase, newUserRun } from '../../../../src/graph/bulk/userRun';

describe('UserQueues', () => {
  it("keeps ready users in their phase's queue, oldest first, and takes them from the front", () => {
    const q = new UserQueues();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => newUserRun(id, 'revoke'));
    const r = newUserRun('r', 'read');
    [a, r, b, c].forEach((u) => q.add(u));
    expect(q.readyCount()).toBe(4);
    expect(q.waiting('revoke').map((u) => u.userId)).toEqual(['a', 'b', 'c']);
    expect(q.waiting('read')).toEqual([r]);
    expect(q.take('revoke', 2)).toEqual([a, b]);
    expect(q.waiting('revoke')).toEqual([c]);
    expect(q.readyCount()).toBe(2);
  });

  it('holds a delayed user until its time, then readies it in the phase it is in by then', () => {
    const q = new UserQueues();
    const u = newUserRun('u', 'revoke');
    enterPhase(u, 'verify');
    q.add(u, 1500);
    expect(q.hasDelayed()).toBe(true);
    expect(q.untilNextDelayed(1000)).toBe(500);
    q.promoteDue(1499);
    expect(q.readyCount()).toBe(0);
    q.promoteDue(1500);
    expect(q.waiting('verify')).toEqual([u]);
    expect(q.hasDelayed()).toBe(false);
  });

  it('says how long until the next delayed user: never with none, at once when overdue', () => {
    const q = new UserQueues();
    expect(q.untilNextDelayed(0)).toBe(Infinity);
    q.add(newUserRun('late', 'read'), 3000);
    q.add(newUserRun('soon', 'read'), 2000);
    expect(q.untilNextDelayed(1000)).toBe(1000);
    expect(q.untilNextDelayed(2500)).toBe(0);
  });
});
