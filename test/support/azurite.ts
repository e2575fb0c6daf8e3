import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, repoRoot, watchdogScript } from './sandbox';

/** Azurite's well-known development account key (public, in Microsoft's documentation). */
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  connectionString: string;
  stop(): Promise<void>;
}

/** Azurite's blob service in memory, on a free port, ended with this process however it ends. */
export async function startAzurite(): Promise<Azurite> {
  const port = await freePort();
  // in memory, but it may still write a debug log into its working folder
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'signout-azurite-'));
  const child = spawn(
    process.execPath,
    [
      '--require',
      watchdogScript(),
      path.join(repoRoot(), 'node_modules/azurite/dist/src/blob/main.js'),
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--inMemoryPersistence',
      '--blobPort',
      String(port),
      '--silent',
    ],
    { cwd, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(cwd, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_ACCOUNT_KEY};` +
      `BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
    stop,
  };
}

/** Resolves once something accepts connections on the port; fails if the child exits first. */
async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const end = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with ${child.exitCode}:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > end) throw new Error(`Azurite did not listen on ${port}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
