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

/** Time passes for one request: its stored expiry moves into the past (the file store reads from disk). */
export async function expireRequest(sb: Sandbox, requestId: string): Promise<void> {
  const file = path.join(sb.dataDir, 'requests', `${encodeURIComponent(`request/${requestId}`)}.json`);
  const stored = JSON.parse(await fs.readFile(file, 'utf8'));
  stored.expiresAt = new Date(Date.now() - 1000).toISOString();
  await fs.writeFile(file, JSON.stringify(stored));
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
