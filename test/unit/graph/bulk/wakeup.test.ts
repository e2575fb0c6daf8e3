import { Wakeup } from '../../../../src/graph/bulk/wakeup';
import { FakeClock } from '../../../support/fakeClock';

describe('Wakeup', () => {
  it('sleeps for the time given, or until woken', async () => {
    const clock = new FakeClock();
    const w = new Wakeup(clock);
    await clock.run(w.wait(500));
    expect(clock.now()).toBe(500);
    const forever = w.wait(Infinity);
    void clock.sleep(200).then(() => w.wake());
    await clock.run(forever);
    expect(clock.now()).toBe(700);
    const long = w.wait(10_000);
    void clock.sleep(100).then(() => w.wake());
    await clock.run(long);
    expect(clock.now()).toBe(800);
  });

  it('returns at once from the next wait after a wake it missed, unless cleared since', async () => {
    const clock = new FakeClock();
    const w = new Wakeup(clock);
    w.wake();
    await clock.run(w.wait(1000));
    expect(clock.now()).toBe(0);
    await clock.run(w.wait(1000));
    expect(clock.now()).toBe(1000);
    w.wake();
    w.clear();
    await clock.run(w.wait(1000));
    expect(clock.now()).toBe(2000);
  });
});
