import { randomUUID } from 'node:crypto';
import type { Storage } from 'botbuilder';

/**
 * A long list of a request (its targets, its outcomes) kept beside the request's record, in parts of at
 * most PART_ITEMS items, each in a record of its own that is written once and never changed. The
 * request's record holds only the parts' keys, so a checkpoint of a 100,000-user job writes the new
 * outcomes and a small record instead of rewriting every target and every outcome so far.
 */

/** Lists of up to this many items stay inside the request's record. */
export const INLINE_ITEMS = 100;
/** The most items in one part. */
export const PART_ITEMS = 2000;
/** Items of parts kept in memory by one store (its parts are read once, not at every change). */
export const CACHED_ITEMS = 300_000;

const PART_PREFIX = 'requestpart/';

/** How a list is stored in the request's record: inline, or as the keys of its parts in order. */
export type StoredList<T> = { inline: T[] } | { parts: string[] };

/** The parts to write and to delete for a list to become `next`. */
export interface ListPlan<T> {
  stored: StoredList<T>;
  /** new parts, by key */
  write: Map<string, T[]>;
  /** parts the new list no longer uses */
  drop: string[];
}

/**
 * How to store `next`, given how `current` (the list as it is stored now, read as `currentItems`) is
 * stored. An unchanged list keeps its parts; a list that only grew appends to them (refilling a last
 * part that is not full); any other change writes the list anew.
 */
export function planList<T>(
  requestId: string,
  current: StoredList<T>,
  currentItems: readonly T[],
  next: readonly T[],
  lastPartItems = 0,
): ListPlan<T> {
  const keep = (): ListPlan<T> => ({ stored: current, write: new Map(), drop: [] });
  if ('parts' in current) {
    if (next === currentItems) return keep();
    if (extends_(next, currentItems)) {
      if (next.length === currentItems.length) return keep();
      return appendToParts(requestId, current.parts, lastPartItems, currentItems, next);
    }
  } else if (next === currentItems && next.length <= INLINE_ITEMS) {
    // a long list inline was stored before parts existed: it moves into parts at its next change
    return keep();
  }
  const drop = 'parts' in current ? current.parts : [];
  if (next.length <= INLINE_ITEMS) return { stored: { inline: [...next] }, write: new Map(), drop };
  const write = partsOf(requestId, next);
  return { stored: { parts: [...write.keys()] }, write, drop };
}

/** `next` begins with every item of `current`, the same objects in the same order. */
function extends_<T>(next: readonly T[], current: readonly T[]): boolean {
  if (next.length < current.length) return false;
  for (let i = 0; i < current.length; i++) if (next[i] !== current[i]) return false;
  return true;
}

function appendToParts<T>(
  requestId: string,
  parts: string[],
  lastPartItems: number,
  currentItems: readonly T[],
  next: readonly T[],
): ListPlan<T> {
  const refill = lastPartItems > 0 && lastPartItems < PART_ITEMS;
  const from = refill ? currentItems.length - lastPartItems : currentItems.length;
  const kept = refill ? parts.slice(0, -1) : parts;
  const write = partsOf(requestId, next.slice(from));
  return { stored: { parts: [...kept, ...write.keys()] }, write, drop: refill ? parts.slice(-1) : [] };
}

function partsOf<T>(requestId: string, items: readonly T[]): Map<string, T[]> {
  const parts = new Map<string, T[]>();
  for (let i = 0; i < items.length; i += PART_ITEMS)
    parts.set(`${PART_PREFIX}${requestId}/${randomUUID()}`, items.slice(i, i + PART_ITEMS));
  return parts;
}

/**
 * Reads and writes parts. Parts never change once written, so those read or written are kept (up to
 * CACHED_ITEMS items, the least recently used dropped first) and are always current.
 */
export class PartReader {
  private readonly cache = new Map<string, unknown[]>();
  private cachedItems = 0;

  constructor(
    private readonly storage: Storage,
    private readonly maxItems = CACHED_ITEMS,
  ) {}

  /** The items of a stored list, or undefined when a part is missing (deleted since, or damaged). */
  async items<T>(list: StoredList<T>): Promise<T[] | undefined> {
    if ('inline' in list) return list.inline;
    const found = new Map<string, unknown[]>();
    for (const key of list.parts) {
      const items = this.cache.get(key);
      if (items) found.set(key, items);
    }
    const missing = list.parts.filter((k) => !found.has(k));
    if (missing.length) {
      const read = await this.storage.read(missing);
      for (const key of missing) {
        const items = (read[key] as { items?: unknown } | undefined)?.items;
        if (!Array.isArray(items)) return undefined;
        found.set(key, items);
      }
    }
    const out: T[] = [];
    for (const key of list.parts) {
      const items = found.get(key)!;
      this.remember(key, items);
      for (const item of items) out.push(item as T);
    }
    return out;
  }

  /** How many items a part read or written by this reader holds (0 if not known). */
  sizeOf(key: string | undefined): number {
    return (key && this.cache.get(key)?.length) || 0;
  }

  /** Writes new parts (before the record that names them). */
  async write(parts: Map<string, unknown[]>): Promise<void> {
    if (!parts.size) return;
    const changes: Record<string, { items: unknown[] }> = {};
    for (const [key, items] of parts) changes[key] = { items };
    await this.storage.write(changes);
    for (const [key, items] of parts) this.remember(key, items);
  }

  /** Deletes parts no record names (after the change that dropped them, or that lost its swap). */
  async drop(keys: string[]): Promise<void> {
    if (!keys.length) return;
    for (const key of keys) this.forget(key);
    await this.storage.delete(keys);
  }

  private remember(key: string, items: unknown[]): void {
    this.forget(key);
    this.cache.set(key, items);
    this.cachedItems += items.length;
    for (const oldest of this.cache.keys()) {
      if (this.cachedItems <= this.maxItems || oldest === key) break;
      this.forget(oldest);
    }
  }

  private forget(key: string): void {
    const items = this.cache.get(key);
    if (!items) return;
    this.cache.delete(key);
    this.cachedItems -= items.length;
  }
}
