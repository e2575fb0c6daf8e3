import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { AUDIT_CSV_COLUMNS } from '../../src/domain/auditCsv';
import type { AuditEntry } from '../../src/domain/audit';
import { main, parseArgs, parseBound, stdoutWithoutNpmBanner } from '../../scripts/auditExport';

const HEADER = AUDIT_CSV_COLUMNS.join(',');

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void) {
    this.text += chunk.toString('utf8');
    cb();
  }
}

/** Runs the export in-process; the CSV, the notes for people and the exit code. */
async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out = new Sink();
  const err = new Sink();
  const code = await main(argv, env, out, err);
  return { code, csv: out.text, stderr: err.text, lines: out.text.split('\r\n').filter(Boolean) };
}

const e = (at: string, over: Partial<AuditEntry> = {}): AuditEntry => ({
  at,
  event: 'requested',
  requestId: `r-${at}`,
  actor: { id: 'a', name: 'Ada' },
  ...over,
});

let dir: string;
const jsonl = (entries: (AuditEntry | string)[]) =>
  entries.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('\n') + '\n';

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'audit-export-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('arguments', () => {
  it('a bare --since date is midnight UTC, a bare --until date includes that whole day', () => {
    expect(parseBound('--since', '2026-11-01').toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseBound('--until', '2026-11-30').toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(parseBound('--until', '2026-11-30T08:00:00+01:00').toISOString()).toBe('2026-11-30T07:00:00.000Z');
    expect(parseBound('--since', '2026-11-01T08:00').toISOString()).toBe('2026-11-01T08:00:00.000Z');
  });

  it('reads --flag value and --flag=value; DATA_DIR comes from the flag, else the environment, else ./data', () => {
    const file = (dataDir: string) => ({ kind: 'file', dataDir });
    expect(parseArgs(['--since=2026-11-01', '--data-dir', '/x'], { DATA_DIR: '/env' })).toMatchObject({
      since: new Date('2026-11-01T00:00:00Z'),
      source: file('/x'),
    });
    expect(parseArgs([], { DATA_DIR: '/env' }).source).toEqual(file('/env'));
    expect(parseArgs([], { DATA_DIR: '  ' }).source).toEqual(file('./data'));
    expect(parseArgs([], {}).source).toEqual(file('./data'));
  });

  it('reads the container when the bot keeps its log in blobs, unless --data-dir says otherwise', () => {
    const env = {
      STORAGE_BACKEND: 'blob',
      AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      DATA_DIR: '/env',
    };
    expect(parseArgs([], env).source).toEqual({
      kind: 'blob',
      connectionString: 'UseDevelopmentStorage=true',
      containerName: 'signout-requests',
    });
    expect(parseArgs([], { ...env, AZURE_STORAGE_CONTAINER_NAME: 'audit-x' }).source).toMatchObject({
      containerName: 'audit-x',
    });
    expect(parseArgs(['--data-dir', '/x'], env).source).toEqual({ kind: 'file', dataDir: '/x' });
    expect(() => parseArgs([], { STORAGE_BACKEND: 'blob' })).toThrow(
      /AZURE_STORAGE_CONNECTION_STRING is not set. Set it, or give --data-dir/,
    );
  });

  it.each([
    [['--since', '2026-13-01'], /--since "2026-13-01" is not a date/],
    [['--since', 'last week'], /--since "last week" is not a date/],
    [['--since', '2026-02-30'], /not a date/],
    [['--since'], /--since needs a value/],
    [['--since', '--until', '2026-11-01'], /--since needs a value/],
    [['--until', 'soon'], /--until "soon" is not a date/],
    [['--since', '2026-11-02', '--until', '2026-11-01'], /--since must be before --until/],
    [['--since', '2026-11-01', '--since', '2026-11-02'], /given twice/],
    [['--sinse', '2026-11-01'], /Unknown argument "--sinse"/],
    [['2026-11-01'], /Unknown argument "2026-11-01"/],
  ])('%j is refused with a clear message on stderr and exit code 2', async (argv, message) => {
    const r = await run(argv, { DATA_DIR: dir });
    expect(r.code).toBe(2);
    expect(r.csv).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Usage: npm run audit:export --');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Usage:');
    expect(r.csv).toBe('');
  });
});

