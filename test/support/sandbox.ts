import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeClientCertificate, makeTestCertificate, sandboxTempDir } from './cert';
import { ChannelAuthStandIn } from './channelAuthStandIn';
import { ConnectorStandIn } from './connectorStandIn';
import { EntraStandIn } from './entraStandIn';
import { GraphStandIn, type GraphStandInOptions } from './graphStandIn';
import { TEAMS } from './teamsActivity';
import { SAMPLE, sampleTenant, type Tenant } from './tenantFixture';

export interface SandboxOptions {
  /** default: a fresh temp dir, removed by stop() */
  dataDir?: string;
  /** 0 or unset = a free port */
  botPort?: number;
  /** overrides for the bot's environment; undefined removes a variable */
  env?: Record<string, string | undefined>;
  graph?: Partial<GraphStandInOptions>;
  tenant?: Tenant;
  /** default true; false for the playground, which is its own connector */
  connector?: boolean;
  /** default 'capture' (see logs()) */
  botStdout?: 'inherit' | 'capture';
  /** how the bot proves itself to Entra: a client secret (default) or a certificate (private_key_jwt) */
  credential?: 'secret' | 'certificate';
  /**
   * `local` (default): LOCAL_MODE=true, no BOT_ID, no tokens either way. `channel`: BOT_ID set, so
   * every activity needs a channel token (signed by `channelAuth`) and the bot's replies carry a token
   * from the Entra stand-in, which the connector stand-in checks.
   */
  auth?: 'local' | 'channel';
  /** node's options before the entry point; default `--enable-source-maps` (stack traces name the .ts lines) */
  nodeArgs?: string[];
}

export interface Sandbox {
  botUrl: string;
  graph: GraphStandIn;
  entra: EntraStandIn;
  connector?: ConnectorStandIn;
  /** with auth: 'channel', signs the channel tokens the bot accepts */
  channelAuth?: ChannelAuthStandIn;
  serviceUrl?: string;
  /** the bot's whole environment */
  env: Record<string, string>;
  dataDir: string;
  /** the bot's stdout and stderr so far, across restarts */
  logs(): string;
  /** SIGTERM, wait for exit, start again on the same port and data dir */
  restartBot(): Promise<void>;
  /** @returns the exit code (null when a signal ended it) */
  stopBot(signal?: NodeJS.Signals): Promise<number | null>;
  /** the bot's process id while it runs */
  pid(): number | undefined;
  /** sends the bot a signal and returns at once (SIGSTOP freezes it as a paused VM is, SIGCONT wakes it) */
  signal(signal: NodeJS.Signals): void;
  /**
   * Starts another bot process on the same stand-ins, with the same settings but its own port and
   * DATA_DIR: a second instance of a scaled-out bot (give it STORAGE_BACKEND=blob to share a store).
   * stop() stops it too.
   */
  startInstance(env?: Record<string, string | undefined>): Promise<BotInstance>;
  stop(): Promise<void>;
}

/** One more bot process of a sandbox (see Sandbox.startInstance). */
export interface BotInstance {
  url: string;
  logs(): string;
  pid(): number | undefined;
  signal(signal: NodeJS.Signals): void;
  /** @returns the exit code (null when a signal ended it) */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The Graph app registration the bot signs in as. */
export const SANDBOX_CLIENT_ID = '3f6a9c1e-8b2d-4e5f-a7c0-1d2e3f4a5b6c';
export const SANDBOX_SECURITY_CHANNEL_ID = '19:security-alerts@thread.tacv2';
/** The bot's own app (BOT_ID) with auth: 'channel': the one Teams' activities are addressed to. */
export const SANDBOX_BOT_ID = TEAMS.botId;
/** The audience of the bot's token for the Bot Connector (botframework-connector's default scope). */
export const CONNECTOR_AUDIENCE = 'https://api.botframework.com';

const HEALTH_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const MAX_LOG_CHARS = 16 * 1024 * 1024;
/** Inherited from the parent; everything else the bot sees is set here, so a developer's shell cannot leak in. */
const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT'];

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGTERM');
});

/**
 * The one way to run the real bot against stand-ins, shared by integration tests, `npm run playground`
 * and the browser test: certificate, Entra and Graph stand-ins (https), a Bot Connector stand-in, and
 * `node dist/src/index.js` as a child process that trusts the certificate through NODE_EXTRA_CA_CERTS.
 */
