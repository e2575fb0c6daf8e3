import { MemoryDeliveryLedger } from '../../src/store/deliveryLedger';

describe('MemoryDeliveryLedger', () => {
  it('lets the first delivery through, drops repeats within the window, and forgets after it', async () => {
    let now = 0;
    const ledger = new MemoryDeliveryLedger(10 * 60_000, () => now);
    expect(await ledger.claim('conv|1')).toBe(true);
    expect(await ledger.claim('conv|1')).toBe(false);
    expect(await ledger.claim('conv|2')).toBe(true);
    expect(await ledger.claim('other|1')).toBe(true);
    now += 9 * 60_000;
    expect(await ledger.claim('conv|1')).toBe(false);
    now += 10 * 60_000;
    expect(await ledger.claim('conv|1')).toBe(true);
  });
});
