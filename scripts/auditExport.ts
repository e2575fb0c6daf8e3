/**
 * Exports the audit log as CSV for auditors:
 *
 *   npm run audit:export -- --since 2026-11-01 [--until 2026-11-30] [--data-dir DIR] [--bom] > audit.csv
 *
 * Reads the log where the bot keeps it, line by line, so a log of any size streams through in constant
 * memory, and writes RFC 4180 CSV to stdout (columns and formula-injection guard: src/domain/auditCsv.ts).
 * Progress notes and problems go to stderr. The log is:
 * - DATA_DIR/audit.jsonl, with DATA_DIR from --data-dir, else the environment, else ./data;
 * - with STORAGE_BACKEND=blob in the environment and no --data-dir, the append blobs in the container
 *   (AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_CONTAINER_NAME), segment after segment.
 *
 * - `--since` is inclusive, `--until` exclusive; a bare date is midnight UTC, and a bare `--until` date
 *   includes that whole day. Times without a zone are UTC, as everywhere in the audit log.
 * - A torn last line (the bot crashed mid-append) is skipped with a note. A damaged line anywhere else is
 *   skipped with a warning naming its line number, and the exit code is 1, so a script notices.
 * - `--bom` starts the file with a UTF-8 byte-order mark, which Excel needs to read non-ASCII names.
 *
 * Exit codes: 0 done, 1 the log is missing, unreadable or has damaged lines, 2 bad arguments.
 */
import { createReadStream, fstatSync, ftruncateSync, readFileSync, writeSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Writable } from 'node:stream';
import { ContainerClient } from '@azure/storage-blob';
import { DEFAULT_CONTAINER_NAME } from '../src/config';
import { auditCsvHeader, auditCsvRow, UTF8_BOM } from '../src/domain/auditCsv';
import { originAndPath, redactSecrets } from '../src/domain/redact';
import { BlobAuditLog } from '../src/store/blobAuditLog';
import { parseInstant } from '../src/domain/timeFormat';
import type { AuditEntry } from '../src/domain/audit';

export const USAGE =
  'Usage: npm run audit:export -- [--since YYYY-MM-DD|ISO-TIME] [--until YYYY-MM-DD|ISO-TIME] [--data-dir DIR] [--bom] > audit.csv';

export class UsageError extends Error {}

/** Where the audit log is read from. */
export type AuditSource =
  { kind: 'file'; dataDir: string } | { kind: 'blob'; connectionString: string; containerName: string };

