import { createHash } from 'node:crypto';
import { REFUSAL_HOUR_MS, type RefusalTally } from '../domain/refusalTally';
import { createRecord, type ListableStorage } from './requestStore';
import { isETagConflict, MAX_CAS_ATTEMPTS, type Stored } from './idIndex';

const PREFIX = 'refusals/';

/**
 * One record per caller and hour (`refusals/<hour>/<hash of tenant and caller>`) with the tally and the
 * card that shows it. Every change is a compare-and-swap, and the first is a create-if-absent, so
 * several instances counting one caller's burst lose no attempt and agree on one card.
 */
export class RefusalTallies {
  constructor(private readonly storage: ListableStorage) {}

  async get(key: string): Promise<RefusalTally | undefined> {
    const item = (await this.storage.read([key]))[key] as Stored<RefusalTally> | undefined;
    return item ? strip(item) : undefined;
  }

  /**
   * Applies `change` to the record (undefined when there is none yet) and stores the result; a change of
   * undefined writes nothing. Returns what is stored, or undefined when nothing was written.
   */
  async change(
    key: string,
    change: (current: RefusalTally | undefined) => RefusalTally | undefined,
  ): Promise<RefusalTally | undefined> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const stored = (await this.storage.read([key]))[key] as Stored<RefusalTally> | undefined;
      const next = change(stored ? strip(stored) : undefined);
      if (!next) return undefined;
      if (!stored) {
        if (await createRecord(this.storage, key, next)) return next;
        continue;
      }
      try {
        await this.storage.write({ [key]: { ...next, eTag: stored.eTag ?? '*' } });
        return next;
      } catch (err) {
        if (!isETagConflict(err)) throw err;
      }
    }
    throw new Error(`refusal tally ${key}: too much contention`);
  }

  /**
   * Deletes the records of hours that ended before `before`: their cards stay in the channel, and a
   * caller refused again later gets a new card for that hour. Returns how many were deleted.
   */
  async prune(before: Date): Promise<number> {
    const keys = (await this.storage.keys?.(PREFIX)) ?? [];
    const old = keys.filter((k) => {
      const hour = hourOfKey(k);
      return hour !== undefined && hour + REFUSAL_HOUR_MS <= before.getTime();
    });
    if (old.length) await this.storage.delete(old);
    return old.length;
  }
}

/** The record of `callerId`'s refusals in the hour from `hourStart` (ISO, on the hour). */
export function refusalTallyKey(tenantId: string, callerId: string, hourStart: string): string {
  const who = createHash('sha256').update(`${tenantId}\n${callerId}`).digest('hex').slice(0, 32);
  return `${PREFIX}${Date.parse(hourStart)}/${who}`;
}

function hourOfKey(key: string): number | undefined {
  const m = /^refusals\/(\d+)\//.exec(key);
  return m ? Number(m[1]) : undefined;
}

function strip(item: Stored<RefusalTally>): RefusalTally {
  const { eTag: _eTag, ...rest } = item;
  return rest;
}
