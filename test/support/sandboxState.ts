import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { BotDriver } from './botDriver';
import { startSandbox, type Sandbox, type SandboxOptions } from './sandbox';
import { SAMPLE } from './tenantFixture';

/** What the bot wrote to its audit log, parsed. */
export async function auditEntries(sb: Sandbox): Promise<any[]> {
  const text = await fs.readFile(path.join(sb.dataDir, 'audit.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function requestFile(sb: Sandbox, requestId: string): string {
  return path.join(sb.dataDir, 'requests', `${encodeURIComponent(`request/${requestId}`)}.json`);
}

/**
 * Time passes for one request: its stored expiry moves into the past (the file store reads from disk).
 * Written like the store writes (temp file, rename) with a new eTag, so a bot reading at the same moment
 * sees the old or the new record, and a write based on the old one loses its compare-and-swap.
 */
export async function expireRequest(sb: Sandbox, requestId: string): Promise<void> {
  const file = requestFile(sb, requestId);
  const stored = JSON.parse(await fs.readFile(file, 'utf8'));
  stored.expiresAt = new Date(Date.now() - 1000).toISOString();
  stored.eTag = randomUUID();
  const tmp = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(stored));
  await fs.rename(tmp, file);
}

/** A request as the file store holds it now. */
export async function readRequest(sb: Sandbox, requestId: string): Promise<any> {
  return JSON.parse(await fs.readFile(requestFile(sb, requestId), 'utf8'));
}

/**
 * Time passes for a scheduled sign-out: its time moves to `at` (and a pending one's card stays open until
 * then, as the bot stores it), and with `createdAt`, it was asked at that time. Written as
 * expireRequest writes. The bot may be writing the same record at that moment (its notice card's
 * version, in the background after a click): its eTag check and its write are two steps, so a write
 * between them is lost. The move is checked and made again until it holds, as a clock would keep moving.
 */
export async function moveSchedule(
  sb: Sandbox,
  requestId: string,
  o: { at: Date; createdAt?: Date },
): Promise<void> {
  const file = requestFile(sb, requestId);
  const at = o.at.toISOString();
  for (let held = 0; held < 3;) {
    const stored = JSON.parse(await fs.readFile(file, 'utf8'));
    if (stored.status !== 'pending' && stored.status !== 'scheduled') return;
    if (stored.schedule.at === at) {
      held++;
    } else {
      held = 0;
      stored.schedule.at = at;
      if (stored.status === 'pending') stored.expiresAt = at;
      if (o.createdAt) stored.createdAt = o.createdAt.toISOString();
      stored.eTag = randomUUID();
      const tmp = `${file}.${randomUUID()}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(stored));
      await fs.rename(tmp, file);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A request's audit entries once one of them is `event`: the end of a request (a cancel, an expiry, a
 * rejection) is audited in the background, after the click that caused it is answered.
 */
export async function auditTrailUntil(
  sb: Sandbox,
  requestId: string,
  event: string,
  timeoutMs = 15_000,
): Promise<any[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const trail = (await auditEntries(sb)).filter((e) => e.requestId === requestId);
    if (trail.some((e) => e.event === event)) return trail;
    if (Date.now() > end) throw new Error(`no ${event} entry for ${requestId}: ${JSON.stringify(trail)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitUntil(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One sandbox for a describe block: started before its tests, stopped after them. `use` receives the
 * sandbox and a driver for it; options may be a function, evaluated when the block starts.
 */
export function useSandbox(
  options: SandboxOptions | (() => SandboxOptions),
  use: (sb: Sandbox, bot: BotDriver) => void,
): void {
  let sb: Sandbox | undefined;
  beforeAll(async () => {
    sb = await startSandbox(typeof options === 'function' ? options() : options);
    use(sb, new BotDriver(sb, SAMPLE.tenantId));
  });
  afterAll(async () => {
    await sb?.stop();
  });
}
