import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildHistory } from '../src/domain/history';
import { outcomesToCsv } from '../src/domain/outcomesCsv';
import type { DirectoryUser, SignoutRequest } from '../src/domain/types';
import { AuditLog, toJsonLines } from '../src/store/auditLog';
import { recentHistory } from '../src/domain/recentHistory';
import { renderHistoryCard } from '../src/cards/history';
import { type NewAuditEntry } from '../src/domain/audit';
import { endAuditEntries } from '../src/domain/outcomeAudit';
import { requestedLines } from '../src/domain/requestedAudit';

/**
 * `npm run bench` (second part): what the bot does with its records after a big job, on this machine's
 * disk. Prints figures, asserts nothing.
 *
 *   node dist/bench/records.js [--users 10000] [--dir DIR]
 *
 * - the audit entries of one job's outcomes: one fsynced append per user, against one appendMany;
 * - `history 50` and `history <user> 50` over an audit log of a year of heavy use: the whole log read
 *   and parsed (HistoryService until issue 15), and read backwards until the answer is known, parsing
 *   only the lines that can matter to the user (a job's outcomes counted from its summary line);
 * - the outcomes CSV of one job (the summary card's download link).
 */

const USAGE = 'usage: node dist/bench/records.js [--users 10000] [--dir DIR]';
const MB = 1024 * 1024;

function parseArgs(argv: string[]): { users: number; dir: string } {
  const o = { users: 10_000, dir: os.tmpdir() };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--users' && Number.isInteger(Number(value)) && Number(value) > 0) o.users = Number(value);
    else if (flag === '--dir' && value) o.dir = value;
    else throw new Error(`${flag}: not understood\n${USAGE}`);
  }
  return o;
}

const user = (i: number): DirectoryUser => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  displayName: `User ${i}`,
  userPrincipalName: `user${i}@contoso.com`,
  userType: 'Member',
});

const outcomeEntry = (requestId: string, u: DirectoryUser): NewAuditEntry => ({
  event: 'revoked',
  tenantId: 'contoso',
  requestId,
  actor: { id: 'admin', name: 'Ada Admin' },
  targets: [{ id: u.id, upn: u.userPrincipalName }],
  outcome: 'revoked',
  graphRequestIds: ['9f0c4d3e-7f5b-4a5e-9b5e-2d6c8a1b0c3d'],
  detail: 'validFrom 2026-11-23T12:00:00Z',
});

/**
 * A job as the audit log holds it: the request with every target, the confirmation a minute later, and
 * its end as the bot writes it (endAuditEntries: one outcome line per user, then for several users the
 * job's summary) when the job ends (one minute per 1,000 users), stamped from `at` (ms).
 */
function bulkJob(
  requestId: string,
  users: DirectoryUser[],
  at = Date.now(),
  { split = true }: { split?: boolean } = {},
): NewAuditEntry[] {
  const stamp = (ms: number) => new Date(at + ms).toISOString();
  const done = stamp(60_000 + 60 * users.length);
  const admin = { id: 'admin', name: 'Ada Admin' };
  const job: SignoutRequest = {
    id: requestId,
    tenantId: 'contoso',
    status: 'done',
    createdAt: stamp(0),
    expiresAt: stamp(15 * 60_000),
    requester: admin,
    confirmedBy: { id: 'bob', name: 'Bob Boss' },
    reason: 'tenant migration',
    targets: users,
    conversation: { reference: {} },
    outcomes: users.map((u) => ({
      userId: u.id,
      kind: 'revoked',
      requestId: '9f0c4d3e-7f5b-4a5e-9b5e-2d6c8a1b0c3d',
      validFrom: '2026-11-23T12:00:00Z',
    })),
  };
  const requested: NewAuditEntry = {
    at: stamp(0),
    event: 'requested',
    tenantId: 'contoso',
    requestId,
    actor: admin,
    targets: users.map((u) => ({ id: u.id, upn: u.userPrincipalName, name: u.displayName })),
    reason: 'tenant migration',
    source: users.length > 1 ? 'all' : users[0].userPrincipalName,
    block: false,
  };
  return [
    // as the bot writes it (requestedLines), or as it did before: all targets on one line
    ...(split ? requestedLines(requested).map((e) => ({ at: stamp(0), ...e })) : [requested]),
    {
      at: stamp(60_000),
      event: 'confirmed',
      tenantId: 'contoso',
      requestId,
      actor: { id: 'bob', name: 'Bob Boss' },
    },
    ...endAuditEntries(job).map((e) => ({ at: done, ...e })),
  ];
}

