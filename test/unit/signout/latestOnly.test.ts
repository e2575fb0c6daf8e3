import { LatestOnly } from '../../../src/signout/latestOnly';

describe('LatestOnly', () => {
  it('has one call in flight, replaces what waits with the newest value, and never throws at the caller', async () => {
    const calls: number[] = [];
    const errors: unknown[] = [];
    let answer!: () => void;
    const latest = new LatestOnly<number>(
      (n) => {
        calls.push(n);
        if (n === 3) return Promise.reject(new Error('connector down'));
        return new Promise<void>((r) => (answer = r));
      },
      (err) => errors.push(err),
    );
    latest.push(1);
    latest.push(2);
    latest.push(3);
    expect(calls).toEqual([1]);
    answer();
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([1, 3]);
    expect(errors).toEqual([new Error('connector down')]);

    // close drops what waits and lets the call in flight end
    latest.push(4);
    latest.push(5);
    const closed = latest.close();
    answer();
    await closed;
    expect(calls).toEqual([1, 3, 4]);
  });
});
