import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBicep } from '../test/support/bicep';
import { repoRoot, type Sandbox, startSandbox } from '../test/support/sandbox';
import { messageActivity, type TeamsActivity } from '../test/support/teamsActivity';
import { SAMPLE } from '../test/support/tenantFixture';

/**
 * What bench/load.ts and bench/flood.ts share: the bot in local mode against the stand-ins (Graph held
 * 20 ms per request), the bare teams-ai bot beside it, closed-loop senders, and memory samples.
 */

export const MB = 1024 * 1024;

export interface Targets {
  sb: Sandbox;
  bare: { url: string; pid: number; child: ChildProcess };
  stop(): Promise<void>;
}

/**
 * Both bots run as App Service runs the bot: plain `node` (`npm start`: no source maps) with the
 * NODE_OPTIONS of infra/azure.bicep. `botNodeOptions` go on the bot's node command line (where a flag
 * overrides NODE_OPTIONS, and where --cpu-prof is allowed).
 */
export async function startTargets(graphLatencyMs = 20, botNodeOptions?: string): Promise<Targets> {
  const deployed = deployedNodeOptions();
  const sb = await startSandbox({
    graph: { latencyMs: graphLatencyMs },
    env: { LOG_LEVEL: 'warn', NODE_OPTIONS: deployed },
    nodeArgs: botNodeOptions?.split(/\s+/).filter(Boolean) ?? [],
  });
  const child = spawn(process.execPath, [path.join(__dirname, 'bareBot.js'), '0'], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: sb.env.NODE_EXTRA_CA_CERTS, NODE_OPTIONS: deployed },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /listening (\S+)/.exec(String(d));
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the bare bot exited with ${code}`)));
  });
  return {
    sb,
    bare: { url, pid: child.pid!, child },
    async stop() {
      child.kill('SIGTERM');
      await sb.stop();
    },
  };
}

/** The NODE_OPTIONS app setting of infra/azure.bicep: how the deployed bot's node is started. */
export function deployedNodeOptions(): string {
  const bicep = readBicep(fs.readFileSync(path.join(repoRoot(), 'infra', 'azure.bicep'), 'utf8'));
  const value = /^'([^']*)'$/.exec(bicep.appSettings.get('NODE_OPTIONS') ?? '')?.[1];
  if (value === undefined) throw new Error('infra/azure.bicep sets no literal NODE_OPTIONS app setting');
  return value;
}

/** Resident memory of a process, from /proc (Linux). */
export function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export function channelMessage(sb: Sandbox, text: string, from = SAMPLE.admin): TeamsActivity {
  return messageActivity({
    text,
    from: { aadObjectId: from.id, name: from.name },
    tenantId: SAMPLE.tenantId,
    serviceUrl: sb.serviceUrl!,
  });
}

export interface LoopResult {
  sent: number;
  errors: number;
  /** ms per message, sorted */
  latencies: number[];
  seconds: number;
  statuses: Map<number | string, number>;
}

/**
 * `senders` loops that each post, wait for the answer, and post again, for `seconds` or until `total`
 * posts have been made. `post` returns the HTTP status (or throws: counted as an error).
 */
export async function closedLoop(
  senders: number,
  o: { seconds?: number; total?: number },
  post: (n: number) => Promise<number>,
  isError: (status: number) => boolean = (s) => s >= 300,
): Promise<LoopResult> {
  const latencies: number[] = [];
  const statuses = new Map<number | string, number>();
  let errors = 0;
  let n = 0;
  const started = performance.now();
  const until = o.seconds === undefined ? Infinity : started + o.seconds * 1000;
  const more = () => performance.now() < until && (o.total === undefined || n < o.total);
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (more()) {
        const i = n++;
        const t = performance.now();
        let status: number | string;
        try {
          status = await post(i);
          if (isError(status)) errors++;
        } catch (err) {
          status = (err as { cause?: { code?: string } })?.cause?.code ?? 'error';
          errors++;
        }
        latencies.push(performance.now() - t);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { sent: n, errors, latencies, seconds: (performance.now() - started) / 1000, statuses };
}

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function printHeader(title: string): void {
  const cpus = os.cpus();
  console.log(`${title} (figures only, nothing asserted)`);
  console.log(`  date          ${new Date().toISOString()}`);
  console.log(
    `  machine       ${cpus.length} × ${cpus[0]?.model.trim() ?? '?'}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB, ` +
      `${os.type()} ${os.release()}, Node ${process.version}`,
  );
  console.log(`  load          ${loadAverage()} (1, 5, 15 min; the machine is shared)`);
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const row = (cells: string[]) =>
    `| ${cells.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  console.log(row(header));
  console.log(`|${widths.map((w, i) => (i ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
  for (const r of rows) console.log(row(r));
}

/**
 * A heap snapshot (written by the process on SIGUSR2, started with --heapsnapshot-signal) summed by
 * constructor: the largest self sizes, in MB, and the total.
 */
export function heapSummary(
  file: string,
  top = 12,
): { total: number; rows: [string, number, number][]; strings: [string, number, number][] } {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const [TYPE, NAME, SIZE] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const types = snap.snapshot.meta.node_types[0];
  const by = new Map<string, [number, number]>();
  // strings by how they start (digits and hex folded), to tell keys, log lines and sources apart
  const strings = new Map<string, [number, number]>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + TYPE]];
    const name = type === 'object' || type === 'closure' ? snap.strings[snap.nodes[i + NAME]] : `(${type})`;
    const size = snap.nodes[i + SIZE];
    total += size;
    const a = by.get(name) ?? [0, 0];
    a[0] += size;
    a[1]++;
    by.set(name, a);
    if (type === 'string' || type === 'concatenated string') {
      const text = snap.strings[snap.nodes[i + NAME]] ?? '';
      const key = text
        .slice(0, 40)
        .replace(/[0-9a-f]{4,}|\d+/g, '#')
        .replace(/\s+/g, ' ');
      const b = strings.get(key) ?? [0, 0];
      b[0] += size;
      b[1]++;
      strings.set(key, b);
    }
  }
  const topOf = (m: Map<string, [number, number]>) =>
    [...m]
      .sort((a, b) => b[1][0] - a[1][0])
      .slice(0, top)
      .map(([name, [size, count]]) => [name.slice(0, 60), size / MB, count] as [string, number, number]);
  return { total: total / MB, rows: topOf(by), strings: topOf(strings) };
}
