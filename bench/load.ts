import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  channelMessage,
  heapSummary,
  closedLoop,
  deployedNodeOptions,
  loadAverage,
  type LoopResult,
  percentile,
  postJson,
  printHeader,
  printTable,
  rssMb,
  startTargets,
} from './loadHarness';
import { SAMPLE } from '../test/support/tenantFixture';

/**
 * `npm run bench -- load`: the message path under load. Closed-loop senders post `help` and
 * `status <user>` (one Graph read, the stand-in holding each request 20 ms) to the bot in local mode,
 * and `help` to a bare teams-ai bot on the same restify stack, round after round; prints messages/s,
 * p50/p95/p99, errors and both processes' resident memory after every round. Nothing is asserted.
 *
 *   node dist/bench/load.js [--rounds 6] [--seconds 5] [--senders 20] [--heap-snapshot]
 *                           [--bot-node-options '--max-old-space-size=96']
 *
 * Both bots run as deployed: plain `node`, with the NODE_OPTIONS app setting of infra/azure.bicep.
 * --heap-snapshot starts the bot with --heapsnapshot-signal and prints what its heap holds after the
 * last round, by constructor; --bot-node-options adds node options to the bot's command line only (for
 * example --cpu-prof, or another heap limit, which overrides NODE_OPTIONS).
 *
 * An error is an HTTP answer other than 2xx, a failed request, or a message the connector stand-in got
 * no reply for (a failed turn still answers 200).
 */

interface Options {
  rounds: number;
  seconds: number;
  senders: number;
  heapSnapshot: boolean;
  botNodeOptions?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 6, seconds: 5, senders: 20, heapSnapshot: false };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--heap-snapshot') {
      o.heapSnapshot = true;
      i--;
      continue;
    }
    if (argv[i] === '--bot-node-options') {
      o.botNodeOptions = argv[i + 1];
      continue;
    }
    const [flag, value] = [argv[i], Number(argv[i + 1])];
    if (!(value > 0)) throw new Error(`${argv[i]} needs a positive number`);
    if (flag === '--rounds') o.rounds = value;
    else if (flag === '--seconds') o.seconds = value;
    else if (flag === '--senders') o.senders = value;
    else throw new Error(`unknown argument ${flag}`);
  }
  return o;
}

type Kind = 'bot help' | 'bare help' | 'bot status';

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  printHeader('Sign-out Bot message path under load');
  console.log(
    `  load shape    ${o.senders} closed-loop senders, ${o.rounds} rounds of ${o.seconds} s per kind`,
  );
  console.log('  graph         stand-in, 20 ms per request; bot in LOCAL_MODE, file store');
  const snapshotDir = o.heapSnapshot ? fs.mkdtempSync(path.join(os.tmpdir(), 'signout-heap-')) : undefined;
  const nodeOptions = [
    o.botNodeOptions,
    snapshotDir ? `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  console.log(`  both bots     NODE_OPTIONS=${deployedNodeOptions()} (infra/azure.bicep), no source maps`);
  if (nodeOptions) console.log(`  bot also      node ${nodeOptions} (command line)`);
  console.log('');
  const t = await startTargets(20, nodeOptions || undefined);
  let heap: ReturnType<typeof heapSummary> | undefined;
  const { sb, bare } = t;
  const connector = sb.connector!;
  const all = new Map<Kind, LoopResult[]>();
  const rss: { round: number; bot: number; bare: number; load: string }[] = [
    { round: 0, bot: rssMb(sb.pid()), bare: rssMb(bare.pid), load: loadAverage() },
  ];
  try {
    const run = async (kind: Kind, url: string, text: string) => {
      connector.clear();
      const r = await closedLoop(o.senders, { seconds: o.seconds }, (n) =>
        postJson(url, JSON.stringify(channelMessage(sb, text, n % 2 ? SAMPLE.admin : SAMPLE.secondAdmin))),
      );
      // every message gets exactly one reply: the rest are failed turns
      r.errors += Math.max(0, r.sent - connector.activities.length);
      connector.clear();
      (all.get(kind) ?? all.set(kind, []).get(kind)!).push(r);
      return r;
    };
    for (let round = 1; round <= o.rounds; round++) {
      for (const [kind, url, text] of [
        ['bare help', bare.url, 'help'],
        ['bot help', sb.botUrl, 'help'],
        ['bot status', sb.botUrl, `status ${SAMPLE.lester.upn}`],
      ] as const) {
        const r = await run(kind, url, text);
        console.log(
          `  round ${round} ${kind.padEnd(10)} ${(r.sent / r.seconds).toFixed(0).padStart(5)} msg/s  p99 ${percentile(r.latencies, 99).toFixed(1)} ms  errors ${r.errors}`,
        );
      }
      rss.push({ round, bot: rssMb(sb.pid()), bare: rssMb(bare.pid), load: loadAverage() });
    }
    if (snapshotDir) heap = await snapshot(sb.pid()!, snapshotDir);
  } finally {
    await t.stop();
  }

  console.log('');
  const rows: string[][] = [];
  for (const [kind, results] of all) {
    const lat = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const sent = results.reduce((n, r) => n + r.sent, 0);
    const seconds = results.reduce((n, r) => n + r.seconds, 0);
    const errors = results.reduce((n, r) => n + r.errors, 0);
    rows.push([
      kind,
      (sent / seconds).toFixed(0),
      percentile(lat, 50).toFixed(1),
      percentile(lat, 95).toFixed(1),
      percentile(lat, 99).toFixed(1),
      String(errors),
      String(sent),
    ]);
  }
  printTable(['kind', 'msg/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'messages'], rows);
  const p99 = (k: Kind) =>
    percentile(
      (all.get(k) ?? []).flatMap((r) => r.latencies).sort((a, b) => a - b),
      99,
    );
  console.log(`\n  help p99, bot ÷ bare: ${(p99('bot help') / p99('bare help')).toFixed(2)}×\n`);
  printTable(
    ['after round', 'bot RSS MB', 'bare RSS MB', 'load'],
    rss.map((r) => [String(r.round), r.bot.toFixed(1), r.bare.toFixed(1), r.load]),
  );
  if (heap) {
    console.log(
      `\n  the bot's heap after the last round: ${heap.total.toFixed(1)} MB live (a snapshot collects garbage first)\n`,
    );
    printTable(
      ['constructor', 'self MB', 'count'],
      heap.rows.map(([name, mb, count]) => [name, mb.toFixed(2), String(count)]),
    );
    console.log('');
    printTable(
      ['strings starting with', 'self MB', 'count'],
      heap.strings.map(([name, mb, count]) => [JSON.stringify(name), mb.toFixed(2), String(count)]),
    );
  }
}

/** Asks the bot for a heap snapshot and sums it up; the file is removed afterwards. */
async function snapshot(pid: number, dir: string): Promise<ReturnType<typeof heapSummary>> {
  process.kill(pid, 'SIGUSR2');
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const done = fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot'));
    // the file is written in pieces: read it once it parses
    if (done) {
      const file = path.join(dir, done);
      for (let tries = 0; ; tries++) {
        try {
          const summary = heapSummary(file);
          fs.rmSync(dir, { recursive: true, force: true });
          return summary;
        } catch (err) {
          if (tries > 120) throw err;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