describe('export', () => {
  it('writes the header and every entry in the log order, from DATA_DIR', async () => {
    await writeFile(
      path.join(dir, 'audit.jsonl'),
      jsonl([e('2026-10-31T23:59:59.999Z'), e('2026-11-01T00:00:00.000Z'), e('2026-11-15T10:00:00Z')]),
    );
    const r = await run([], { DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.lines[0]).toBe(HEADER);
    expect(r.lines.slice(1).map((l) => l.split(',')[0])).toEqual([
      '2026-10-31T23:59:59.999Z',
      '2026-11-01T00:00:00.000Z',
      '2026-11-15T10:00:00Z',
    ]);
    expect(r.stderr).toContain('3 of 3 entries');
  });

  it('--since is inclusive and --until exclusive; a bare --until date keeps its whole day', async () => {
    await writeFile(
      path.join(dir, 'audit.jsonl'),
      jsonl([
        e('2026-10-31T23:59:59.999Z'),
        e('2026-11-01T00:00:00.000Z'),
        e('2026-11-01T01:00:00+02:00'), // 2026-10-31T23:00Z: before
        e('2026-11-30T23:59:59Z'),
        e('2026-12-01T00:00:00Z'),
      ]),
    );
    const r = await run(['--since', '2026-11-01', '--until', '2026-11-30', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.lines.slice(1).map((l) => l.split(',')[0])).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-30T23:59:59Z',
    ]);
    expect(r.stderr).toMatch(
      /2 of 5 entries \(since 2026-11-01T00:00:00.000Z until 2026-12-01T00:00:00.000Z\)/,
    );
  });

  it('skips a torn last line with a note, and still exits 0', async () => {
    await writeFile(
      path.join(dir, 'audit.jsonl'),
      jsonl([e('2026-11-02T00:00:00Z')]) + '{"at":"2026-11-03T00:00:00Z","event":"requ',
    );
    const r = await run(['--since', '2026-11-01'], { DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(2);
    expect(r.stderr).toMatch(/last line \(2\) is incomplete/);
  });

  it('keeps a complete last entry that only lacks its newline', async () => {
    await writeFile(path.join(dir, 'audit.jsonl'), JSON.stringify(e('2026-11-02T00:00:00Z')));
    const r = await run([], { DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(2);
  });

  it('a damaged line in the middle is skipped with its line number, the rest exported, and exit code 1', async () => {
    await writeFile(
      path.join(dir, 'audit.jsonl'),
      jsonl([e('2026-11-02T00:00:00Z'), '{oops', '', '42', e('2026-11-03T00:00:00Z')]),
    );
    const r = await run([], { DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(3);
    expect(r.stderr).toMatch(/line 2 is not a valid audit entry/);
    expect(r.stderr).toMatch(/line 4 is not a valid audit entry/);
    expect(r.stderr).toMatch(/2 damaged lines were skipped/);
  });

  it('an entry without a valid time is reported when filtering by time', async () => {
    await writeFile(path.join(dir, 'audit.jsonl'), jsonl([e('yesterday'), e('2026-11-03T00:00:00Z')]));
    const r = await run(['--since', '2026-11-01'], { DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(2);
    expect(r.stderr).toMatch(/line 1 has no valid time \("yesterday"\)/);
  });

  it('reads CRLF logs and multi-byte characters split across read chunks', async () => {
    const name = 'Zoë Ångström 😀'.repeat(3000); // > 64 KiB: crosses chunk boundaries mid-character
    await writeFile(
      path.join(dir, 'audit.jsonl'),
      [e('2026-11-02T00:00:00Z', { actor: { id: 'x', name } }), e('2026-11-03T00:00:00Z')]
        .map((x) => JSON.stringify(x))
        .join('\r\n') + '\r\n',
    );
    const r = await run([], { DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(3);
    expect(r.lines[1].split(',')[4]).toBe(name);
  });

  it('guards formulas and quotes user text (the same cells as auditCsvRow)', async () => {
    await writeFile(
      path.join(dir, 'audit.jsonl'),
      jsonl([e('2026-11-02T00:00:00Z', { reason: '=HYPERLINK("http://evil.example","x")', detail: 'a,b' })]),
    );
    const r = await run([], { DATA_DIR: dir });
    expect(r.csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")","a,b"`);
  });

  it('--bom starts the output with a UTF-8 byte-order mark', async () => {
    await writeFile(path.join(dir, 'audit.jsonl'), '');
    const r = await run(['--bom'], { DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.csv).toBe('\ufeff' + HEADER + '\r\n');
  });

  it('a missing log is an error naming the path, not an empty export', async () => {
    const r = await run([], { DATA_DIR: path.join(dir, 'nope') });
    expect(r.code).toBe(1);
    expect(r.csv).toBe('');
    expect(r.stderr).toContain(`no audit log at ${path.join(dir, 'nope', 'audit.jsonl')}`);
  });

  it('streams a large log in bounded memory, honouring back-pressure', async () => {
    const line = JSON.stringify(e('2026-11-02T00:00:00Z', { reason: 'x'.repeat(200) })) + '\n';
    await writeFile(path.join(dir, 'audit.jsonl'), line.repeat(50_000)); // ~13 MB
    let rows = 0;
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _e, cb) {
        rows += chunk.toString().split('\r\n').length - 1;
        maxBuffered = Math.max(maxBuffered, slow.writableLength);
        setImmediate(cb);
      },
    });
    const code = await main([], { DATA_DIR: dir }, slow, new Sink());
    expect(code).toBe(0);
    expect(rows).toBe(50_001);
    expect(maxBuffered).toBeLessThan(1024 * 1024);
  });

  it('stops quietly when the reader goes away (| head)', async () => {
    await writeFile(
      path.join(dir, 'audit.jsonl'),
      jsonl(Array.from({ length: 1000 }, () => e('2026-11-02T00:00:00Z'))),
    );
    let writes = 0;
    const closing = new Writable({
      write(_chunk, _e, cb) {
        writes++;
        if (writes > 3) cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        else cb();
      },
    });
    const err = new Sink();
    const code = await main([], { DATA_DIR: dir }, closing, err);
    expect(code).toBe(1);
    expect(writes).toBeLessThan(1000);
  });
});

describe('npm run audit:export -- … > audit.csv', () => {
  const banner =
    '\n> signout-bot@0.1.0 audit:export\n> node dist/scripts/auditExport.js --since 2026-11-01\n\n';

  it('removes the banner npm wrote into the redirected file, and writes from its start', () => {
    const file = path.join(dir, 'out.csv');
    const fd = openSync(file, 'w');
    writeSync(fd, banner);
    const w = stdoutWithoutNpmBanner({ npm_lifecycle_event: 'audit:export' }, fd);
    expect(w).toBeDefined();
    w!.write('at,event\r\n');
    w!.write('x,y\r\n');
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('at,event\r\nx,y\r\n');
  });

  it('leaves stdout alone outside npm, or when the file holds anything but the banner', () => {
    const file = path.join(dir, 'out.csv');
    const fd = openSync(file, 'a');
    writeSync(fd, 'earlier export\n' + banner);
    expect(stdoutWithoutNpmBanner({ npm_lifecycle_event: 'audit:export' }, fd)).toBeUndefined();
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('earlier export\n' + banner);

    const fd2 = openSync(path.join(dir, 'fresh.csv'), 'w');
    writeSync(fd2, banner);
    expect(stdoutWithoutNpmBanner({}, fd2)).toBeUndefined();
    closeSync(fd2);
  });

  const built = path.join(__dirname, '../../dist/scripts/auditExport.js');
  (existsSync(built) ? it : it.skip)(
    'the built script, run by npm with stdout redirected to a file, writes a clean CSV',
    async () => {
      await writeFile(
        path.join(dir, 'audit.jsonl'),
        jsonl([e('2026-10-02T00:00:00Z'), e('2026-11-02T00:00:00Z')]),
      );
      await writeFile(
        path.join(dir, 'package.json'),
        JSON.stringify({
          name: 'x',
          version: '1.0.0',
          scripts: { 'audit:export': `node ${JSON.stringify(built)}` },
        }),
      );
      const r = spawnSync(
        'sh',
        ['-c', 'npm run audit:export -- --since 2026-11-01 --data-dir . > audit.csv'],
        {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, DATA_DIR: '' },
        },
      );
      expect(r.status).toBe(0);
      const csv = readFileSync(path.join(dir, 'audit.csv'), 'utf8');
      expect(csv.split('\r\n').filter(Boolean)).toEqual([
        HEADER,
        expect.stringMatching(/^2026-11-02T00:00:00Z,requested,/),
      ]);

      const bad = spawnSync(process.execPath, [built, '--since', 'nonsense'], { cwd: dir, encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toContain('--since "nonsense" is not a date');
    },
  );
});