export async function startSandbox(o: SandboxOptions = {}): Promise<Sandbox> {
  const root = repoRoot();
  const entry = path.join(root, 'dist', 'src', 'index.js');
  if (!fs.existsSync(entry)) {
    throw new Error(`${entry} is missing: run \`npm run build\` before starting the sandbox`);
  }

  const cleanups: (() => Promise<void> | void)[] = [];
  // everything started is stopped, even when one step fails
  const cleanUp = async () => {
    const failures: unknown[] = [];
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length) throw new AggregateError(failures, 'sandbox clean-up failed');
  };

  try {
    const cert = makeTestCertificate();
    const tls = { cert: cert.cert, key: cert.key };
    const tenant = o.tenant ?? sampleTenant();
    const clientSecret = `Sbx8Q~${randomBytes(24).toString('base64url')}`;

    const channelMode = o.auth === 'channel';
    const botPassword = `Bot8Q~${randomBytes(24).toString('base64url')}`;
    const clientCertificate =
      o.credential === 'certificate' ? makeClientCertificate('sign-out-bot-app') : undefined;
    const entra = new EntraStandIn({
      tls,
      tenantId: SAMPLE.tenantId,
      clients: {
        [SANDBOX_CLIENT_ID]: clientSecret,
        ...(channelMode ? { [SANDBOX_BOT_ID]: botPassword } : {}),
      },
      certificates: clientCertificate ? { [SANDBOX_CLIENT_ID]: [clientCertificate.cert] } : {},
    });
    const authorityHost = await entra.start();
    cleanups.push(() => entra.stop());

    const graph = new GraphStandIn({
      tenant,
      tls,
      isValidToken: (t: string) => entra.isValidToken(t),
      ...o.graph,
    });
    const graphUrl = await graph.start();
    cleanups.push(() => graph.stop());

    let channelAuth: ChannelAuthStandIn | undefined;
    if (channelMode) {
      const c = new ChannelAuthStandIn({ tls, appId: SANDBOX_BOT_ID });
      await c.start();
      cleanups.push(() => c.stop());
      channelAuth = c;
    }

    let connector: ConnectorStandIn | undefined;
    let serviceUrl: string | undefined;
    if (o.connector !== false) {
      const bearer = (h: string | undefined) => /^Bearer (.+)$/.exec(h ?? '')?.[1] ?? '';
      const c = new ConnectorStandIn(
        channelMode ? { authorize: (h) => entra.isValidToken(bearer(h), CONNECTOR_AUDIENCE) } : {},
      );
      serviceUrl = await c.start();
      cleanups.push(() => c.stop());
      connector = c;
    }

    let dataDir = o.dataDir;
    if (!dataDir) {
      const made = fs.mkdtempSync(path.join(os.tmpdir(), 'signout-bot-data-'));
      cleanups.push(() => fs.rmSync(made, { recursive: true, force: true }));
      dataDir = made;
    }

    const port = o.botPort || (await freePort());
    const botIdentity: Record<string, string> = channelAuth
      ? {
          BOT_ID: SANDBOX_BOT_ID,
          BOT_PASSWORD: botPassword,
          BOT_TYPE: 'SingleTenant',
          BOT_TENANT_ID: SAMPLE.tenantId,
          // test-only settings (src/config.ts): the stand-ins instead of Microsoft's endpoints
          TEST_ONLY_CHANNEL_OPENID_METADATA_URL: channelAuth.metadataUrl,
          TEST_ONLY_CHANNEL_TOKEN_ISSUER: channelAuth.issuer,
          TEST_ONLY_BOT_LOGIN_URL: `${authorityHost}/${SAMPLE.tenantId}`,
        }
      : { LOCAL_MODE: 'true' };
    const env = botEnv(
      {
        PORT: String(port),
        ...botIdentity,
        AZURE_TENANT_ID: tenant.tenantId,
        AZURE_CLIENT_ID: SANDBOX_CLIENT_ID,
        ...(clientCertificate
          ? { AZURE_CLIENT_CERTIFICATE_PATH: clientCertificate.pemPath }
          : { AZURE_CLIENT_SECRET: clientSecret }),
        AZURE_AUTHORITY_HOST: authorityHost,
        // the bot appends the version itself
        GRAPH_BASE_URL: new URL(graphUrl).origin,
        ADMIN_GROUP_ID: SAMPLE.adminGroupId,
        SECURITY_CHANNEL_ID: SANDBOX_SECURITY_CHANNEL_ID,
        DATA_DIR: dataDir,
        NODE_EXTRA_CA_CERTS: cert.certPath,
        LOG_LEVEL: 'info',
        // the risky-user poll posts on its own: only the tests about it (and the playground) turn it on
        RISKY_USERS_POLL_SECONDS: '0',
      },
      o.env,
    );

    const nodeArgs = o.nodeArgs ?? ['--enable-source-maps'];
    const bot = new BotProcess(
      root,
      entry,
      env,
      `http://127.0.0.1:${port}`,
      o.botStdout ?? 'capture',
      nodeArgs,
    );
    cleanups.push(async () => void (await bot.stop('SIGTERM')));
    await bot.start();

    return {
      botUrl: bot.url,
      graph,
      entra,
      connector,
      channelAuth,
      serviceUrl,
      env,
      dataDir,
      logs: () => bot.logs(),
      restartBot: async () => {
        await bot.stop('SIGTERM');
        await bot.start();
      },
      stopBot: (signal: NodeJS.Signals = 'SIGTERM') => bot.stop(signal),
      pid: () => bot.pid(),
      signal: (signal) => bot.signal(signal),
      startInstance: async (overrides = {}) => {
        const instanceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signout-bot-data-'));
        cleanups.push(() => fs.rmSync(instanceDir, { recursive: true, force: true }));
        const instancePort = await freePort();
        const other = new BotProcess(
          root,
          entry,
          { ...botEnv({ ...env, PORT: String(instancePort), DATA_DIR: instanceDir }, overrides) },
          `http://127.0.0.1:${instancePort}`,
          'capture',
          nodeArgs,
        );
        cleanups.push(async () => void (await other.stop('SIGTERM')));
        await other.start();
        return {
          url: other.url,
          logs: () => other.logs(),
          pid: () => other.pid(),
          signal: (signal) => other.signal(signal),
          stop: (signal: NodeJS.Signals = 'SIGTERM') => other.stop(signal),
        };
      },
      stop: cleanUp,
    };
  } catch (err) {
    await cleanUp().catch(() => {});
    throw err;
  }
}

