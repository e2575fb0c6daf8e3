import type { Storage } from 'botbuilder';
import { canTransition, isFinal } from '../core/requestLifecycle';
import type { RequestStatus, SignoutRequest } from '../core/types';

const ACTIVE_INDEX = 'index/active';
const MAX_CAS_ATTEMPTS = 20;

type Stored<T> = T & { eTag?: string };

export type TransitionResult =
  { ok: true; request: SignoutRequest } | { ok: false; request: SignoutRequest | undefined };

/**
 * Sign-out requests on any botbuilder `Storage`. Every change is a compare-and-swap on the record's
 * eTag, so two clicks, a Teams retry or two bot instances racing cannot both win a transition.
 * An index of unfinished requests (and finished jobs not yet reported) lets the bot resume work, report
 * what a stop interrupted, and expire cards after a restart.
 */
export class RequestStore {
  constructor(private readonly storage: Storage) {}

  /**
   * Creates the index if it is missing, so every later change to it is a compare-and-swap
   * (botbuilder's Storage has no create-if-absent).
   */
  async init(): Promise<this> {
    const { eTag } = await this.readIndex();
    if (!eTag) await this.storage.write({ [ACTIVE_INDEX]: { ids: [] } });
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
   * applying `patch` in the same write. Loses cleanly (ok: false) to a concurrent writer.
   */
  async transition(
    id: string,
    from: readonly RequestStatus[],
    to: RequestStatus,
    patch: (current: SignoutRequest) => Partial<SignoutRequest> = () => ({}),
  ): Promise<TransitionResult> {
    const result = await this.compareAndSwap(id, (current) =>
      from.includes(current.status) && canTransition(current.status, to)
        ? { ...current, ...patch(current), status: to }
        : undefined,
    );
    if (result.ok && isFinal(to) && !result.request.reportPending) await this.leaveIndex(id);
    return result;
  }

  /** The end of a job has been reported: the request stops being active. */
  async reported(id: string): Promise<void> {
    const result = await this.patch(id, (cur) =>
      cur.reportPending ? { reportPending: undefined } : undefined,
    );
    if (result.ok && isFinal(result.request.status)) await this.leaveIndex(id);
  }

  /** Changes a request without changing its status (progress checkpoints, outcomes). */
  async patch(
    id: string,
    change: (current: SignoutRequest) => Partial<SignoutRequest> | undefined,
  ): Promise<TransitionResult> {
    return this.compareAndSwap(id, (current) => {
      const p = change(current);
      return p ? { ...current, ...p, status: current.status } : undefined;
    });
  }

  /** Requests not final yet, and finished ones whose report is still pending. */
  async listActive(): Promise<SignoutRequest[]> {
    const ids = (await this.readIndex()).ids;
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return found.filter((r): r is SignoutRequest => !!r && (!isFinal(r.status) || !!r.reportPending));
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

  private leaveIndex(id: string): Promise<void> {
    return this.updateIndex((ids) => ids.filter((x) => x !== id));
  }

  private async readIndex(): Promise<{ ids: string[]; eTag?: string }> {
    const item = (await this.storage.read([ACTIVE_INDEX]))[ACTIVE_INDEX] as
      Stored<{ ids: string[] }> | undefined;
    return { ids: item?.ids ?? [], eTag: item?.eTag };
  }

  private async updateIndex(change: (ids: string[]) => string[]): Promise<void> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const { ids, eTag } = await this.readIndex();
      const next = change(ids);
      if (next === ids) return;
      if (!eTag) throw new Error('request store used before init()');
      try {
        await this.storage.write({ [ACTIVE_INDEX]: { ids: next, eTag } });
        return;
      } catch (err) {
        if (!isETagConflict(err)) throw err;
      }
    }
    throw new Error('active request index: too much contention');
  }
}

function key(id: string): string {
  return `request/${id}`;
}

function stripETag<T>(item: Stored<T>): T {
  const { eTag: _eTag, ...rest } = item;
  return rest as T;
}

function isETagConflict(err: unknown): boolean {
  return err instanceof Error && /eTag conflict|precondition|ConditionNotMet|412/i.test(err.message);
}
