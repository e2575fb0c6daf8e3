import type { Clock } from '../../src/graph/bulk';

/** Virtual time: when everything is idle, jumps to the earliest pending sleep. */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: { at: number; seq: number; fire: () => void }[] = [];

  constructor(private readonly start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isFinite(ms)) throw new Error(`sleep(${ms}) would never end`);
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        resolve();
      };
      const timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async run<T>(p: Promise<T>): Promise<T> {
    let settled = false;
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    let idle = 0;
    while (!settled) {
      await new Promise((r) => setImmediate(r));
      if (settled) break;
      if (this.timers.length === 0) {
        if (++idle > 5) throw new Error('deadlock: nothing scheduled and the run has not ended');
        continue;
      }
      idle = 0;
      let next = 0;
      for (let i = 1; i < this.timers.length; i++) {
        const a = this.timers[i];
        const b = this.timers[next];
        if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) next = i;
      }
      const [timer] = this.timers.splice(next, 1);
      this.t = Math.max(this.t, timer.at);
      if (this.t - this.start > 24 * 3600_000) throw new Error('ran for a simulated day: the run never ends');
      timer.fire();
    }
    return p;
  }
}
