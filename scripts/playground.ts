/**
 * `npm run playground`: the bot in a Teams emulator, on this machine, with no tenant and no internet.
 *
 * Starts the Graph and Entra stand-ins with the sample tenant (contoso.com), the built bot wired to them
 * with its data in ./.playground/, and the Microsoft 365 Agents Playground configured by
 * .m365agentsplayground.yml (you are Alex Wilber, a sample admin). Ctrl-C stops all of it.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  PLAYGROUND_DEFAULT_PORT,
  type Playground,
  checkPlaygroundConfig,
  describeExit,
  exitReason,
  readPlaygroundConfig,
  securityChannel,
  startPlayground,
} from '../test/support/playgroundRunner';
import { DEFAULT_PERMISSIONS, IDENTITY_PROTECTION_PERMISSIONS } from '../test/support/graphStandIn';
import { type Sandbox, freePort, repoRoot, startSandbox } from '../test/support/sandbox';
import { VERIFY_PERMISSIONS } from '../test/support/signInLogStandIn';
import { SAMPLE_TOKEN_POLICY, lesterUsualSignIns, signInsAfterRevoke } from '../test/support/signInStory';
import { SAMPLE, sampleTenant } from '../test/support/tenantFixture';

const BOT_PORT = 3978;
const HEALTH_EVERY_MS = 2_000;
const HEALTH_FAILURES = 3;

async function main(): Promise<void> {
  const root = repoRoot();
  const config = readPlaygroundConfig();
  checkPlaygroundConfig(config);
  const security = securityChannel(config);
  const dataDir = path.join(root, '.playground');
  fs.mkdirSync(dataDir, { recursive: true });

  let sandbox: Sandbox | undefined;
  let playground: Playground | undefined;
  let stopping = false;
  const timers: { health?: NodeJS.Timeout } = {};

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timers.health);
    console.log('\nStopping the Playground, the bot and the stand-ins...');
    const failures: unknown[] = [];
    for (const stop of [() => playground?.stop(), () => sandbox?.stop()]) {
      try {
        await stop();
      } catch (err) {
        failures.push(err);
      }
    }
    for (const err of failures) console.error(err instanceof Error ? err.message : err);
    process.exit(failures.length && code === 0 ? 1 : code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        console.error(`${signal} again: exiting now`);
        process.exit(1);
      }
      void shutdown(0);
    });
  }

  try {
    const botPort = (await isFree(BOT_PORT)) ? BOT_PORT : await freePort();
    sandbox = await startSandbox({
      connector: false,
      dataDir,
      botPort,
      // the bot's log lines show up here as you use it in the browser
      botStdout: 'inherit',
      // the Playground sends no tokens: local mode, reachable from this machine only. A schedule a few
      // minutes ahead (docs/playground.md) gets its reminder a minute in; Kat Larsson is at high risk in
      // the sample tenant, so her alert card shows up in the security channel
      env: {
        LOCAL_MODE: 'true',
        SECURITY_CHANNEL_ID: security.id,
        SCHEDULE_REMINDER_MINUTES: '2',
        RISKY_USERS_POLL_SECONDS: '20',
      },
      // Lester's sign-in logs: a week from Berlin, then after a sign-out refused refreshes and a new
      // sign-in from São Paulo (verify, "Check sign-ins", the follow-ups)
      tenant: {
        ...sampleTenant(),
        signIns: lesterUsualSignIns(new Date()),
        tokenLifetimePolicies: [SAMPLE_TOKEN_POLICY],
      },
      graph: {
        permissions: [...DEFAULT_PERMISSIONS, ...VERIFY_PERMISSIONS, ...IDENTITY_PROTECTION_PERMISSIONS],
        signInsAfterRevoke,
      },
    });
    if (stopping) return;
    playground = await startPlayground({ botUrl: sandbox.botUrl, port: PLAYGROUND_DEFAULT_PORT });
  } catch (err) {
    console.error(`\nThe playground could not start: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown(1);
    return;
  }
  if (stopping) return;

  const pg = playground;
  void pg.exited.then((e) => {
    if (stopping) return;
    console.error(
      `\nThe Microsoft 365 Agents Playground stopped (${describeExit(e)}).\n${exitReason(pg.logFile)}`,
    );
    void shutdown(1);
  });

  const botUrl = sandbox.botUrl;
  let failures = 0;
  timers.health = setInterval(() => {
    fetch(`${botUrl}/healthz`, { signal: AbortSignal.timeout(1500) })
      .then(async (res) => {
        await res.arrayBuffer();
        failures = res.ok ? 0 : failures + 1;
      })
      .catch(() => (failures += 1))
      .finally(() => {
        if (failures >= HEALTH_FAILURES && !stopping) {
          console.error(`\nThe bot stopped answering ${botUrl}/healthz (see its output above).`);
          void shutdown(1);
        }
      });
  }, HEALTH_EVERY_MS);

  const me = config.currentUser;
  const rel = (p: string) => path.relative(root, p) || '.';
  console.log(
    [
      '',
      'Sign-out Bot playground is running.',
      '',
      `  Open ${pg.url} in a browser.`,
      '',
      `  You are ${me.name} (${SAMPLE.admin.upn}), a member of "SecOps Admins" in the sample tenant ${SAMPLE.primaryDomain}.`,
      `  In the "${config.team.name}" team's General channel, mention the bot (type @Sign, pick "${config.bot.name}"), then try:`,
      '',
      `    signout ${SAMPLE.lester.upn} laptop stolen`,
      `    status ${SAMPLE.lester.upn}`,
      `    verify ${SAMPLE.lester.upn}        (a minute after the sign-out: his sample sign-in logs)`,
      '    help',
      '',
      `  Notifications go to the "${security.name}" channel. Personal Chat needs no mention.`,
      `  Bot: ${botUrl}/api/messages   data: ${rel(dataDir)}/ (rm -rf .playground to reset)`,
      `  Playground log: ${rel(pg.logFile)}`,
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
