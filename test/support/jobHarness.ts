import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Storage } from 'botbuilder';
import pino from 'pino';
import type { JobReports } from '../../src/signout/jobEnd';
import { JobRunner, type JobRunnerDeps } from '../../src/signout/jobRunner';
import type { DirectoryUser, SignoutRequest } from '../../src/domain/types';
import type { BatchItem, BatchItemResponse } from '../../src/graph/bulk';
import type { GraphApi } from '../../src/graph/client';
import { Directory } from '../../src/graph/directory';
import { limitsForTenantSize } from '../../src/graph/throttleLimits';
import { toJsonLines, type AuditSink } from '../../src/store/auditLog';
import { type AuditEntry, type NewAuditEntry } from '../../src/domain/audit';
import { FileStorage } from '../../src/store/fileStorage';
import { RequestStore } from '../../src/store/requestStore';

/**
 * One JobRunner on a real RequestStore (files in a temp folder), an in-memory audit log and an
 * in-memory Graph that answers single calls and $batch: for unit tests of how jobs run, stop and end.
 */

export const NOW = new Date('2026-11-22T12:00:00Z');

export const userIds = (n: number) =>
  Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

export function aJob(over: Partial<SignoutRequest> & { userIds?: string[] } = {}): SignoutRequest {
  const { userIds: ids = userIds(3), ...rest } = over;
  const targets: DirectoryUser[] = ids.map((id, i) => ({
    id,
    displayName: `User ${i}`,
    userPrincipalName: `user${i}@contoso.com`,
  }));
  return {
    id: 'r1',
    tenantId: 't',
    status: 'running',
    createdAt: NOW.toISOString(),
    expiresAt: NOW.toISOString(),
    startedAt: NOW.toISOString(),
    requester: { id: 'a', name: 'A' },
    confirmedBy: { id: 'a', name: 'A' },
    reason: '',
    targets,
    conversation: { reference: {} },
    outcomes: [],
    ...rest,
  };
}

/** Graph in memory: revokes count per user and move valid-from to the (test's) now. */
export class MemoryGraph {
  readonly revokes = new Map<string, number>();
  readonly validFrom = new Map<string, string>();
  readonly batches: BatchItem[][] = [];
  /** runs before each $batch is answered (e.g. to hold it, or to let time pass) */
  beforeBatch: (items: BatchItem[], n: number) => Promise<void> | void = () => undefined;

  constructor(private readonly now: () => Date) {}

  readonly api = {
    call: async (method: string, p: string, o: { body?: unknown } = {}) => {
      if (p === '/$batch') {
        const items = (o.body as { requests: BatchItem[] }).requests;
        this.batches.push(items);
        await this.beforeBatch(items, this.batches.length);
        return { status: 200, body: { responses: items.map((item) => this.answer(item)) } };
      }
      const r = this.answer({ id: '1', method: method as BatchItem['method'], url: p });
      return { status: r.status, body: r.body, requestId: 'single' };
    },
  } as unknown as GraphApi;

  revokeCount(id: string): number {
    return this.revokes.get(id) ?? 0;
  }

  private answer(item: BatchItem): BatchItemResponse {
    const id = decodeURIComponent(item.url.split('/')[2].split('?')[0]);
    if (item.method === 'POST' && item.url.endsWith('/revokeSignInSessions')) {
      this.revokes.set(id, this.revokeCount(id) + 1);
      this.validFrom.set(id, this.now().toISOString());
      return { id: item.id, status: 200, body: { value: true } };
    }
    if (item.method === 'PATCH') return { id: item.id, status: 204 };
    return {
      id: item.id,
      status: 200,
      body: {
        id,
        displayName: id,
        userPrincipalName: `${id}@contoso.com`,
        userType: 'Member',
        accountEnabled: true,
        signInSessionsValidFromDateTime: this.validFrom.get(id) ?? '2026-01-01T00:00:00Z',
      },
    };
  }
}

/** An audit log in memory; `beforeAppend` may throw or change things (a click arriving meanwhile). */
export class MemoryAudit implements Pick<AuditSink, 'readAll' | 'readNewestFirst' | 'appendMany'> {
  readonly entries: AuditEntry[] = [];
  beforeAppend: (entries: readonly NewAuditEntry[]) => Promise<void> | void = () => undefined;

  async appendMany(entries: readonly NewAuditEntry[]): Promise<void> {
    await this.beforeAppend(entries);
    const lines = toJsonLines(entries, Date.now()).split('\n').filter(Boolean);
    this.entries.push(...lines.map((l) => JSON.parse(l) as AuditEntry));
  }

  async readAll(): Promise<AuditEntry[]> {
    return [...this.entries];
  }

  /** the log from its end, in chunks of `chunk` entries, as AuditLog reads it */
  async *readNewestFirst(_about?: unknown, chunk = 100): AsyncGenerator<AuditEntry[]> {
    const newest = [...this.entries].reverse();
    for (let i = 0; i < newest.length; i += chunk) yield newest.slice(i, i + chunk);
  }

  /** outcome lines per user of a request */
  outcomeLines(requestId: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.entries) {
      if (e.requestId !== requestId || !['revoked', 'failed', 'unblocked'].includes(e.event)) continue;
      const id = e.targets![0].id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }
}

export interface HarnessOptions extends Partial<
  Omit<JobRunnerDeps, 'store' | 'graph' | 'batchGraph' | 'reports'>
> {
  /** the job's progress cards (default: none) */
  onProgress?: JobReports['progress'];
  /** the report of each end (default: kept in `finished`) */
  onFinished?: JobReports['finished'];
  /** wraps the store's Storage, e.g. to make a write fail */
  storage?: (inner: Storage) => Storage;
  /** share one store (and Graph, and audit log) with another harness: a second instance */
  with?: Harness;
}

export interface Harness {
  store: RequestStore;
  storage: Storage;
  jobs: JobRunner;
  graph: MemoryGraph;
  audit: MemoryAudit;
  finished: SignoutRequest[];
  log: string[];
}

export async function jobHarness(o: HarnessOptions = {}): Promise<Harness> {
  const { storage: wrap, with: other, onProgress, onFinished, ...deps } = o;
  let storage: Storage;
  let store: RequestStore;
  if (other) {
    storage = other.storage;
    store = other.store;
  } else {
    const files = await new FileStorage(await fs.mkdtemp(path.join(os.tmpdir(), 'job-'))).init();
    storage = wrap ? wrap(files) : files;
    store = await new RequestStore(storage).init();
  }
  const now = deps.now ?? (() => NOW);
  const graph = other?.graph ?? new MemoryGraph(now);
  const audit = other?.audit ?? new MemoryAudit();
  const finished: SignoutRequest[] = [];
  const log: string[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void log.push(JSON.parse(line).msg as string) },
  );
  const jobs = new JobRunner({
    graph: graph.api,
    batchGraph: graph.api,
    directory: new Directory(graph.api),
    audit,
    limits: limitsForTenantSize(0),
    log: logger,
    reports: {
      progress: onProgress ?? (async () => undefined),
      finished: onFinished ?? (async (r) => void finished.push(r)),
    },
    instance: 'A',
    leaseMs: 60_000,
    ...deps,
    now,
    store,
  });
  return { store, storage, jobs, graph, audit, finished, log };
}

export async function waitFor(cond: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
