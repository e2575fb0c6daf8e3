/**
 * Whether the store accepts writes. A write it refuses (a read-only or full disk, a folder the process may
 * not write, a blob container that refuses the bot's credential) marks it unhealthy: /healthz answers
 * 503 and commands that would write are answered "cannot save anything right now" instead of half
 * running. A later write that succeeds heals it, and so does a probe write, which runs every few seconds
 * while the store is unhealthy (nothing else writes then) and now and then while it is healthy.
 */
export class StoreHealth {
  private refusal?: string;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly o: {
      /** a small write through the same path as real ones */
      probe: () => Promise<void>;
      /** while unhealthy */
      probeMs: number;
      /** while healthy */
      healthyProbeMs: number;
      onChange?: (problem: string | undefined) => void;
    },
  ) {}

  /** Why the store refuses writes, in a few words; undefined while it accepts them. */
  get problem(): string | undefined {
    return this.refusal;
  }

  /** Probes at once, then on a timer, until stop(). */
  start(): this {
    void this.check();
    return this;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Runs a write: a refusal marks the store unhealthy and throws StoreUnavailableError; a success heals it. */
  async guard<T>(write: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await write();
    } catch (err) {
      const refusal = storeRefusal(err);
      if (!refusal) throw err;
      this.set(refusal);
      throw new StoreUnavailableError(refusal, err);
    }
    this.set(undefined);
    return result;
  }

  private async check(): Promise<void> {
    clearTimeout(this.timer);
    await this.guard(this.o.probe).catch(() => undefined);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check(), this.refusal ? this.o.probeMs : this.o.healthyProbeMs);
    this.timer.unref();
  }

  private set(refusal: string | undefined): void {
    if (refusal === this.refusal) return;
    const wasHealthy = !this.refusal;
    this.refusal = refusal;
    this.o.onChange?.(refusal);
    // probe often until it heals
    if (wasHealthy && refusal && !this.stopped) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.check(), this.o.probeMs);
      this.timer.unref();
    }
  }
}

/** A write the store refused; `problem` says why in a few words (never a secret: no URLs, no keys). */
export class StoreUnavailableError extends Error {
  constructor(
    readonly problem: string,
    cause: unknown,
  ) {
    super(`the store refuses writes: ${problem}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

const FILE_REFUSALS: Record<string, string> = {
  EROFS: 'the data folder is on a read-only file system (EROFS)',
  EACCES: 'the bot may not write to the data folder (EACCES)',
  EPERM: 'the bot may not write to the data folder (EPERM)',
  ENOSPC: 'the disk is full (ENOSPC)',
  EDQUOT: 'the disk quota is used up (EDQUOT)',
};

/** Azure Storage error codes that mean the container will not take writes, whatever is retried. */
const BLOB_REFUSALS = new Set([
  'ContainerNotFound',
  'ContainerBeingDeleted',
  'ContainerDisabled',
  'AccountIsDisabled',
  'BlobImmutableDueToPolicy',
]);

/**
 * Why an error means that the store refuses writes, or undefined when it means something else (an eTag
 * conflict, a passing network fault). Pure.
 */
export function storeRefusal(err: unknown): string | undefined {
  const e = (err ?? {}) as { code?: unknown; statusCode?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && FILE_REFUSALS[code]) return FILE_REFUSALS[code];
  if (e.statusCode === 403) return `Azure Storage refuses the bot (403${code ? ` ${code}` : ''})`;
  if (code && BLOB_REFUSALS.has(code)) return `Azure Storage refuses writes (${e.statusCode} ${code})`;
  return undefined;
}