/**
 * A year of heavy use: twelve jobs of `users` (one a month) and 20,000 single sign-outs (one every 26
 * minutes), in time order as the bot appends them. `split`: requests written as the bot writes them now.
 */
async function writeYear(file: string, users: DirectoryUser[], split: boolean): Promise<string> {
  const handle = await fs.open(file, 'w');
  const yearAgo = Date.now() - 365 * 24 * 3600_000;
  const month = (365 * 24 * 3600_000) / 12;
  const singleEvery = (365 * 24 * 3600_000) / 20_000;
  let job = 0;
  for (let n = 0; n < 20_000; n += 1000) {
    const entries: NewAuditEntry[] = [];
    for (let i = n; i < n + 1000; i++) {
      const at = yearAgo + i * singleEvery;
      if (job < 12 && yearAgo + job * month <= at) {
        entries.push(...bulkJob(`job-${job}`, users, yearAgo + job * month, { split }));
        job++;
      }
      entries.push(...bulkJob(`single-${i}`, [users[i % users.length]], at));
    }
    await handle.write(toJsonLines(entries, Date.now()));
  }
  await handle.close();
  const size = (await fs.stat(file)).size;
  const lines = (await fs.readFile(file, 'utf8')).split('\n').length - 1;
  return `${lines.toLocaleString('en-US')} lines, ${(size / MB).toFixed(0)} MB`;
}

/** The first run (a process that has not run it yet), and the median of `more` runs after it. */
async function firstAndMedian(run: () => Promise<unknown>, more = 5): Promise<string> {
  const first = await timed(run);
  const times: number[] = [];
  for (let i = 0; i < more; i++) times.push((await timed(run)).ms);
  times.sort((a, b) => a - b);
  return `${fmt(first.ms)} / ${fmt(times[Math.floor(times.length / 2)])}`;
}

