import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, repoRoot, watchdogScript } from './sandbox';
import { SAMPLE } from './tenantFixture';

/**
 * Start and stop of the Microsoft 365 Agents Playground (npm @microsoft/m365agentsplayground, a Teams
 * emulator that runs offline), shared by `npm run playground` and test/e2e/playground.test.ts. The bot
 * and the Graph/Entra stand-ins come from startSandbox({ connector: false }): the Playground is the
 * Bot Connector.
 */

export const PLAYGROUND_DEFAULT_PORT = 56150;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const MAX_OUTPUT_CHARS = 1024 * 1024;

export interface PlaygroundUser {
  /** the Teams user id the Playground uses in activities (from.id) */
  id: string;
  name: string;
  aadObjectId: string;
}

/** What .m365agentsplayground.yml declares; read by readPlaygroundConfig(). */
export interface PlaygroundConfig {
  path: string;
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  team: { id: string; name: string };
  /** the General channel's conversation id is the team id; these are the others */
  channels: { id: string; name: string }[];
}

export interface PlaygroundOptions {
  /** the bot's base URL, e.g. http://127.0.0.1:3978 (the Playground posts to /api/messages) */
  botUrl: string;
  /** default 56150; 0 = a free port. The Playground itself falls back to a random port when it is taken */
  port?: number;
  /** default: .m365agentsplayground.yml at the repo root */
  configPath?: string;
  /** where the Playground writes its log; default devTools/m365agentsplayground.log at the repo root */
  logFile?: string;
  /** default 'capture' (see output()) */
  stdout?: 'inherit' | 'capture';
  /** added to its environment, e.g. TZ: the Playground sends its own time zone as the user's localTimezone */
  env?: Record<string, string>;
}

export interface PlaygroundExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Playground {
  /** http://localhost:PORT, what a browser opens */
  url: string;
  port: number;
  logFile: string;
  config: PlaygroundConfig;
  /** settles when the process ends, however it ends */
  exited: Promise<PlaygroundExit>;
  /** its stdout and stderr so far (capture mode) */
  output(): string;
  /** SIGTERM, SIGKILL after a few seconds; resolves once it is gone */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGTERM');
});

export function defaultConfigPath(): string {
  return path.join(repoRoot(), '.m365agentsplayground.yml');
}

/**
 * Starts `agentsplayground -e <bot>/api/messages -c msteams --disable-telemetry` with
 * TEAMSAPPTESTER_BROWSER=none, and resolves once its web page answers. A bad config file makes the
 * Playground exit at once with the reason only in its log: that reason is in the error thrown here.
 */
