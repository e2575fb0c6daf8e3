/**
 * The caller's callbacks (onOutcome, onPaused), run one at a time in the order given. The first that
 * throws is kept as the run's fatal error; `onFatal` is told once.
 */
export class CallbackChain {
  fatal: { error: unknown } | undefined;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onFatal: () => void) {}

  push(callback: () => void | Promise<void>): void {
    this.tail = this.tail.then(callback).catch((error: unknown) => {
      if (!this.fatal) {
        this.fatal = { error };
        this.onFatal();
      }
    });
  }

  /** Resolves once every callback pushed so far has run. */
  settled(): Promise<void> {
    return this.tail;
  }
}
