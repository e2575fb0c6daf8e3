import type { Storage } from 'botbuilder';
import {
  isETagConflict,
  MAX_CAS_ATTEMPTS,
  readIdIndex,
  stripETag,
  updateIdIndex,
  type Stored,
} from './idIndex';
import { canTransition, endedBeforeSteps, isSettled } from '../domain/requestLifecycle';
import type { RequestStatus, SignoutRequest } from '../domain/types';

const ACTIVE_INDEX = 'index/active';
const REQUEST_PREFIX = 'request/';
/** records read at once while rebuilding the index */
const REBUILD_BATCH = 100;

/**
 * A Storage that can also list its keys, so a lost index can be rebuilt from the records, and create a
 * record only if it is absent (true if this call created it), so that of several instances creating the
 * same record at once exactly one does.
 */
export type ListableStorage = Storage & {
  keys?(prefix: string): Promise<string[]>;
  create?(key: string, item: object): Promise<boolean>;
};

/**
 * Creates a record only if it is absent: with the storage's own create-if-absent, else (a storage of
 * one process, such as botbuilder's MemoryStorage in tests) by reading first.
 */
export async function createRecord(storage: ListableStorage, key: string, item: object): Promise<boolean> {
  if (storage.create) return storage.create(key, item);
  if ((await storage.read([key]))[key] !== undefined) return false;
  await storage.write({ [key]: item });
  return true;
}

export interface RequestStoreOptions {
  /** the index was missing (first start, or moved aside as damaged) and was rebuilt from the records */
  onIndexRebuilt?: (r: { records: number; unfinished: number }) => void;
}

export type TransitionResult =
  { ok: true; request: SignoutRequest } | { ok: false; request: SignoutRequest | undefined };

/**
 * Sign-out requests on any botbuilder `Storage`. Every change is a compare-and-swap on the record's
 * eTag, so two clicks, a Teams retry or two bot instances racing cannot both win a transition.
 * An index of active requests (unfinished, or ended but not yet audited and reported) lets the bot
 * resume work, finish ends a crash interrupted, and expire cards after a restart.
 */
export class RequestStore {
  constructor(
    private readonly storage: ListableStorage,
    private readonly options: RequestStoreOptions = {},
  ) {}

  /**
   * Creates the index if it is missing, so every later change to it is a compare-and-swap
   * (botbuilder's Storage has no create-if-absent). A missing index is rebuilt from the request
   * records (none on a first start): running jobs resume and pending cards expire as before.
   */
  async init(): Promise<this> {
    const { eTag } = await this.readIndex();
    if (!eTag) await this.rebuildIndex();
    return this;
  }

  async create(req: SignoutRequest): Promise<void> {
    await this.storage.write({ [key(req.id)]: { ...req } });
    await this.updateIndex((ids) => (ids.includes(req.id) ? ids : [...ids, req.id]));
  }

  async get(id: string): Promise<SignoutRequest | undefined> {
    const item = (await this.storage.read([key(id)]))[key(id)] as Stored<SignoutRequest> | undefined;
    return item ? stripETag(item) : undefined;
  }

  /**
   * Moves a request to `to` if its current status is one of `from` and the move is allowed,
   * applying `patch` in the same write; a patch of undefined refuses the move (e.g. not the job's
   * runner). Loses cleanly (ok: false) to a concurrent writer.
   */
  async transition(
    id: string,
    from: readonly RequestStatus[],
    to: RequestStatus,
    patch: (current: SignoutRequest) => Partial<SignoutRequest> | undefined = () => ({}),
  ): Promise<TransitionResult> {
    return this.settleAfter(
      await this.compareAndSwap(id, (current) => {
        if (!from.includes(current.status) || !canTransition(current.status, to)) return undefined;
        const p = patch(current);
        return p ? { ...current, ...p, status: to } : undefined;
      }),
    );
  }

  /**
   * Changes a request without changing its status (progress checkpoints, outcomes); a change of
   * undefined writes nothing (ok: false).
   */
  async patch(
    id: string,
    change: (current: SignoutRequest) => Partial<SignoutRequest> | undefined,
  ): Promise<TransitionResult> {
    return this.settleAfter(
      await this.compareAndSwap(id, (current) => {
        const p = change(current);
        return p ? { ...current, ...p, status: current.status } : undefined;
      }),
    );
  }

  /** Requests with something left to do: not final, or a job whose end is not yet reported. */
  async listActive(): Promise<SignoutRequest[]> {
    let index = await this.readIndex();
    if (!index.eTag) {
      await this.rebuildIndex();
      index = await this.readIndex();
    }
    const ids = index.ids;
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return found.filter((r): r is SignoutRequest => !!r && !isSettled(r));
  }

  /** A request with nothing left to do leaves the index of active ones. */
  private async settleAfter(result: TransitionResult): Promise<TransitionResult> {
    if (result.ok && isSettled(result.request)) {
      const id = result.request.id;
      await this.updateIndex((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : ids));
    }
    return result;
  }

  private async compareAndSwap(
    id: string,
    change: (current: SignoutRequest) => SignoutRequest | undefined,
  ): Promise<TransitionResult> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const stored = (await this.storage.read([key(id)]))[key(id)] as Stored<SignoutRequest> | undefined;
      if (!stored) return { ok: false, request: undefined };
      const current = stripETag(stored);
      const next = change(current);
      if (!next) return { ok: false, request: current };
      try {
        await this.storage.write({ [key(id)]: { ...next, eTag: stored.eTag ?? '*' } });
        return { ok: true, request: next };
      } catch (err) {
        if (!isETagConflict(err)) throw err;
      }
    }
    throw new Error(`request ${id}: too much contention`);
  }

  private readIndex(): Promise<{ ids: string[]; eTag?: string }> {
    return readIdIndex(this.storage, ACTIVE_INDEX);
  }

  /**
   * Writes the index anew: the ids of every request record with something left to do, that is not
   * final or whose end is not yet reported (but not the ends of versions that reported at once).
   */
  private async rebuildIndex(): Promise<void> {
    const keys = (await this.storage.keys?.(REQUEST_PREFIX)) ?? [];
    const ids: string[] = [];
    for (let i = 0; i < keys.length; i += REBUILD_BATCH) {
      const items = await this.storage.read(keys.slice(i, i + REBUILD_BATCH));
      for (const item of Object.values(items) as Stored<SignoutRequest>[]) {
        if (typeof item?.id === 'string' && !isSettled(item) && !endedBeforeSteps(item)) ids.push(item.id);
      }
    }
    await this.storage.write({ [ACTIVE_INDEX]: { ids } });
    if (keys.length) this.options.onIndexRebuilt?.({ records: keys.length, unfinished: ids.length });
  }

  private updateIndex(change: (ids: string[]) => string[]): Promise<void> {
    return updateIdIndex(
      this.storage,
      ACTIVE_INDEX,
      { rebuild: () => this.rebuildIndex(), what: 'active request index' },
      change,
    );
  }
}

function key(id: string): string {
  return `request/${id}`;
}