export async function startPlayground(o: PlaygroundOptions): Promise<Playground> {
  const root = repoRoot();
  const configPath = path.resolve(o.configPath ?? defaultConfigPath());
  const config = readPlaygroundConfig(configPath);
  checkPlaygroundConfig(config);
  const logFile = path.resolve(o.logFile ?? path.join(root, 'devTools', 'm365agentsplayground.log'));
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  // the log is appended to across runs; a fresh one means the reason printed on exit is this run's
  fs.rmSync(logFile, { force: true });

  const requestedPort = o.port === 0 ? await freePort() : (o.port ?? PLAYGROUND_DEFAULT_PORT);
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js', { paths: [root] });
  const endpoint = `${o.botUrl.replace(/\/+$/, '')}/api/messages`;
  const capture = (o.stdout ?? 'capture') === 'capture';
  const output: string[] = [];
  let outputChars = 0;
  const keep = (s: string) => {
    output.push(s);
    outputChars += s.length;
    while (outputChars > MAX_OUTPUT_CHARS && output.length > 1) outputChars -= output.shift()!.length;
  };

  // node + cli.js rather than node_modules/.bin: the PID is the server's, so stop() really stops it
  // prettier-ignore
  const child = spawn(process.execPath, [
    '--require', watchdogScript(), cli,
    '-e', endpoint, '-c', 'msteams', '-p', String(requestedPort), '--disable-telemetry',
  ], {
    cwd: path.dirname(configPath),
    env: {
      ...process.env,
      ...o.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    // its own process group: Ctrl-C in a terminal reaches only the script that started it, which then
    // stops it in order (and tells a crash from a stop); the watchdog still ends it if that script dies
    detached: true,
  });
  live.add(child);
  // the watchdog reads stdin; errors on it (the Playground gone first) do not matter
  child.stdin?.on('error', () => {});

  let listening: (port: number) => void = () => {};
  const portSeen = new Promise<number>((resolve) => (listening = resolve));
  let pending = '';
  const onData = (s: string, stream: NodeJS.WriteStream) => {
    if (capture) keep(s);
    else stream.write(s);
    pending += s;
    const m = /Listening on (\d+)/.exec(pending);
    if (m) listening(Number(m[1]));
    if (pending.length > 4096) pending = pending.slice(-256);
  };
  child.stdout?.setEncoding('utf8').on('data', (s: string) => onData(s, process.stdout));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => onData(s, process.stderr));

  let gone = false;
  const exited = new Promise<PlaygroundExit>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = true;
      live.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      gone = true;
      live.delete(child);
      keep(`[playground] could not start: ${err.message}\n`);
      resolve({ code: null, signal: null });
    });
  });

  const stop = async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    const port = await Promise.race([
      portSeen,
      exited.then((e) => {
        throw new Error(
          `the Playground exited (${describeExit(e)}) before listening. ${exitReason(logFile)}`,
        );
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `the Playground did not listen within ${START_TIMEOUT_MS} ms. ${exitReason(logFile)}`,
              ),
            ),
          START_TIMEOUT_MS,
        );
      }),
    ]);
    clearTimeout(timer);
    const url = `http://localhost:${port}`;
    await waitUntilReady(url, exited, logFile);
    return { url, port, logFile, config, exited, output: () => output.join(''), stop };
  } catch (err) {
    clearTimeout(timer);
    await stop();
    throw err;
  }
}

export function describeExit(e: PlaygroundExit): string {
  return e.signal ? `signal ${e.signal}` : `code ${e.code}`;
}

/**
 * Why the Playground stopped, in its own words: the error lines of its log (a bad config file is reported
 * only there), else the last lines.
 */
export function exitReason(logFile: string): string {
  let text: string;
  try {
    text = fs.readFileSync(logFile, 'utf8');
  } catch {
    return `(no log at ${logFile})`;
  }
  // lines start with their level: "log …", "debug …", "error …"
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const errors = lines.filter((l) => /^error\b/.test(l));
  const picked = errors.length ? errors.slice(-15) : lines.filter((l) => !/^debug\b/.test(l)).slice(-15);
  return `From ${logFile}:\n${picked.join('\n')}`;
}

/**
 * It prints "Listening" before it reads its config file, and exits if that file is bad; its config
 * endpoint (internal, what its own page asks first) answers only once the file is loaded.
 */