export interface ExportOptions {
  since?: Date;
  until?: Date;
  source: AuditSource;
  bom: boolean;
  help: boolean;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A `--since`/`--until` value as an instant; a bare `--until` date means the end of that day. */
export function parseBound(flag: '--since' | '--until', value: string): Date {
  const v = value.trim();
  let at: Date;
  try {
    at = parseInstant(v);
  } catch {
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} is not a date. Give a date such as 2026-11-01, or an ISO 8601 time such as 2026-11-01T08:00:00Z.`,
    );
  }
  return flag === '--until' && DATE_ONLY.test(v) ? new Date(at.getTime() + DAY_MS) : at;
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ExportOptions {
  const o: ExportOptions = { source: sourceFromEnv(env), bom: false, help: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (name !== arg) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw new UsageError(`${name} needs a value.`);
      i++;
      return next;
    };
    if (['--since', '--until', '--data-dir'].includes(name)) {
      if (seen.has(name)) throw new UsageError(`${name} is given twice.`);
      seen.add(name);
    }
    switch (name) {
      case '--since':
        o.since = parseBound('--since', value());
        break;
      case '--until':
        o.until = parseBound('--until', value());
        break;
      case '--data-dir': {
        const dir = value().trim();
        if (!dir) throw new UsageError('--data-dir needs a folder.');
        o.source = { kind: 'file', dataDir: dir };
        break;
      }
      case '--bom':
        o.bom = true;
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new UsageError(`Unknown argument ${JSON.stringify(arg)}.`);
    }
  }
  if (o.since && o.until && o.since.getTime() >= o.until.getTime())
    throw new UsageError('--since must be before --until.');
  if (o.source.kind === 'blob' && !o.source.connectionString)
    throw new UsageError(
      'STORAGE_BACKEND is blob, but AZURE_STORAGE_CONNECTION_STRING is not set. Set it, or give --data-dir.',
    );
  return o;
}

/** The bot's own settings say where its log is. */
function sourceFromEnv(env: NodeJS.ProcessEnv): AuditSource {
  if (env.STORAGE_BACKEND?.trim() === 'blob') {
    return {
      kind: 'blob',
      connectionString: env.AZURE_STORAGE_CONNECTION_STRING?.trim() ?? '',
      containerName: env.AZURE_STORAGE_CONTAINER_NAME?.trim() || DEFAULT_CONTAINER_NAME,
    };
  }
  return { kind: 'file', dataDir: env.DATA_DIR?.trim() || './data' };
}

/** The log's bytes and a name for it in messages, or why it cannot be read. */
async function openLog(
  source: AuditSource,
): Promise<{ name: string; bytes: AsyncIterable<Buffer> } | string> {
  if (source.kind === 'blob') {
    const container = new ContainerClient(source.connectionString, source.containerName);
    // container.url carries a SAS connection string's token in its query: origin and path only
    const name = `container ${originAndPath(container.url)}`;
    try {
      const log = new BlobAuditLog(container);
      if (!(await log.exists())) return `no audit log in ${name}. Check AZURE_STORAGE_CONTAINER_NAME.`;
      return { name, bytes: log.bytes() };
    } catch (err) {
      if ((err as { statusCode?: unknown }).statusCode === 404)
        return `no audit log in ${name}: there is no such container. Check AZURE_STORAGE_CONTAINER_NAME.`;
      return `cannot read ${name}: ${redactSecrets((err as Error).message.split('\n')[0])}`;
    }
  }
  const file = path.resolve(source.dataDir, 'audit.jsonl');
  try {
    if (!(await stat(file)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT'
      ? `no audit log at ${file}. Point --data-dir (or DATA_DIR) at the bot's data folder.`
      : `cannot read ${file}: ${(err as Error).message}`;
  }
  return { name: file, bytes: createReadStream(file) };
}

