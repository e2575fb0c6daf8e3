import type { ChildProcess } from 'node:child_process';
import type { BulkProgress } from '../src/graph/bulk';
import type { ThrottleLimits } from '../src/graph/throttleLimits';

/**
 * Messages between the three benchmark processes (over Node's IPC channel):
 * - bench/bulk.ts, the orchestrator: makes the certificate, starts the other two, prints;
 * - bench/graphServer.ts: the Graph and Entra stand-ins, so their memory and CPU are not the bot's;
 * - bench/worker.ts, the measuring process: the bot's own Graph code, one job per process.
 */

export interface ServerConfig {
  /** users in the generated tenant, the sample admin included */
  tenantUsers: number;
  /** per HTTP request: uniform in [latencyMs - jitterMs, latencyMs + jitterMs] */
  latencyMs: number;
  jitterMs: number;
  /** a $batch is held uniformly in [min, max] ms instead (a slow Graph) */
  batchLatencyMs?: { min: number; max: number };
  /** throttle windows are divided by this */
  factor: number;
  certPath: string;
  keyPath: string;
}

/** Where the stand-ins are and how to sign in to them: what the server tells and the workers need. */
export interface StandInConnection {
  graphBaseUrl: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface ServerReady extends StandInConnection {
  type: 'ready';
  /** every user but the admin, in tenant order; stats ranges index into this */
  userIds: string[];
  /** what the stand-in enforces (already compressed) */
  limits: ThrottleLimits;
  uncompressedLimits: ThrottleLimits;
}

export type ServerCommand = { cmd: 'reset' } | { cmd: 'stats'; from: number; to: number } | { cmd: 'stop' };

/** What the stand-in saw since its last reset. */
export interface ServerStats {
  /** 429s sent, top-level and per $batch item */
  throttled: number;
  /** users in [from, to) revoked at least once */
  revokedUsers: number;
  /** revoke calls answered 200 for users in [from, to) */
  revokeCalls: number;
  batches: number;
  batchItems: number;
  /** requests outside $batch, $batch itself excluded */
  singleRequests: number;
}

export interface WorkerJob extends StandInConnection {
  mode: 'bulk' | 'naive';
  userIds: string[];
  /** bulk only: what the scheduler paces against */
  limits: ThrottleLimits;
  /** bulk only: batches in flight; undefined = the scheduler's default */
  concurrency?: number;
}

export interface WorkerResult {
  users: number;
  wallMs: number;
  revoked: number;
  skipped: number;
  failed: number;
  /** first few failures, for the report */
  failures: { userId: string; kind: string; code?: string; message?: string }[];
  /** bulk: 429s the scheduler counted (per item, or one per whole-batch 429); naive: undefined */
  throttled?: number;
  /** bulk: users per second from the 70th to the 95th percentile outcome (after the burst, before the wind-down) */
  lateRate?: number;
  /** memory of the measuring process, sampled every 100 ms during the job */
  baselineRss: number;
  peakRss: number;
  baselineHeapUsed: number;
  peakHeapUsed: number;
  peakHeapTotal: number;
  samples: number;
  /** the process's lifetime peak RSS as the kernel counts it (warm-up included) */
  maxRss: number;
}

export type ToWorker = { type: 'job'; job: WorkerJob } | { type: 'go' };
export type FromWorker =
  | { type: 'warm' }
  | { type: 'progress'; progress: BulkProgress }
  | { type: 'result'; result: WorkerResult }
  | { type: 'error'; message: string };

/** Sends a command to the stand-in process and resolves with its answer. */
export class ServerClient {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { seq?: number; result?: unknown; error?: string }) => {
      if (typeof m?.seq !== 'number') return;
      const p = this.pending.get(m.seq);
      if (!p) return;
      this.pending.delete(m.seq);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    child.once('exit', (code, signal) => {
      for (const p of this.pending.values())
        p.reject(new Error(`the stand-in process exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  ask(command: { cmd: 'reset' } | { cmd: 'stop' }): Promise<void>;
  ask(command: { cmd: 'stats'; from: number; to: number }): Promise<ServerStats>;
  ask(command: ServerCommand): Promise<unknown> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.child.send({ seq, ...command });
    });
  }
}