async function waitUntilReady(url: string, exited: Promise<PlaygroundExit>, logFile: string): Promise<void> {
  let gone: PlaygroundExit | undefined;
  void exited.then((e) => (gone = e));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the Playground exited (${describeExit(gone)}). ${exitReason(logFile)}`);
    try {
      const res = await fetch(`${url}/_internal/v1/config`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not serving yet
    }
    await delay(100);
  }
  throw new Error(`${url} did not answer within ${START_TIMEOUT_MS} ms. ${exitReason(logFile)}`);
}

/**
 * The parts of .m365agentsplayground.yml the tests and the playground script rely on. The file is ours
 * and simple (two-space indents, `key: value`, lists of maps), so a small reader does; the Playground
 * itself validates the whole file against its JSON schema.
 */
export function readPlaygroundConfig(file: string = defaultConfigPath()): PlaygroundConfig {
  const text = fs.readFileSync(file, 'utf8');
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (!line.trim()) continue;
    const top = /^([A-Za-z]\w*):\s*(.*)$/.exec(line);
    if (top) {
      current = [];
      sections.set(top[1], current);
      if (top[2]) current.push(`value: ${top[2]}`);
    } else current?.push(line);
  }
  const scalar = (v: string) => v.trim().replace(/^(['"])(.*)\1$/, '$2');
  const field = (lines: string[], key: string) => {
    for (const l of lines) {
      const m = new RegExp(`^\\s*(?:- )?${key}:\\s*(.*)$`).exec(l);
      if (m) return scalar(m[1]);
    }
    return undefined;
  };
  /** a list of maps: items start at "- " */
  const items = (lines: string[]) => {
    const out: string[][] = [];
    for (const l of lines) {
      if (/^\s*- /.test(l)) out.push([l]);
      else out[out.length - 1]?.push(l);
    }
    return out;
  };
  const need = (name: string) => {
    const s = sections.get(name);
    if (!s) throw new Error(`${file}: no "${name}"`);
    return s;
  };
  const req = (lines: string[], key: string, where: string) => {
    const v = field(lines, key);
    if (v === undefined) throw new Error(`${file}: ${where} has no "${key}"`);
    return v;
  };
  const user = (lines: string[], where: string): PlaygroundUser => ({
    id: req(lines, 'id', where),
    name: req(lines, 'name', where),
    aadObjectId: req(lines, 'aadObjectId', where),
  });

  const team = need('team');
  const channelsAt = team.findIndex((l) => /^\s*channels:/.test(l));
  const teamOwn = channelsAt >= 0 ? team.slice(0, channelsAt) : team;
  return {
    path: file,
    tenantId: req(need('tenantId'), 'value', 'tenantId'),
    bot: { id: req(need('bot'), 'id', 'bot'), name: req(need('bot'), 'name', 'bot') },
    currentUser: user(need('currentUser'), 'currentUser'),
    users: items(need('users')).map((u, i) => user(u, `users[${i}]`)),
    team: { id: req(teamOwn, 'id', 'team'), name: req(teamOwn, 'name', 'team') },
    channels:
      channelsAt >= 0
        ? items(team.slice(channelsAt + 1)).map((c, i) => ({
            id: req(c, 'id', `team.channels[${i}]`),
            name: req(c, 'name', `team.channels[${i}]`),
          }))
        : [],
  };
}

/** The channel the bot's SECURITY_CHANNEL_ID must name so its notifications show in the Playground. */
export function securityChannel(config: PlaygroundConfig): { id: string; name: string } {
  const c = config.channels.find((ch) => /security alerts/i.test(ch.name));
  if (!c) throw new Error(`${config.path}: the team has no "Security alerts" channel`);
  return c;
}

/**
 * The config must agree with the sample tenant, or the bot would refuse the "admin" for reasons that
 * have nothing to do with what is being tried. Throws one message listing every disagreement.
 */
export function checkPlaygroundConfig(config: PlaygroundConfig): void {
  const problems: string[] = [];
  if (config.tenantId !== SAMPLE.tenantId)
    problems.push(`tenantId is ${config.tenantId}, the sample tenant is ${SAMPLE.tenantId}`);
  if (config.currentUser.aadObjectId !== SAMPLE.admin.id)
    problems.push(
      `currentUser.aadObjectId must be ${SAMPLE.admin.name}'s Entra object id ${SAMPLE.admin.id} (a member of SecOps Admins)`,
    );
  if (config.users.length !== 5)
    problems.push(`users has ${config.users.length} entries; the Playground needs exactly 5`);
  if (!config.users.some((u) => u.aadObjectId === SAMPLE.nonAdmin.id))
    problems.push(
      `users must include the non-admin ${SAMPLE.nonAdmin.name} (aadObjectId ${SAMPLE.nonAdmin.id})`,
    );
  if (config.channels.length > 1) problems.push('the Playground allows at most one channel besides General');
  try {
    securityChannel(config);
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length)
    throw new Error(`${config.path} does not fit the sample tenant:\n- ${problems.join('\n- ')}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
