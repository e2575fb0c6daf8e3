import { ForeignActivityTally, OVERFLOW_TENANT } from '../../../src/domain/foreignTally';

const MIN = 60_000;
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

describe('ForeignActivityTally', () => {
  it('opens one window per tenant and counts the rest of it', () => {
    const tally = new ForeignActivityTally(10 * MIN, 100);
    expect(tally.record(A, 0)).toMatchObject({
      opened: true,
      window: { tenant: A, start: 0, end: 10 * MIN },
    });
    for (let i = 1; i < 10_000; i++) expect(tally.record(A, i).opened).toBe(false);
    expect(tally.record(B, 5).opened).toBe(true);
    expect(tally.drain()).toEqual([
      { tenant: A, start: 0, end: 10 * MIN, more: 9_999 },
      { tenant: B, start: 5, end: 10 * MIN + 5, more: 0 },
    ]);
    expect(tally.openWindows).toBe(0);
  });

  it('closes a window when it ends, and the next activity opens a new one', () => {
    const tally = new ForeignActivityTally(10 * MIN, 100);
    tally.record(A, 0);
    tally.record(A, MIN);
    tally.record(B, 2 * MIN);
    expect(tally.closeDue(10 * MIN - 1)).toEqual([]);
    const next = tally.record(A, 10 * MIN);
    expect(next.closed).toEqual([{ tenant: A, start: 0, end: 10 * MIN, more: 1 }]);
    expect(next.opened).toBe(true);
    expect(tally.closeDue(12 * MIN)).toEqual([{ tenant: B, start: 2 * MIN, end: 12 * MIN, more: 0 }]);
    expect(tally.openWindows).toBe(1);
  });

  it('bounds memory by count: beyond the cap, new tenants share one overflow window', () => {
    const tally = new ForeignActivityTally(10 * MIN, 50);
    let opened = 0;
    for (let i = 0; i < 100_000; i++) {
      const fake = `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
      if (tally.record(fake, i).opened) opened++;
    }
    expect(tally.openWindows).toBe(51);
    expect(opened).toBe(51);
    const overflow = tally.drain().find((w) => w.tenant === OVERFLOW_TENANT);
    expect(overflow?.more).toBe(100_000 - 51);
  });

  it('bounds memory by age: every window is gone once its time is up', () => {
    const tally = new ForeignActivityTally(10 * MIN, 1000);
    for (let i = 0; i < 500; i++) tally.record(`tenant-${i}`, i * 1000);
    expect(tally.closeDue(10 * MIN + 500 * 1000)).toHaveLength(500);
    expect(tally.openWindows).toBe(0);
  });
});
