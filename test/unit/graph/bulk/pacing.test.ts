import { capacityOf, costOf, pacerFor } from '../../../../src/graph/bulk/pacing';
import { readItem, revokeItem } from '../../../../src/graph/bulk/items';

describe('pacing', () => {
  it("adds up a batch's cost in resource units and writes", () => {
    expect(costOf([revokeItem('a', '1'), readItem('b', '2'), readItem('c', '3')])).toEqual({
      resourceUnits: 3,
      writes: 1,
    });
    expect(costOf([])).toEqual({ resourceUnits: 0, writes: 0 });
  });

  it('leaves the safety margin of each budget unused', () => {
    const pacer = pacerFor(
      { resourceUnits: 8000, ruWindowMs: 10_000, writes: 3000, writeWindowMs: 150_000 },
      0,
      0.05,
    );
    expect(capacityOf(pacer)).toEqual({ resourceUnits: 7600, writes: 2850 });
  });

  it('refuses limits that could never afford a single revoke', () => {
    expect(() =>
      pacerFor({ resourceUnits: 1, ruWindowMs: 1000, writes: 1, writeWindowMs: 1000 }, 0, 0.05),
    ).toThrow(RangeError);
    expect(() =>
      pacerFor({ resourceUnits: 1, ruWindowMs: 1000, writes: 1, writeWindowMs: 1000 }, 0, 0),
    ).not.toThrow();
  });
});
