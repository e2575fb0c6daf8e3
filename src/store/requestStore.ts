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
import type { DirectoryUser, RequestStatus, SignoutRequest, TargetOutcome } from '../domain/types';
import { PartReader, planList, type ListPlan, type StoredList } from './requestParts';

const ACTIVE_INDEX = 'index/active';
const REQUEST_PREFIX = 'request/';
/** records read at once while rebuilding the index */
const REBUILD_BATCH = 100;
/** reads of a request whose part was dropped by a change made meanwhile */
const MAX_READ_ATTEMPTS = 5;

/**
 * A request as its record holds it: a long list (targets, outcomes) as the keys of its parts
 * (src/store/requestParts.ts) instead of inline. Records written before parts existed hold both inline.
 */
type StoredRequest = Omit<SignoutRequest, 'targets' | 'outcomes'> & {
  targets?: DirectoryUser[];
  outcomes?: TargetOutcome[];
  targetParts?: string[];
  outcomeParts?: string[];
};

type Loaded = { stored: Stored<StoredRequest>; current: SignoutRequest };

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
  /** a part of a request's list could not be read (damaged and moved aside): the request reads as absent */
  onPartMissing?: (r: { requestId: string }) => void;
}

export type TransitionResult =
  { ok: true; request: SignoutRequest } | { ok: false; request: SignoutRequest | undefined };

/**
 * Sign-out requests on any botbuilder `Storage`. Every change is a compare-and-swap on the record's
 * eTag, so two clicks, a Teams retry or two bot instances racing cannot both win a transition.
 * An index of active requests (unfinished, or ended but not yet audited and reported) lets the bot
 * resume work, finish ends a crash interrupted, and expire cards after a restart. Long lists of targets
 * and outcomes are kept in parts beside the record, so a change writes only what is new.
 */
export class RequestStore {
  private readonly parts: PartReader;

  constructor(
    private readonly storage: ListableStorage,
    private readonly options: RequestStoreOptions = {},
  ) {
    this.parts = new PartReader(storage);
  }

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
    const empty: Loaded['current'] = { ...req, targets: [], outcomes: [] };
    const plans = this.plan({ id: req.id } as StoredRequest, empty, req);
    await this.parts.write(plans.write);
    await this.storage.write({ [key(req.id)]: recordOf(req, plans) });
    await this.updateIndex((ids) => (ids.includes(req.id) ? ids : [...ids, req.id]));
  }

  async get(id: string): Promise<SignoutRequest | undefined> {
    return (await this.load(id))?.current;
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
      const loaded = await this.load(id);
      if (!loaded) return { ok: false, request: undefined };
      const { stored, current } = loaded;
      const next = change(current);
      if (!next) return { ok: false, request: current };
      const plans = this.plan(stored, current, next);
      await this.parts.write(plans.write);
      try {
        await this.storage.write({ [key(id)]: { ...recordOf(next, plans), eTag: stored.eTag ?? '*' } });
      } catch (err) {
        await this.parts.drop([...plans.write.keys()]).catch(() => undefined);
        if (!isETagConflict(err)) throw err;
        continue;
      }
      // parts no record names any more; one left behind by a failure here only takes space
      await this.parts.drop(plans.drop).catch(() => undefined);
      return { ok: true, request: next };
    }
    throw new Error(`request ${id}: too much contention`);
  }

  /**
   * A request's record and the request with its lists read. A part the record names may have been
   * dropped by a change made since the record was read: read again. A part missing from the record
   * read last was damaged: the request reads as absent, as a damaged record does.
   */
  private async load(id: string): Promise<Loaded | undefined> {
    for (let attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
      const stored = (await this.storage.read([key(id)]))[key(id)] as Stored<StoredRequest> | undefined;
      if (!stored) return undefined;
      const targets = await this.parts.items(targetsOf(stored));
      const outcomes = targets && (await this.parts.items(outcomesOf(stored)));
      if (targets && outcomes) {
        const { targetParts: _t, outcomeParts: _o, ...rest } = stripETag(stored);
        return { stored, current: { ...rest, targets, outcomes } };
      }
      const now = (await this.storage.read([key(id)]))[key(id)] as Stored<StoredRequest> | undefined;
      if (now?.eTag === stored.eTag) break;
    }
    this.options.onPartMissing?.({ requestId: id });
    return undefined;
  }

  /** How the lists of `next` are stored, given how those of `current` are. */
  private plan(stored: StoredRequest, current: SignoutRequest, next: SignoutRequest): Plans {
    const lastOf = (parts?: string[]) => this.parts.sizeOf(parts?.[parts.length - 1]);
    const targets = planList(
      stored.id,
      targetsOf(stored),
      current.targets,
      next.targets,
      lastOf(stored.targetParts),
    );
    const outcomes = planList(
      stored.id,
      outcomesOf(stored),
      current.outcomes,
      next.outcomes,
      lastOf(stored.outcomeParts),
    );
    return {
      targets,
      outcomes,
      write: new Map<string, unknown[]>([...targets.write, ...outcomes.write]),
      drop: [...targets.drop, ...outcomes.drop],
    };
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

interface Plans {
  targets: ListPlan<DirectoryUser>;
  outcomes: ListPlan<TargetOutcome>;
  write: Map<string, unknown[]>;
  drop: string[];
}

function targetsOf(r: StoredRequest): StoredList<DirectoryUser> {
  return r.targetParts ? { parts: r.targetParts } : { inline: r.targets ?? [] };
}

function outcomesOf(r: StoredRequest): StoredList<TargetOutcome> {
  return r.outcomeParts ? { parts: r.outcomeParts } : { inline: r.outcomes ?? [] };
}

/** The record of `req`, its lists stored as planned. */
function recordOf(req: SignoutRequest, plans: Plans): StoredRequest {
  const { targets: _t, outcomes: _o, ...rest } = req;
  const record: StoredRequest = { ...rest };
  const t = plans.targets.stored;
  const o = plans.outcomes.stored;
  if ('parts' in t) record.targetParts = t.parts;
  else record.targets = t.inline;
  if ('parts' in o) record.outcomeParts = o.parts;
  else record.outcomes = o.inline;
  return record;
}
