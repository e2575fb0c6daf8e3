import { type ChildProcess, fork } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONCURRENCY } from '../src/graph/bulk';
import { usersPerSecondCeiling, type ThrottleLimits } from '../src/graph/throttleLimits';
import { makeTestCertificate } from '../test/support/cert';
import {
  type FromWorker,
  ServerClient,
  type ServerConfig,
  type ServerReady,
  type ServerStats,
  type WorkerJob,
  type WorkerResult,
} from './protocol';

/**
 * `npm run bench`: the bulk sign-out against the Graph stand-in, with realistic latency and the
 * large-tenant throttle limits, time-compressed by a printed factor. Prints figures, asserts nothing.
 *
 *   node dist/bench/bulk.js [--users 1000,10000] [--factor 10] [--latency 80] [--jitter 20]
 *                           [--sample 200] [--concurrency N] [--batch-latency 1000-4000]
 *
 * Three processes: this one (certificate, orchestration, printing), bench/graphServer (Graph and
 * Entra stand-ins) and, fresh for every job, bench/worker (the bot's Graph code, whose memory is
 * measured), started after the certificate exists so that NODE_EXTRA_CA_CERTS makes it trust it.
 * docs/performance.md explains the method and records the figures.
 */

interface Options {
  users: number[];
  factor: number;
  latencyMs: number;
  jitterMs: number;
  sample: number;
  concurrency?: number;
  batchLatencyMs?: { min: number; max: number };
}

const USAGE =
  'usage: node dist/bench/bulk.js [--users 1000,10000] [--factor 10] [--latency 80] [--jitter 20] [--sample 200] [--concurrency N] [--batch-latency MIN-MAX]';
/** the scheduler's default; printed so the table says what ran */
const MB = 1024 * 1024;

