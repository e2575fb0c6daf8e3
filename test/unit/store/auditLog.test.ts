import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AuditEntry } from '../../../src/domain/audit';
import { entriesNewestFirst } from '../../../src/domain/auditLines';
import { AuditLog } from '../../../src/store/auditLog';

async function tempFile(): Promise<string> {
  return path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'signout-audit-')), 'audit.jsonl');
}

async function newestFirst(log: AuditLog, blockBytes: number): Promise<AuditEntry[][]> {
  const chunks: AuditEntry[][] = [];
  for await (const chunk of log.readNewestFirst(undefined, blockBytes))
    chunks.push(entriesNewestFirst(chunk));
  return chunks;
}

const entry = (i: number, extra: object = {}): AuditEntry => ({
  at: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
  event: 'status',
  actor: { id: 'admin' },
  detail: `entry ${i}`,
  ...extra,
});

describe('AuditLog.readNewestFirst', () => {
  it('gives readAll’s entries newest first, whatever the block size', async () => {
    const file = await tempFile();
    const entries = Array.from({ length: 300 }, (_, i) =>
      entry(i, i % 7 ? {} : { reason: 'ünïcödé 👩🏽‍💻 '.repeat(i % 40), targets: [{ id: `u-${i}` }] }),
    );
    await fs.writeFile(file, entries.map((e) => JSON.stringify(e) + '\n').join(''));
    const log = await new AuditLog(file).init();
    expect(await log.readAll()).toEqual(entries);
    for (const block of [50, 100, 4096, 1 << 20]) {
      const chunks = await newestFirst(log, block);
      expect(chunks.flat()).toEqual(entries.slice().reverse());
      if (block === 100) expect(chunks.length).toBeGreaterThan(10);
    }
  });

  it('skips a torn last line and unreadable lines, as readAll does, and keeps a whole last line without its newline', async () => {
    const file = await tempFile();
    const lines = [
      JSON.stringify(entry(1)),
      'not json',
      '',
      JSON.stringify(entry(2)),
      '{"at":"2026-01-01T00:0',
    ];
    await fs.writeFile(file, lines.join('\n'));
    const log = await new AuditLog(file).init();
    expect((await newestFirst(log, 16)).flat()).toEqual([entry(2), entry(1)]);
    expect(await log.readAll()).toEqual([entry(1), entry(2)]);

    await fs.writeFile(file, lines.slice(0, 4).join('\n'));
    expect((await newestFirst(log, 16)).flat()).toEqual([entry(2), entry(1)]);
  });

  it('reads nothing from a log not written yet', async () => {
    const log = await new AuditLog(await tempFile()).init();
    expect(await newestFirst(log, 64)).toEqual([]);
  });

  it('reads only as much of the log as its reader asks for', async () => {
    const file = await tempFile();
    const log = await new AuditLog(file).init();
    await log.appendMany(Array.from({ length: 10_000 }, (_, i) => entry(i)));
    let seen = 0;
    for await (const chunk of log.readNewestFirst(undefined, 4096)) {
      seen += entriesNewestFirst(chunk).length;
      if (seen >= 50) break;
    }
    expect(seen).toBeLessThan(200);
  });
});
