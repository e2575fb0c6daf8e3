import type { Storage } from 'botbuilder';

/**
 * What the stores share: a record with its eTag, the compare-and-swap retry limit, the test for a
 * lost swap, and an index record (a list of ids) kept up to date by compare-and-swap.
 */
export type Stored<T> = T & { eTag?: string };

export const MAX_CAS_ATTEMPTS = 20;

export function stripETag<T>(item: Stored<T>): T {
  const { eTag: _eTag, ...rest } = item;
  return rest as T;
}

export function isETagConflict(err: unknown): boolean {
  return err instanceof Error && /eTag conflict|precondition|ConditionNotMet|412/i.test(err.message);
}

export async function readIdIndex(storage: Storage, key: string): Promise<{ ids: string[]; eTag?: string }> {
  const item = (await storage.read([key]))[key] as Stored<{ ids: string[] }> | undefined;
  return { ids: Array.isArray(item?.ids) ? item.ids : [], eTag: item?.eTag };
}

/**
 * Changes the index at `key` by compare-and-swap. An index lost while running (moved aside as damaged)
 * is rebuilt, then changed like any other. `change` returns its argument to leave the index as it is.
 */
export async function updateIdIndex(
  storage: Storage,
  key: string,
  o: { rebuild: () => Promise<void>; what: string },
  change: (ids: string[]) => string[],
): Promise<void> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const { ids, eTag } = await readIdIndex(storage, key);
    if (!eTag) {
      await o.rebuild();
      continue;
    }
    const next = change(ids);
    if (next === ids) return;
    try {
      await storage.write({ [key]: { ids: next, eTag } });
      return;
    } catch (err) {
      if (!isETagConflict(err)) throw err;
    }
  }
  throw new Error(`${o.what}: too much contention`);
}