function parseArgs(argv: string[]): Options {
  const o: Options = { users: [1000, 10_000], factor: 10, latencyMs: 80, jitterMs: 20, sample: 200 };
  const positive = (name: string, v: string | undefined, integer: boolean): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
      throw new Error(`${name} needs a positive ${integer ? 'whole ' : ''}number\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--users':
        o.users = (value ?? '').split(',').map((s) => positive('--users', s.trim(), true));
        break;
      case '--factor':
        o.factor = positive(flag, value, false);
        break;
      case '--latency':
        o.latencyMs = positive(flag, value, false);
        break;
      case '--jitter':
        o.jitterMs = Number(value);
        if (!(o.jitterMs >= 0 && o.jitterMs <= o.latencyMs))
          throw new Error(`--jitter needs a number from 0 to the latency\n${USAGE}`);
        break;
      case '--sample':
        o.sample = positive(flag, value, true);
        break;
      case '--concurrency':
        o.concurrency = positive(flag, value, true);
        break;
      case '--batch-latency': {
        const [min, max] = (value ?? '').split('-').map(Number);
        if (!(min >= 0 && max >= min)) throw new Error(`--batch-latency needs MIN-MAX in ms\n${USAGE}`);
        o.batchLatencyMs = { min, max };
        break;
      }
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
    i++;
  }
  return o;
}

const children = new Set<ChildProcess>();
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
process.once('exit', () => {
  for (const c of children) c.kill('SIGTERM');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

async function startServer(config: ServerConfig): Promise<{ server: ServerClient; ready: ServerReady }> {
  const child = track(
    fork(path.join(__dirname, 'graphServer.js'), [JSON.stringify(config)], { execArgv: [] }),
  );
  const server = new ServerClient(child);
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') resolve(m as ServerReady);
    });
    child.once('exit', (code) =>
      reject(new Error(`the stand-in process exited with ${code} before it was ready`)),
    );
  });
  return { server, ready };
}

/** One job in a fresh measuring process that trusts the test certificate. */
function runWorker(
  job: WorkerJob,
  certPath: string,
  server: ServerClient,
  label: string,
): Promise<WorkerResult> {
  const child = track(
    fork(path.join(__dirname, 'worker.js'), [], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath },
      execArgv: [],
    }),
  );
  return new Promise<WorkerResult>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      child.kill('SIGTERM');
      reject(err);
    };
    child.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'warm':
          // every job starts on a full throttle budget and zeroed counters
          server.ask({ cmd: 'reset' }).then(() => child.send({ type: 'go' }), fail);
          break;
        case 'progress': {
          const p = m.progress;
          const eta = p.etaMs === undefined ? '?' : `${Math.round(p.etaMs / 1000)} s`;
          console.log(
            `  ${label}: ${p.done}/${p.total} (${Math.floor((100 * p.done) / p.total)}%), ` +
              `${p.ratePerSecond.toFixed(1)} users/s, ${p.throttled} 429s, ETA ${eta}`,
          );
          break;
        }
        case 'result':
          settled = true;
          resolve(m.result);
          break;
        case 'error':
          fail(new Error(`${label} failed in the measuring process:\n${m.message}`));
          break;
      }
    });
    child.once('exit', (code, signal) =>
      fail(new Error(`${label}: the measuring process exited (${code ?? signal})`)),
    );
    child.send({ type: 'job', job });
  });
}

interface Row {
  users: number;
  bulk: WorkerResult;
  bulkStats: ServerStats;
  naive: WorkerResult;
  naiveStats: ServerStats;
  ceiling: number;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const mb = (bytes: number) => fmt(bytes / MB, 1);

function describeLimits(l: ThrottleLimits): string {
  return `${l.resourceUnits} RU per ${l.ruWindowMs / 1000} s, ${l.writes} writes per ${l.writeWindowMs / 1000} s`;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  // before any measuring process starts: NODE_EXTRA_CA_CERTS is read only at start-up
  const cert = makeTestCertificate();
  const totalUsers = o.users.reduce((a, b) => a + b, 0);
  const tenantUsers = 1 + totalUsers + o.sample * o.users.length;
  const { server, ready } = await startServer({
    tenantUsers,
    latencyMs: o.latencyMs,
    jitterMs: o.jitterMs,
    batchLatencyMs: o.batchLatencyMs,
    factor: o.factor,
    certPath: cert.certPath,
    keyPath: cert.keyPath,
  });

  const ceiling = usersPerSecondCeiling(ready.limits);
  const realCeiling = usersPerSecondCeiling(ready.uncompressedLimits);
  const cpus = os.cpus();
  console.log('Sign-out Bot bulk sign-out benchmark (figures only, nothing asserted)');
  console.log(`  date          ${new Date().toISOString()}`);
  console.log(
    `  machine       ${cpus.length} × ${cpus[0]?.model.trim() ?? '?'}, ${fmt(os.totalmem() / 1024 ** 3, 1)} GiB, ` +
      `${os.type()} ${os.release()}, Node ${process.version}`,
  );
  console.log(`  tenant        ${tenantUsers} users (largeTenant), stand-ins in their own process`);
  console.log(
    o.batchLatencyMs
      ? `  latency       ${o.latencyMs} ± ${o.jitterMs} ms per HTTP request; a $batch takes ${o.batchLatencyMs.min}–${o.batchLatencyMs.max} ms (uniform)`
      : `  latency       ${o.latencyMs} ± ${o.jitterMs} ms per HTTP request; a $batch of k items takes that × (1 + 0.1 k)`,
  );
  console.log(
    `  load          ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1, 5, 15 min)`,
  );
  console.log(`  limits        ${describeLimits(ready.uncompressedLimits)} (limitsForTenantSize)`);
  console.log(`  compression   ×${o.factor}: ${describeLimits(ready.limits)}`);
  console.log(
    `  ceiling       ${fmt(ceiling, 1)} users/s compressed (${fmt(realCeiling, 1)} users/s uncompressed), usersPerSecondCeiling`,
  );
  console.log(
    `  bulk client   GraphApi (maxRetries 0) + graphBatchTransport + runBulkRevoke, concurrency ${o.concurrency ?? `adaptive from ${DEFAULT_CONCURRENCY} (default)`}`,
  );
  console.log(
    `  naive client  revokeUserSessions one user at a time on a sample of ${o.sample} users, extrapolated`,
  );
  console.log('');

  const base = {
    graphBaseUrl: ready.graphBaseUrl,
    authorityHost: ready.authorityHost,
    tenantId: ready.tenantId,
    clientId: ready.clientId,
    clientSecret: ready.clientSecret,
    limits: ready.limits,
  };
  const rows: Row[] = [];
  let offset = 0;
  for (const n of o.users) {
    // distinct users for every job, so no run revokes a user another one already did
    const bulkFrom = offset;
    const sampleFrom = offset + n;
    offset += n + o.sample;

    console.log(`${n} users, bulk:`);
    const bulk = await runWorker(
      {
        ...base,
        mode: 'bulk',
        userIds: ready.userIds.slice(bulkFrom, bulkFrom + n),
        concurrency: o.concurrency,
      },
      cert.certPath,
      server,
      `bulk ${n}`,
    );
    const bulkStats = await server.ask({ cmd: 'stats', from: bulkFrom, to: bulkFrom + n });
    printRun('bulk', bulk, bulkStats, ceiling);

    console.log(`${n} users, naive sequential sample of ${o.sample}:`);
    const naive = await runWorker(
      { ...base, mode: 'naive', userIds: ready.userIds.slice(sampleFrom, sampleFrom + o.sample) },
      cert.certPath,
      server,
      `naive ${o.sample}`,
    );
    const naiveStats = await server.ask({ cmd: 'stats', from: sampleFrom, to: sampleFrom + o.sample });
    printRun('naive', naive, naiveStats, ceiling);
    const naiveRate = (naive.users * 1000) / naive.wallMs;
    console.log(
      `  extrapolated: ${n} users would take the naive client ${fmt(n / naiveRate, 0)} s; ` +
        `bulk is ×${fmt(rate(bulk) / naiveRate, 1)} faster`,
    );
    console.log('');
    rows.push({ users: n, bulk, bulkStats, naive, naiveStats, ceiling });
  }

  printTable(rows, o, ceiling);
  await server.ask({ cmd: 'stop' }).catch(() => undefined);
}

function rate(r: WorkerResult): number {
  return (r.users * 1000) / r.wallMs;
}

function printRun(kind: 'bulk' | 'naive', r: WorkerResult, s: ServerStats, ceiling: number): void {
  const users = rate(r);
  console.log(
    `  wall ${fmt(r.wallMs / 1000, 2)} s, ${fmt(users, 1)} users/s` +
      (kind === 'bulk'
        ? ` = ${fmt((100 * users) / ceiling, 1)}% of the ${fmt(ceiling, 1)} users/s ceiling`
        : ''),
  );
  if (r.lateRate !== undefined) {
    console.log(
      `  late in the run (70th to 95th percentile outcome): ${fmt(r.lateRate, 1)} users/s = ${fmt((100 * r.lateRate) / ceiling, 1)}% of the ceiling`,
    );
  }
  console.log(
    `  outcomes: ${r.revoked} revoked, ${r.skipped} skipped, ${r.failed} failed; ` +
      `stand-in: ${s.revokedUsers}/${r.users} users revoked by ${s.revokeCalls} revoke calls`,
  );
  const throttled =
    r.throttled === undefined ? 'the SDK retries them unseen' : `scheduler counted ${r.throttled}`;
  console.log(`  429s: stand-in sent ${s.throttled}, ${throttled}`);
  if (kind === 'bulk') {
    console.log(
      `  requests: ${s.batches} $batch carrying ${s.batchItems} items (${fmt(s.batchItems / Math.max(1, s.batches), 1)} per batch), ${s.singleRequests} single`,
    );
  } else {
    console.log(`  requests: ${s.singleRequests} single, ${s.batches} $batch`);
  }
  console.log(
    `  memory: RSS ${mb(r.baselineRss)} MB at start, peak ${mb(r.peakRss)} MB sampled (${r.samples} samples), ` +
      `${mb(r.maxRss)} MB kernel high-water; heap used ${mb(r.baselineHeapUsed)} → peak ${mb(r.peakHeapUsed)} MB ` +
      `(heap total peak ${mb(r.peakHeapTotal)} MB)`,
  );
  for (const f of r.failures)
    console.log(`  failed: ${f.userId} ${f.kind} ${f.code ?? ''} ${f.message ?? ''}`);
}

function printTable(rows: Row[], o: Options, ceiling: number): void {
  const header = [
    'users',
    'wall s',
    'users/s',
    '% ceiling',
    'late users/s',
    'late % ceiling',
    '429s sched/stand-in',
    'failed',
    'peak RSS MB',
    'peak heap MB',
    'naive users/s*',
    '× naive',
  ];
  const lines = rows.map((r) => {
    const naiveRate = rate(r.naive);
    const late = r.bulk.lateRate;
    return [
      String(r.users),
      fmt(r.bulk.wallMs / 1000, 1),
      fmt(rate(r.bulk), 1),
      `${fmt((100 * rate(r.bulk)) / ceiling, 1)}%`,
      late === undefined ? '-' : fmt(late, 1),
      late === undefined ? '-' : `${fmt((100 * late) / ceiling, 1)}%`,
      `${r.bulk.throttled ?? '-'}/${r.bulkStats.throttled}`,
      String(r.bulk.failed),
      mb(Math.max(r.bulk.peakRss, r.bulk.maxRss)),
      mb(r.bulk.peakHeapUsed),
      fmt(naiveRate, 2),
      fmt(rate(r.bulk) / naiveRate, 1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  console.log(
    `Summary (limits compressed ×${o.factor}, ceiling ${fmt(ceiling, 1)} users/s, latency ${o.latencyMs} ± ${o.jitterMs} ms${o.batchLatencyMs ? `, $batch ${o.batchLatencyMs.min}–${o.batchLatencyMs.max} ms` : ''})`,
  );
  console.log(row(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(row(l));
  console.log(
    `* naive: revokeUserSessions one user at a time, measured on a sample of ${o.sample} users in this run and extrapolated.`,
  );
  console.log(
    '  late: users/s from the 70th to the 95th percentile outcome, once the starting credit is spent (10,000 users).',
  );
  console.log(
    '  Peak RSS is the measuring process only (the larger of the 100 ms samples and the kernel high-water mark).',
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
  for (const c of children) c.kill('SIGTERM');
});
