import type { Clock } from './clock';

/**
 * How the run's loop sleeps: until a time, or until something it waits for happens (an answer, a
 * cancel, a failed callback). A wake while the loop is busy makes its next sleep return at once.
 */
export class Wakeup {
  private woken = false;
  private waker: AbortController | undefined;

  constructor(private readonly clock: Clock) {}

  /** Forgets earlier wakes: the loop is about to look at everything afresh. */
  clear(): void {
    this.woken = false;
  }

  /** Sleeps up to `ms` (Infinity: until woken), returning early on wake(). */
  async wait(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    const waker = new AbortController();
    this.waker = waker;
    try {
      if (ms === Infinity) {
        await new Promise<void>((resolve) =>
          waker.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      } else {
        await this.clock.sleep(ms, waker.signal).catch(() => undefined);
      }
    } finally {
      if (this.waker === waker) this.waker = undefined;
      waker.abort();
      this.woken = false;
    }
  }

  wake(): void {
    this.woken = true;
    this.waker?.abort();
  }
}
