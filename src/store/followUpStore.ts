import type { Storage } from 'botbuilder';
import {
  isETagConflict,
  MAX_CAS_ATTEMPTS,
  readIdIndex,
  stripETag,
  updateIdIndex,
  type Stored,
} from './idIndex';
import { claimable, type FollowUp } from '../domain/followUps';

export const FOLLOW_UP_INDEX = 'index/followups';
const INDEX = FOLLOW_UP_INDEX;
const PREFIX = 'followup/';

/**
 * The follow-ups the bot owes, on the request store's botbuilder `Storage` (a file per record, or a blob
 * with STORAGE_BACKEND=blob). An index lists those not yet posted. Every change is a compare-and-swap on
 * the record's eTag, so of several instances that see a follow-up due, one claims and posts it.
 */
export class FollowUpStore {
  constructor(private readonly storage: Storage & { keys?(prefix: string): Promise<string[]> }) {}

  /**
   * Creates the index if it is missing, from the records (none on a first start), so that every later
   * change to it is a compare-and-swap. With the blob store, createStores seeds it first with
   * If-None-Match: *, so instances starting together cannot overwrite each other's index.
   */
  async init(): Promise<this> {
    if (!(await this.readIndex()).eTag) await this.rebuildIndex();
    return this;
  }

  /** Stores new follow-ups (an id already stored is left as it is) and lists them in the index. */
  async add(followUps: readonly FollowUp[]): Promise<void> {
    if (followUps.length === 0) return;
    const existing = await this.storage.read(followUps.map((f) => key(f.id)));
    const fresh = followUps.filter((f) => !existing[key(f.id)]);
    if (fresh.length) await this.storage.write(Object.fromEntries(fresh.map((f) => [key(f.id), { ...f }])));
    await this.updateIndex((ids) => {
      const missing = followUps.map((f) => f.id).filter((id) => !ids.includes(id));
      return missing.length ? [...ids, ...missing] : ids;
    });
  }

  async get(id: string): Promise<FollowUp | undefined> {
    const item = (await this.storage.read([key(id)]))[key(id)] as Stored<FollowUp> | undefined;
    return item ? stripETag(item) : undefined;
  }

  /** Every follow-up not yet posted, due or not, soonest first. */
  async pending(): Promise<FollowUp[]> {
    const { ids } = await this.readIndex();
    if (ids.length === 0) return [];
    const items = await this.storage.read(ids.map(key));
    return ids
      .map((id) => items[key(id)] as Stored<FollowUp> | undefined)
      .filter((f): f is Stored<FollowUp> => !!f && !f.postedAt)
      .map((f) => stripETag<FollowUp>(f))
      .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  }

  /** Claims a due follow-up for `instance`; undefined when it is not due, posted, or someone else's. */
  async claim(id: string, instance: string, now: Date, leaseMs: number): Promise<FollowUp | undefined> {
    return this.compareAndSwap(id, (f) =>
      claimable(f, now, leaseMs) ? { ...f, claim: { by: instance, at: now.toISOString() } } : undefined,
    );
  }

  /** Marks a claimed follow-up posted and drops it from the index; false when the claim was lost. */
  async markPosted(id: string, instance: string, now: Date): Promise<boolean> {
    const done = await this.compareAndSwap(id, (f) =>
      f.claim?.by === instance && !f.postedAt ? { ...f, postedAt: now.toISOString() } : undefined,
    );
    if (done) await this.updateIndex((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : ids));
    return !!done;
  }

  private async compareAndSwap(
    id: string,
    change: (f: FollowUp) => FollowUp | undefined,
  ): Promise<FollowUp | undefined> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const stored = (await this.storage.read([key(id)]))[key(id)] as Stored<FollowUp> | undefined;
      if (!stored) return undefined;
      const next = change(stripETag(stored));
      if (!next) return undefined;
      try {
        await this.storage.write({ [key(id)]: { ...next, eTag: stored.eTag ?? '*' } });
        return next;
      } catch (err) {
        if (!isETagConflict(err)) throw err;
      }
    }
    throw new Error(`follow-up ${id}: too much contention`);
  }

  private readIndex(): Promise<{ ids: string[]; eTag?: string }> {
    return readIdIndex(this.storage, INDEX);
  }

  private updateIndex(change: (ids: string[]) => string[]): Promise<void> {
    return updateIdIndex(
      this.storage,
      INDEX,
      { rebuild: () => this.rebuildIndex(), what: 'follow-up index' },
      change,
    );
  }

  private async rebuildIndex(): Promise<void> {
    const keys = (await this.storage.keys?.(PREFIX)) ?? [];
    const items = keys.length ? await this.storage.read(keys) : {};
    const ids = (Object.values(items) as Stored<FollowUp>[])
      .filter((f) => typeof f?.id === 'string' && !f.postedAt)
      .map((f) => f.id);
    await this.storage.write({ [INDEX]: { ids } });
  }
}

function key(id: string): string {
  return `${PREFIX}${id}`;
}
