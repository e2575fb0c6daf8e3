/**
 * Hands values to a slow consumer without waiting for it: at most one call in flight, and a newer
 * value replaces one still waiting (a progress card only needs its latest state). Errors go to
 * `onError`, never to the caller of push().
 */
export class LatestOnly<T> {
  private waiting: { value: T } | undefined;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly consume: (value: T) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  push(value: T): void {
    this.waiting = { value };
    this.draining ??= this.drain();
  }

  /** Drops what waits, and resolves once the call in flight (if any) has ended. */
  async close(): Promise<void> {
    this.waiting = undefined;
    await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.waiting) {
      const { value } = this.waiting;
      this.waiting = undefined;
      try {
        await this.consume(value);
      } catch (err) {
        this.onError(err);
      }
    }
    this.draining = undefined;
  }
}
