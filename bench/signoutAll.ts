import { cardOf, findAction } from '../test/support/botDriver';
import { type Sandbox, startSandbox } from '../test/support/sandbox';
import { messageActivity, invokeActivity } from '../test/support/teamsActivity';
import { largeTenant, SAMPLE } from '../test/support/tenantFixture';
import { compressLimits, limitsForTenantSize } from '../src/graph/throttleLimits';
import { deployedNodeOptions, loadAverage, postJson, printHeader, rssMb } from './loadHarness';
import * as fs from 'node:fs';

/**
 * `npm run bench -- signout-all`: `signout all` through the bot, end to end, in a stand-in tenant of
 * 100,000 users with Graph's limits compressed ×10. Times the message to its card, the confirming click
 * to the first revoke and to the last, and the bot's peak resident memory (the kernel's high-water
 * mark); checks every user was revoked exactly once. Prints figures, asserts nothing.
 *
 *   node dist/bench/signoutAll.js [--users 100000] [--factor 10] [--bot-node-options '--max-old-space-size=160']
 *
 * The bot runs as App Service runs it: the NODE_OPTIONS of infra/azure.bicep, no source maps.
 */

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function textArg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function peakRssMb(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const users = arg('--users', 100_000);
  const factor = arg('--factor', 10);
  const nodeOptions = textArg('--bot-node-options');
  const limits = compressLimits(limitsForTenantSize(users), factor);
  printHeader('Sign-out Bot: signout all through the bot');
  console.log(
    `  tenant        ${users.toLocaleString('en-US')} users (largeTenant), Graph latency 80 ± 20 ms`,
  );
  console.log(
    `  limits        ×${factor}: ${limits.writes} writes per ${limits.writeWindowMs / 1000} s, ${limits.resourceUnits} RU per ${limits.ruWindowMs / 1000} s`,
  );
  const writesPerSecond = (limits.writes * 1000) / limits.writeWindowMs;
  // Graph's bucket starts full: the first `writes` revokes cost no waiting
  const minimumS = Math.max(0, users - limits.writes) / writesPerSecond;
  console.log(`  minimum       ${minimumS.toFixed(1)} s for the write quota (the bucket starts full)`);
  const deployed = deployedNodeOptions();
  console.log(
    `  bot node      NODE_OPTIONS=${deployed} (infra/azure.bicep)${nodeOptions ? `, then ${nodeOptions}` : ''}`,
  );
  console.log('');
  const sb: Sandbox = await startSandbox({
    tenant: largeTenant(users),
    graph: { limits, latencyMs: 60, jitterMs: 40 },
    // the bot paces against the limits the stand-in enforces
    env: {
      LOG_LEVEL: 'warn',
      APPROVAL_POLICY: 'none',
      TEST_ONLY_GRAPH_THROTTLE_COMPRESSION: String(factor),
      NODE_OPTIONS: deployed,
    },
    // as App Service runs it: no source maps; --bot-node-options go on its command line
    nodeArgs: nodeOptions?.split(/\s+/).filter(Boolean) ?? [],
  });
  const pid = sb.pid();
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssMb(pid)), 500);
  try {
    const from = { aadObjectId: SAMPLE.admin.id, name: SAMPLE.admin.name };
    const said = messageActivity({
      text: 'signout --self all -- benchmark',
      from,
      tenantId: SAMPLE.tenantId,
      serviceUrl: sb.serviceUrl!,
    });
    const asked = Date.now();
    await postJson(sb.botUrl, JSON.stringify(said));
    const posted = await waitFor(
      'the confirmation card',
      () => sb.connector!.activities.find((a) => a.conversationId === said.conversation.id && cardOf(a)),
      600_000,
    );
    const cardAt = Date.now();
    const card = cardOf(posted)!;
    const confirm = findAction(card, 'signout.confirm');
    if (!confirm) throw new Error(`no confirm button: ${JSON.stringify(card).slice(0, 400)}`);
    console.log(
      `  message → card        ${((cardAt - asked) / 1000).toFixed(1)} s (bot RSS ${rssMb(pid).toFixed(0)} MB)`,
    );

    const click = invokeActivity({
      verb: 'signout.confirm',
      data: { requestId: confirm.data.requestId, confirmText: String(users) },
      from,
      tenantId: SAMPLE.tenantId,
      serviceUrl: sb.serviceUrl!,
      conversationId: said.conversation.id,
      replyToId: posted.activityId,
    });
    const clicked = Date.now();
    const status = await postJson(sb.botUrl, JSON.stringify(click));
    console.log(`  click answered        ${status} after ${((Date.now() - clicked) / 1000).toFixed(1)} s`);
    const first = await waitFor('the first revoke', () => sb.graph.revokeTimes.first, 600_000);
    console.log(`  click → first revoke  ${((first - clicked) / 1000).toFixed(1)} s`);
    await waitFor(
      'the summary',
      () =>
        sb.connector!.activities.find(
          (a) => typeof a.body?.text === 'string' && /Bulk sign-out (finished|stopped)/.test(a.body.text),
        ),
      3_600_000,
    );
    const summaryAt = Date.now();
    const last = sb.graph.revokeTimes.last!;
    const counts = [...sb.graph.revokeCounts().values()];
    const once = counts.filter((n) => n === 1).length;
    const total = (last - clicked) / 1000;
    console.log(
      `  click → last revoke   ${total.toFixed(1)} s (${((total / minimumS - 1) * 100).toFixed(1)}% over the minimum)`,
    );
    console.log(`  click → summary       ${((summaryAt - clicked) / 1000).toFixed(1)} s`);
    console.log(
      `  revoked               ${counts.length.toLocaleString('en-US')} users, ${once.toLocaleString('en-US')} exactly once, ${counts.length - once} more than once`,
    );
    console.log(
      `  bot memory            peak RSS ${peakRssMb(pid).toFixed(0)} MB (kernel high-water mark); samples ${Math.min(...samples).toFixed(0)}–${Math.max(...samples).toFixed(0)} MB`,
    );
    console.log(`  load                  ${loadAverage()}`);
  } finally {
    clearInterval(sampler);
    await sb.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