/** The bot as a child process: started, health-checked, stopped, its output kept in memory. */
class BotProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private readonly output: string[] = [];
  private outputChars = 0;

  constructor(
    private readonly root: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    readonly url: string,
    private readonly stdout: 'inherit' | 'capture',
    private readonly nodeArgs: string[],
  ) {}

  logs(): string {
    return this.stdout === 'inherit' ? '(bot output went to the terminal)' : this.output.join('');
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('the bot is already running');
    const out = this.stdout === 'inherit' ? 'inherit' : 'pipe';
    const child = spawn(process.execPath, [...this.nodeArgs, '--require', watchdogScript(), this.entry], {
      cwd: this.root,
      env: this.env,
      stdio: ['pipe', out, out],
    });
    this.child = child;
    live.add(child);
    child.stdout?.setEncoding('utf8').on('data', (s: string) => this.keep(s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => this.keep(s));
    // the watchdog reads stdin; errors on it (the bot gone first) do not matter
    child.stdin?.on('error', () => {});
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        if (this.child === child) this.child = undefined;
        this.keep(`[sandbox] bot exited with ${code ?? signal}\n`);
        resolve(code);
      });
      child.once('error', (err) => {
        live.delete(child);
        if (this.child === child) this.child = undefined;
        this.keep(`[sandbox] could not start the bot: ${err.message}\n`);
        resolve(null);
      });
    });
    await this.waitHealthy(child);
  }

  pid(): number | undefined {
    return this.child?.pid;
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.child) throw new Error('the bot is not running');
    this.child.kill(signal);
  }

  async stop(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return exited ? exited : null;
    child.kill(signal);
    // a frozen process only acts on the signal once woken
    if (signal !== 'SIGKILL') child.kill('SIGCONT');
    const timer = setTimeout(() => {
      this.keep(`[sandbox] bot ignored ${signal} for ${STOP_TIMEOUT_MS} ms: SIGKILL\n`);
      child.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private async waitHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    let exitCode: number | null | undefined;
    void this.exited?.then((code) => (exitCode = code));
    while (Date.now() < deadline) {
      if (this.child !== child) {
        throw new Error(
          `The bot exited (code ${exitCode}) before ${this.url}/healthz answered. Its output:\n${this.logs()}`,
        );
      }
      try {
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.stop('SIGKILL');
    throw new Error(
      `${this.url}/healthz did not answer 200 within ${HEALTH_TIMEOUT_MS} ms. The bot's output:\n${this.logs()}`,
    );
  }

  private keep(s: string): void {
    this.output.push(s);
    this.outputChars += s.length;
    while (this.outputChars > MAX_LOG_CHARS && this.output.length > 1) {
      this.outputChars -= this.output.shift()!.length;
    }
  }
}

function botEnv(
  base: Record<string, string>,
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const v = process.env[name];
    if (v !== undefined) env[name] = v;
  }
  Object.assign(env, base);
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** A port that was free a moment ago (listen on 0, read, close). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'signout-bot')
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no signout-bot package.json above ${__dirname}`);
  }
}

let watchdogPath: string | undefined;
/**
 * Preloaded into the bot: when the process that started it goes away, however it ends (even SIGKILL of a
 * jest worker), the stdin pipe closes and the bot gets SIGTERM, so no bot outlives its sandbox.
 */
export function watchdogScript(): string {
  if (!watchdogPath) {
    watchdogPath = path.join(sandboxTempDir(), 'sandbox-watchdog.js');
    fs.writeFileSync(
      watchdogPath,
      [
        'if (!process.stdin.isTTY) {',
        "  process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));",
        "  process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));",
        '  process.stdin.resume();',
        '  process.stdin.unref();',
        '}',
        '',
      ].join('\n'),
    );
  }
  return watchdogPath;
}