async function timed<T>(run: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await run();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const dir = await fs.mkdtemp(path.join(o.dir, 'signout-bench-records-'));
  const users = Array.from({ length: o.users }, (_, i) => user(i));
  const rows: string[][] = [];
  try {
    console.log('Sign-out Bot records benchmark (figures only, nothing asserted)');
    console.log(`  date          ${new Date().toISOString()}`);
    console.log(
      `  machine       ${os.cpus().length}× ${os.cpus()[0]?.model.trim()}, Node ${process.version}`,
    );
    console.log(`  disk          ${dir}`);
    console.log('');

    const outcomes = users.map((u) => outcomeEntry('job', u));
    const one = await new AuditLog(path.join(dir, 'one-by-one.jsonl')).init();
    const each = await timed(async () => {
      for (const e of outcomes) await one.append(e);
    });
    rows.push([`audit ${o.users} outcomes, one append each`, fmt(each.ms), `${o.users} fsyncs`]);
    const many = await new AuditLog(path.join(dir, 'many.jsonl')).init();
    const batch = await timed(() => many.appendMany(outcomes));
    rows.push([`audit ${o.users} outcomes, appendMany`, fmt(batch.ms), '1 fsync']);

    const log = path.join(dir, 'audit.jsonl');
    const note = `${await writeYear(log, users, true)}: 12 jobs, 20,000 singles`;
    const audit = await new AuditLog(log).init();
    // init() starts indexing in the background, as the bot does at its start after an upgrade
    const indexed = await timed(() => audit.index.settled());
    const indexNote = async (a: AuditLog) =>
      `${(await a.index.usable(Infinity)).length} segments, index ${((await fs.stat(a.index.file)).size / MB).toFixed(2)} MB`;
    rows.push([
      'audit index built for the whole log (once, in the background)',
      fmt(indexed.ms),
      await indexNote(audit),
    ]);
    const whole = await timed(async () => {
      const items = buildHistory(await audit.readAll(), {
        user: [users[7].id, users[7].userPrincipalName],
        count: 50,
      });
      return renderHistoryCard(items, { title: 'Last 50 actions' });
    });
    rows.push([`history <user> 50, whole log parsed (before issue 15)`, fmt(whole.ms), note]);
    const history =
      (a: AuditLog, user?: DirectoryUser, { index = true } = {}) =>
      async () => {
        const about = user ? [user.id, user.userPrincipalName] : undefined;
        const items = await recentHistory(a.readNewestFirst(index ? about : undefined), {
          user: about,
          count: 50,
        });
        return renderHistoryCard(items, { title: 'Last 50 actions' });
      };
    const HOW = 'first run / median of the next 5';
    rows.push([
      `history 50, read backwards`,
      await firstAndMedian(history(audit)),
      `stops once the last 50 actions are known; ${HOW}`,
    ]);
    rows.push([
      `history <user> 50, whole log read backwards (no index)`,
      await firstAndMedian(history(audit, users[7], { index: false })),
      'the user has 14 actions in the year: every line is read, the 12 jobs counted from their summaries',
    ]);
    rows.push([
      `history <user> 50, with the index`,
      await firstAndMedian(history(audit, users[7])),
      'the same 14 actions: only the segments that may name the user or their requests are read',
    ]);
    rows.push([
      `history <user> 50 (user of the last single), with the index`,
      await firstAndMedian(history(audit, users[o.users - 1])),
      `2 singles and 12 jobs, named on a \`targeted\` line of each`,
    ]);
    rows.push([
      `history <user> 50, a user the log never names, with the index`,
      await firstAndMedian(history(audit, user(o.users))),
      'only segments whose filter answers a false "maybe"',
    ]);
    const appended = await timed(async () => {
      await audit.appendMany(bulkJob('job-13', users));
      await audit.index.settled();
    });
    rows.push([
      `appendMany of a ${o.users}-user job, then its index`,
      fmt(appended.ms),
      'the index is extended in the background after each append',
    ]);

    // the same year as the bot wrote it before requests were split: one line names all 10,000 targets
    const oldLog = path.join(dir, 'audit-unsplit.jsonl');
    const oldNote = await writeYear(oldLog, users, false);
    const old = await new AuditLog(oldLog).init();
    const oldIndexed = await timed(() => old.index.settled());
    rows.push([
      `the same year written before requests were split: index built`,
      fmt(oldIndexed.ms),
      `${oldNote}; ${await indexNote(old)}`,
    ]);
    rows.push([
      `  history <user> 50, with the index`,
      await firstAndMedian(history(old, users[7])),
      "each job's request line of 10,000 targets (0.9 MB) is parsed",
    ]);
    rows.push([`  history 50, read backwards`, await firstAndMedian(history(old)), HOW]);

    const request: SignoutRequest = {
      id: 'job',
      tenantId: 'contoso',
      status: 'done',
      createdAt: '2026-11-23T12:00:00Z',
      expiresAt: '2026-11-23T12:15:00Z',
      requester: { id: 'admin', name: 'Ada Admin' },
      reason: '',
      targets: users,
      conversation: { reference: {} },
      outcomes: users.map((u) => ({ userId: u.id, kind: 'revoked', validFrom: '2026-11-23T12:00:00Z' })),
    };
    const csv = await timed(() => outcomesToCsv(request));
    rows.push([
      `outcomes CSV of ${o.users} users`,
      fmt(csv.ms),
      `${(Buffer.byteLength(csv.value) / MB).toFixed(1)} MB`,
    ]);

    printTable(['what', 'ms', 'note'], rows);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const fmt = (ms: number) => ms.toFixed(ms < 10 ? 1 : 0);

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const row = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  console.log(row(header));
  console.log(`|${widths.map((w, i) => (i === 1 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
  for (const r of rows) console.log(row(r));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
