import { graphBatchTransport, runBulkRevoke } from '../src/graph/bulk';
import { GraphApi, GraphCallError, createCredential } from '../src/graph/client';
import { revokeUserSessions } from '../src/graph/revoke';
import type { TargetOutcome } from '../src/domain/types';
import type { FromWorker, ToWorker, WorkerJob, WorkerResult } from './protocol';

/**
 * The measuring process: forked by bench/bulk.ts with NODE_EXTRA_CA_CERTS set, it runs one job with
 * the bot's production Graph code only (no stand-in code is loaded here), so its RSS is the bot's side.
 *
 * - bulk: GraphApi (SDK retries off: the scheduler handles a whole-batch 429 itself) +
 *   graphBatchTransport + runBulkRevoke, as the bot's bulk sign-out runs them;
 * - naive: revokeUserSessions one user at a time (one revoke, then one read), like piping users
 *   through Revoke-MgUserSignInSession, with the GraphApi the bot uses for single sign-outs.
 *
 * Handshake: job → (token and connection warmed) warm → go → progress… → result.
 */

const SAMPLE_EVERY_MS = 100;
const MAX_REPORTED_FAILURES = 5;

function send(m: FromWorker): void {
  process.send!(m);
}

function nextMessage(): Promise<ToWorker> {
  return new Promise((resolve) => process.once('message', (m: ToWorker) => resolve(m)));
}

class MemorySampler {
  readonly baselineRss: number;
  readonly baselineHeapUsed: number;
  peakRss: number;
  peakHeapUsed: number;
  peakHeapTotal: number;
  samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    const m = process.memoryUsage();
    this.baselineRss = this.peakRss = m.rss;
    this.baselineHeapUsed = this.peakHeapUsed = m.heapUsed;
    this.peakHeapTotal = m.heapTotal;
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
  }

  sample(): void {
    const m = process.memoryUsage();
    this.samples++;
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeapUsed = Math.max(this.peakHeapUsed, m.heapUsed);
    this.peakHeapTotal = Math.max(this.peakHeapTotal, m.heapTotal);
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}

function tally(outcomes: TargetOutcome[]): Pick<WorkerResult, 'revoked' | 'skipped' | 'failed' | 'failures'> {
  let revoked = 0;
  let skipped = 0;
  const failures: WorkerResult['failures'] = [];
  let failed = 0;
  for (const o of outcomes) {
    if (o.kind === 'revoked') revoked++;
    else if (o.kind === 'guestSkipped') skipped++;
    else {
      failed++;
      if (failures.length < MAX_REPORTED_FAILURES)
        failures.push({ userId: o.userId, kind: o.kind, code: o.code, message: o.message });
    }
  }
  return { revoked, skipped, failed, failures };
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/worker must be forked with an IPC channel');
  const first = await nextMessage();
  if (first.type !== 'job') throw new Error(`expected a job, got ${first.type}`);
  const job: WorkerJob = first.job;

  const credential = createCredential({
    credential: {
      kind: 'secret',
      tenantId: job.tenantId,
      clientId: job.clientId,
      clientSecret: job.clientSecret,
      authorityHost: job.authorityHost,
    },
    disableInstanceDiscovery: true,
  });
  const graph =
    job.mode === 'bulk'
      ? new GraphApi(credential, job.graphBaseUrl, { maxRetries: 0 })
      : new GraphApi(credential, job.graphBaseUrl);
  // a running bot has a token and a connection already: get both before the clock starts
  await graph.call('GET', '/organization?$select=id');
  send({ type: 'warm' });
  const go = await nextMessage();
  if (go.type !== 'go') throw new Error(`expected go, got ${go.type}`);

  const memory = new MemorySampler();
  const started = performance.now();
  let result: WorkerResult;
  if (job.mode === 'bulk') {
    // when each user got its outcome, for the rate late in the run
    const doneAt = new Float64Array(job.userIds.length);
    let done = 0;
    const run = await runBulkRevoke({
      userIds: job.userIds,
      transport: graphBatchTransport(graph),
      limits: job.limits,
      concurrency: job.concurrency,
      onOutcome: () => {
        if (done < doneAt.length) doneAt[done++] = performance.now() - started;
      },
      onProgress: (progress) => send({ type: 'progress', progress }),
    });
    const wallMs = performance.now() - started;
    memory.stop();
    result = {
      users: job.userIds.length,
      wallMs,
      ...tally(run.outcomes),
      throttled: run.progress.throttled,
      lateRate: lateRate(doneAt.subarray(0, done)),
      ...memoryFigures(memory),
    };
  } else {
    const outcomes: TargetOutcome[] = [];
    for (const userId of job.userIds) {
      try {
        outcomes.push(await revokeUserSessions(graph, userId));
      } catch (err) {
        const e = err instanceof GraphCallError ? err : undefined;
        outcomes.push({ userId, kind: 'failed', code: e?.code, message: String(err) });
      }
    }
    const wallMs = performance.now() - started;
    memory.stop();
    result = { users: job.userIds.length, wallMs, ...tally(outcomes), ...memoryFigures(memory) };
  }
  send({ type: 'result', result });
  process.disconnect();
}

/**
 * Users per second from the 70th to the 95th percentile outcome: late enough that the budget's
 * starting credit is spent in a 10,000-user run, early enough to leave out the wind-down (the last
 * batches carry only reads, twice as many users each). The sustained rate the pacer settles at.
 */
function lateRate(doneAt: Float64Array): number | undefined {
  if (doneAt.length < 20) return undefined;
  const from = Math.floor(doneAt.length * 0.7);
  const to = Math.floor(doneAt.length * 0.95);
  const span = doneAt[to] - doneAt[from];
  return span > 0 ? ((to - from) * 1000) / span : undefined;
}

function memoryFigures(
  m: MemorySampler,
): Pick<
  WorkerResult,
  'baselineRss' | 'peakRss' | 'baselineHeapUsed' | 'peakHeapUsed' | 'peakHeapTotal' | 'samples' | 'maxRss'
> {
  return {
    baselineRss: m.baselineRss,
    peakRss: m.peakRss,
    baselineHeapUsed: m.baselineHeapUsed,
    peakHeapUsed: m.peakHeapUsed,
    peakHeapTotal: m.peakHeapTotal,
    samples: m.samples,
    // the kernel's high-water mark (KiB on Linux), which no 100 ms sample can miss
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

main().catch((err: unknown) => {
  if (process.send)
    send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  else console.error(err);
  process.exitCode = 1;
  process.disconnect?.();
});