/**
 * Runs the export; returns the exit code instead of exiting, so tests can call it in-process.
 * `stdout` receives the CSV only; everything for people goes to `stderr`.
 */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  stdout: Writable,
  stderr: Writable = process.stderr,
): Promise<number> {
  const say = (line: string) => stderr.write(`${line}\n`);
  let o: ExportOptions;
  try {
    o = parseArgs(argv, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    say(`audit:export: ${err.message}`);
    say(USAGE);
    return 2;
  }
  if (o.help) {
    say(USAGE);
    return 0;
  }

  const log = await openLog(o.source);
  if (typeof log === 'string') {
    say(`audit:export: ${log}`);
    return 1;
  }

  let broken = false;
  stdout.on('error', () => (broken = true)); // e.g. EPIPE from `| head`: stop quietly
  const write = async (text: string) => {
    if (broken) return;
    if (stdout.write(text)) return;
    const done = new AbortController();
    await Promise.race([
      once(stdout, 'drain', { signal: done.signal }),
      once(stdout, 'error', { signal: done.signal }),
    ]).catch(() => undefined);
    done.abort();
  };

  const from = o.since?.getTime() ?? -Infinity;
  const to = o.until?.getTime() ?? Infinity;
  let lineNo = 0;
  let exported = 0;
  let read = 0;
  let damaged = 0;

  const take = async (line: string, last: boolean) => {
    lineNo++;
    if (!line.trim()) return;
    let entry: AuditEntry;
    try {
      entry = JSON.parse(line);
      if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new Error('not an object');
    } catch {
      if (last)
        say(`audit:export: the last line (${lineNo}) is incomplete, as after a crash mid-write; skipped.`);
      else {
        damaged++;
        say(`audit:export: warning: line ${lineNo} is not a valid audit entry; skipped.`);
      }
      return;
    }
    read++;
    if (o.since || o.until) {
      let at: number;
      try {
        at = parseInstant(String(entry.at)).getTime();
      } catch {
        damaged++;
        say(
          `audit:export: warning: line ${lineNo} has no valid time (${JSON.stringify(entry.at)}); skipped.`,
        );
        return;
      }
      if (at < from || at >= to) return;
    }
    await write(auditCsvRow(entry));
    exported++;
  };

  await write((o.bom ? UTF8_BOM : '') + auditCsvHeader());
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    for await (const chunk of log.bytes) {
      if (broken) break;
      pending += decoder.write(chunk as Buffer);
      let start = 0;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
        const line = pending.slice(start, nl);
        start = nl + 1;
        await take(line.endsWith('\r') ? line.slice(0, -1) : line, false);
      }
      pending = pending.slice(start);
    }
    pending += decoder.end();
    // Whatever follows the last newline was never terminated: a complete entry is kept, a torn one noted.
    if (pending && !broken) await take(pending, true);
  } catch (err) {
    say(
      `audit:export: reading ${log.name} failed after line ${lineNo}: ${redactSecrets((err as Error).message.split('\n')[0])}`,
    );
    return 1;
  }
  // Everything written is flushed before the exit code is known (writes complete in order).
  if (!broken) await new Promise<void>((resolve) => stdout.write('', () => resolve()));
  if (broken) return 1;

  const range = [o.since && `since ${o.since.toISOString()}`, o.until && `until ${o.until.toISOString()}`]
    .filter(Boolean)
    .join(' ');
  say(`audit:export: ${exported} of ${read} entries${range ? ` (${range})` : ''} from ${log.name}.`);
  if (damaged) {
    say(
      `audit:export: ${damaged} damaged ${damaged === 1 ? 'line was' : 'lines were'} skipped; see the warnings above.`,
    );
    return 1;
  }
  return 0;
}

/** What npm prints before running a script: an empty line, then `> pkg@version script` and the command. */
const NPM_BANNER = /^\n(?:> [^\n]*\n)+\n?$/;

/**
 * `npm run audit:export -- … > audit.csv` would start the CSV with npm's banner, which npm writes to the
 * same file before the script runs (only `npm run -s` leaves it out). When this process was started by
 * npm and its stdout is a regular file holding nothing but that banner, the file is emptied and a writer
 * that writes from its start is returned; otherwise undefined, and stdout is used as it is.
 * (Reads the file back through /proc/self/fd, so this only acts on Linux; elsewhere use `npm run -s`.)
 */
export function stdoutWithoutNpmBanner(env: NodeJS.ProcessEnv, fd = 1): Writable | undefined {
  if (!env.npm_lifecycle_event) return undefined;
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size === 0 || st.size > 8192) return undefined;
    if (!NPM_BANNER.test(readFileSync(`/proc/self/fd/${fd}`, 'utf8'))) return undefined;
    ftruncateSync(fd, 0);
  } catch {
    return undefined;
  }
  let position = 0;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      try {
        // Positional writes: the descriptor's own offset still points past the banner.
        for (let off = 0; off < chunk.length;)
          off += writeSync(fd, chunk, off, chunk.length - off, position + off);
        position += chunk.length;
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}

if (require.main === module) {
  const stdout = stdoutWithoutNpmBanner(process.env) ?? process.stdout;
  main(process.argv.slice(2), process.env, stdout, process.stderr).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`audit:export: ${redactSecrets(String((err as Error).stack ?? err))}\n`);
      process.exitCode = 1;
    },
  );
}
