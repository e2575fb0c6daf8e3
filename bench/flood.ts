import { gzipSync } from 'node:zlib';
import {
  channelMessage,
  closedLoop,
  loadAverage,
  percentile,
  postJson,
  printHeader,
  printTable,
  rssMb,
  startTargets,
} from './loadHarness';

/**
 * `npm run bench -- flood`: hostile bodies at the bot in local mode. 1,000 posts (20 senders at once)
 * of malformed, oversized, deeply nested and otherwise wrong bodies; prints the answers by status,
 * whether the bot still answers, and its resident memory before (after a warm-up of `help`), right
 * after the flood, and after another round of `help`. Nothing is asserted.
 *
 *   node dist/bench/flood.js [--bodies 1000] [--seconds 5]
 */

const KIB = 1024;

/** One hostile body of each kind, by name: [content type, body, extra headers]. */
function hostileBodies(
  valid: object,
): [name: string, type: string, body: string | Buffer, headers?: object][] {
  const json = JSON.stringify(valid);
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  return [
    ['truncated JSON', 'application/json', json.slice(0, json.length / 2)],
    ['not JSON at all', 'application/json', '\u0000\u00ff<xml>'.repeat(50)],
    [
      'oversized (declared length)',
      'application/json',
      `{"type":"message","text":"${'x'.repeat(300 * KIB)}"}`,
    ],
    ['oversized (chunked, no length)', 'application/json', 'chunked'],
    ['deeply nested array', 'application/json', `{"type":"message","value":${nested(100_000)}}`],
    ['deeply nested object', 'application/json', `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`],
    ['an array, not an activity', 'application/json', '[1,2,3]'],
    [
      'an activity without a serviceUrl',
      'application/json',
      JSON.stringify({ ...valid, serviceUrl: undefined }),
    ],
    ['text as an object', 'application/json', JSON.stringify({ ...valid, text: { $ne: 1 } })],
    ['another channel', 'application/json', JSON.stringify({ ...valid, channelId: 'slack' })],
    ['text/plain', 'text/plain', json],
    ['gzip', 'application/json', gzipSync(Buffer.from(json)), { 'Content-Encoding': 'gzip' }],
    ['prototype keys', 'application/json', `{"__proto__":{"type":"message"},"constructor":{"prototype":{}}}`],
  ];
}

/** A body sent without a Content-Length, in 16 KiB chunks. */
function chunked(bytes: number): ReadableStream<Uint8Array> {
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const n = Math.min(16 * KIB, left);
      left -= n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const bodies = Number(args[args.indexOf('--bodies') + 1]) || 1000;
  const seconds = Number(args[args.indexOf('--seconds') + 1]) || 5;
  printHeader('Sign-out Bot under a hostile flood');
  console.log(
    `  flood         ${bodies} bodies from 20 senders at once; help rounds of ${seconds} s before and after`,
  );
  console.log('');
  const t = await startTargets(20);
  const { sb } = t;
  try {
    const help = () =>
      closedLoop(20, { seconds }, () => postJson(sb.botUrl, JSON.stringify(channelMessage(sb, 'help'))));
    const rss: [string, number, string][] = [['started', rssMb(sb.pid()), loadAverage()]];
    const before = await help();
    rss.push([`after ${before.sent} help (plateau)`, rssMb(sb.pid()), loadAverage()]);

    const kinds = hostileBodies(channelMessage(sb, 'help'));
    const byKind = new Map<string, Map<number | string, number>>();
    const flood = await closedLoop(
      20,
      { total: bodies },
      async (n) => {
        const [name, type, body, headers] = kinds[n % kinds.length];
        const res = await fetch(`${sb.botUrl}/api/messages`, {
          method: 'POST',
          headers: { 'Content-Type': type, ...(headers ?? {}) },
          ...(body === 'chunked' ? { body: chunked(300 * KIB), duplex: 'half' } : { body }),
        } as RequestInit).catch((err: unknown) => ({
          status: (err as { cause?: { code?: string } }).cause?.code ?? 'failed',
          text: async () => '',
        }));
        await res.text();
        const statuses = byKind.get(name) ?? byKind.set(name, new Map()).get(name)!;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        return typeof res.status === 'number' ? res.status : 599;
      },
      (s) => s < 400 || s >= 500,
    );
    rss.push(['right after the flood', rssMb(sb.pid()), loadAverage()]);
    const health = await fetch(`${sb.botUrl}/healthz`).then(
      (r) => r.status,
      () => 'unreachable',
    );
    const after = await help();
    rss.push([`after ${after.sent} more help`, rssMb(sb.pid()), loadAverage()]);

    printTable(
      ['body', 'answers'],
      [...byKind].map(([name, statuses]) => [name, [...statuses].map(([s, n]) => `${n} × ${s}`).join(', ')]),
    );
    console.log('');
    console.log(
      `  bodies sent ${flood.sent}; answers not 4xx: ${flood.errors}; p99 ${percentile(flood.latencies, 99).toFixed(1)} ms`,
    );
    console.log(
      `  /healthz afterwards: ${health}; help afterwards: ${after.sent} messages, ${after.errors} errors`,
    );
    console.log('');
    printTable(
      ['bot', 'RSS MB', 'load'],
      rss.map(([what, mb, load]) => [what, mb.toFixed(1), load]),
    );
  } finally {
    await t.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
