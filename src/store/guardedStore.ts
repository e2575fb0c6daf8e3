import type { StoreItems } from 'botbuilder';
import type { AuditEntry, NewAuditEntry } from '../domain/audit';
import type { LogChunk } from '../domain/auditLines';
import type { HistoryQuery } from '../domain/history';
import type { AuditSink } from './auditLog';
import { createRecord, type ListableStorage } from './requestStore';
import type { StoreHealth } from './storeHealth';

/**
 * A Storage whose writes and deletes go through StoreHealth (a refusal throws StoreUnavailableError and
 * shows in /healthz), and which remembers them while in flight, so shutdown can wait for them.
 */
export class GuardedStorage implements ListableStorage {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly inner: ListableStorage,
    private readonly health: StoreHealth,
  ) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  write(changes: StoreItems): Promise<void> {
    return this.track(this.health.guard(() => this.inner.write(changes)));
  }

  delete(keys: string[]): Promise<void> {
    return this.track(this.health.guard(() => this.inner.delete(keys)));
  }

  create(key: string, item: object): Promise<boolean> {
    return this.track(this.health.guard(() => createRecord(this.inner, key, item)));
  }

  async keys(prefix: string): Promise<string[]> {
    return (await this.inner.keys?.(prefix)) ?? [];
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const done = () => this.pending.delete(work);
    work.then(done, done);
    return work;
  }
}

/** An AuditSink whose appends go through StoreHealth. */
export class GuardedAudit implements AuditSink {
  constructor(
    private readonly inner: AuditSink,
    private readonly health: StoreHealth,
  ) {}

  async init(): Promise<this> {
    await this.inner.init();
    return this;
  }

  append(entry: NewAuditEntry): Promise<void> {
    return this.health.guard(() => this.inner.append(entry));
  }

  appendMany(entries: readonly NewAuditEntry[]): Promise<void> {
    return this.health.guard(() => this.inner.appendMany(entries));
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  readAll(): Promise<AuditEntry[]> {
    return this.inner.readAll();
  }

  readNewestFirst(about?: HistoryQuery['user']): AsyncIterable<LogChunk> {
    return this.inner.readNewestFirst(about);
  }
}
