import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BotDriver, cardOf, type Actor } from '../support/botDriver';
import { closeServer } from '../support/closeServer';
import { auditEntries, expireRequest, useSandbox, waitUntil } from '../support/sandboxState';
import type { Sandbox } from '../support/sandbox';
import { messageActivity, postActivity } from '../support/teamsActivity';
import { SAMPLE } from '../support/tenantFixture';

/**
 * Issue 10: the file store under faults, with the real bot. A torn audit line (item 5), a message whose
 * answer could not be posted (item 7, memory ledger), damaged records and a store that stops accepting
 * writes (item 10).
 */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };

describe('a torn last line in audit.jsonl', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox({}, (s, b) => {
    sb = s;
    bot = b;
  });

  it('is cut off and kept aside at the next append, so the entries after it are readable', async () => {
    await bot.requestSignout(`signout ${SAMPLE.lester.upn}`, admin);
    await waitUntil(() => fs.existsSync(path.join(sb.dataDir, 'audit.jsonl')));
    const before = (await auditEntries(sb)).length;
    // the bot dies mid-append: half a line, no newline
    await sb.stopBot('SIGKILL');
    const torn = '{"at":"2026-11-22T12:00:00.000Z","event":"revoked","requestId":"a1b2","actor":{"na';
    fs.appendFileSync(path.join(sb.dataDir, 'audit.jsonl'), torn);
    await sb.restartBot();

    const card = await bot.requestSignout(`signout ${SAMPLE.zoe.upn}`, admin);
    // the helper parses every line: it throws on a torn or glued one
    await waitUntil(() => fs.readFileSync(path.join(sb.dataDir, 'audit.jsonl'), 'utf8').endsWith('\n'));
    const entries = await auditEntries(sb);
    expect(entries).toHaveLength(before + 1);
    expect(entries[entries.length - 1]).toMatchObject({ event: 'requested', requestId: card.requestId });
    expect(fs.readFileSync(path.join(sb.dataDir, 'audit.jsonl.torn'), 'utf8')).toContain(torn);
    expect(sb.logs()).toMatch(/torn last line of .*audit\.jsonl.*cut off/);
    expect(sb.logs()).toContain(`"bytes":${Buffer.byteLength(torn)}`);
  });
});

describe('a message whose answer could not be posted', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox({}, (s, b) => {
    sb = s;
    bot = b;
  });

  it('is answered when Teams delivers it again: the failed delivery released its claim', async () => {
    // the Bot Connector refuses every post of the first delivery
    const refusing = createServer((req, res) => {
      req.resume();
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            code: 'BotNotInConversationRoster',
            message: 'The bot is not part of the conversation roster.',
          },
        }),
      );
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const activity = messageActivity({
      text: `status ${SAMPLE.lester.upn}`,
      from: { aadObjectId: admin.id, name: admin.name },
      tenantId: SAMPLE.tenantId,
      serviceUrl: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/`,
    });
    const mark = sb.logs().length;
    try {
      await postActivity(sb.botUrl, activity);
      await waitUntil(() => sb.logs().slice(mark).includes('unhandled turn error'), 30_000);
    } finally {
      await closeServer(refusing);
    }

    const again = await postActivity(sb.botUrl, { ...activity, serviceUrl: sb.serviceUrl });
    expect(again.status).toBe(200);
    const card = await bot.connector.waitFor(
      (x) => x.conversationId === activity.conversation.id && !!cardOf(x),
      15_000,
    );
    expect(JSON.stringify(card.body)).toContain(SAMPLE.lester.name);
    expect(sb.logs()).not.toMatch(/message delivered again; already handled/);
  });
});

/** The file of a key in DATA_DIR/requests (FileStorage: one JSON file per key). */
const recordFile = (sb: Sandbox, key: string) =>
  path.join(sb.dataDir, 'requests', `${encodeURIComponent(key)}.json`);

async function healthz(sb: Sandbox): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sb.botUrl}/healthz`);
  return { status: res.status, body: await res.json() };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('damaged records at start-up', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox({}, (s, b) => {
    sb = s;
    bot = b;
  });

  it('moves a truncated request file and a corrupt index aside, says so, and runs', async () => {
    const intact = await bot.requestSignout(`signout ${SAMPLE.lester.upn}`, admin);
    const broken = await bot.requestSignout(`signout ${SAMPLE.zoe.upn}`, admin);
    await sb.stopBot('SIGTERM');
    const brokenFile = recordFile(sb, `request/${broken.requestId}`);
    const text = fs.readFileSync(brokenFile, 'utf8');
    fs.writeFileSync(brokenFile, text.slice(0, Math.floor(text.length / 2)));
    fs.writeFileSync(recordFile(sb, 'index/active'), '{"ids":["' + intact.requestId.slice(0, 9));
    // while it was down, the intact request's card ran out of time
    await expireRequest(sb, intact.requestId);
    await sb.restartBot();

    const quarantine = path.join(sb.dataDir, 'quarantine');
    await waitUntil(() => fs.existsSync(quarantine) && fs.readdirSync(quarantine).length === 2);
    const moved = fs.readdirSync(quarantine).sort();
    expect(moved[0].startsWith(`index%2Factive.json.`)).toBe(true);
    expect(moved[1].startsWith(`${path.basename(brokenFile)}.`)).toBe(true);
    expect(fs.readFileSync(path.join(quarantine, moved[1]), 'utf8')).toBe(
      text.slice(0, Math.floor(text.length / 2)),
    );
    expect(fs.existsSync(brokenFile)).toBe(false);
    expect(sb.logs()).toContain(brokenFile);
    expect(sb.logs()).toMatch(/could not be read.*moved aside/);
    expect((await healthz(sb)).status).toBe(200);

    // the index was rebuilt from the request files: the sweep found the intact request and expired it
    await bot.waitForCardText(intact.cardActivityId, /expired/i);
    // the damaged request is gone: its card does nothing
    const click = await bot.click('signout.confirm', broken, admin);
    expect(click.body?.value).toMatch(/no longer valid/);
    expect(sb.graph.revokeCount(SAMPLE.zoe.id)).toBe(0);
    // start-up had no conversation to post from: the warning went out with the first activity
    await bot.waitForSecurityNotice(new RegExp(`request ${broken.requestId}.*moved it aside`));
    await bot.waitForSecurityNotice(/index of unfinished requests.*rebuilt/);
  });
});

/**
 * Makes a folder read-only for the bot. A normal user: chmod. Root ignores file modes, so as root: a
 * read-only bind mount over it (EROFS, as a disk remounted read-only), else the immutable attribute
 * (EPERM). Returns the undo.
 */
function makeReadOnly(dir: string): () => void {
  const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });
  if (process.getuid?.() !== 0) {
    run('chmod', '-R', 'a-w', dir);
    return () => run('chmod', '-R', 'u+w', dir);
  }
  try {
    run('mount', '--bind', dir, dir);
    try {
      run('mount', '-o', 'remount,ro,bind', dir);
    } catch (err) {
      run('umount', dir);
      throw err;
    }
    return () => run('umount', dir);
  } catch (mountError) {
    try {
      run('chattr', '-R', '+i', dir);
      return () => run('chattr', '-R', '-i', dir);
    } catch (chattrError) {
      throw new Error(
        `cannot make ${dir} read-only as root: mount failed (${(mountError as Error).message.trim()}) and chattr failed (${(chattrError as Error).message.trim()})`,
      );
    }
  }
}

describe('a store that stops accepting writes', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox({}, (s, b) => {
    sb = s;
    bot = b;
  });
  let undo: (() => void) | undefined;
  afterEach(() => {
    undo?.();
    undo = undefined;
  });

  it('shows in /healthz and in every answer that needs it, changes nothing, and recovers', async () => {
    const card = await bot.requestSignout(`signout ${SAMPLE.lester.upn}`, admin);
    const snapshot = () => ({
      requests: fs.readdirSync(path.join(sb.dataDir, 'requests')).sort(),
      audit: fs.readFileSync(path.join(sb.dataDir, 'audit.jsonl'), 'utf8'),
    });
    const before = snapshot();
    undo = makeReadOnly(sb.dataDir);

    const first = await bot.say(`signout ${SAMPLE.zoe.upn} lost phone`, admin);
    await bot.waitForText(first.conversation.id, /cannot save anything right now, so it did nothing/);
    const health = await healthz(sb);
    expect(health.status).toBe(503);
    expect(health.body.problem).toMatch(/read-only|permission|EROFS|EACCES|EPERM/);
    expect(sb.logs()).toMatch(/store refuses writes/);

    // now known: the next one is answered before anything is looked up
    const graphCalls = sb.graph.requests.length;
    const second = await bot.say(`signout ${SAMPLE.zoe.upn} lost phone`, admin);
    await bot.waitForText(second.conversation.id, /cannot save anything right now/);
    expect(sb.graph.requests.length).toBe(graphCalls);
    const click = await bot.click('signout.confirm', card, admin);
    expect(click.body?.value).toMatch(/cannot save anything right now/);
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(0);
    expect(sb.graph.revokeCount(SAMPLE.zoe.id)).toBe(0);
    expect(bot.postedIn(first.conversation.id).some((a) => cardOf(a))).toBe(false);
    expect(snapshot()).toEqual(before);
    // commands that write nothing still work
    const status = await bot.say(`status ${SAMPLE.zoe.upn}`, admin);
    await bot.connector.waitFor((a) => a.conversationId === status.conversation.id && !!cardOf(a));

    undo();
    undo = undefined;
    await eventually(async () => (await healthz(sb)).status === 200);
    expect(sb.logs()).toMatch(/store accepts writes again/);
    await bot.click('signout.confirm', card, admin);
    await bot.waitForText(card.conversationId, /Sessions valid from/);
    expect(sb.graph.revokeCount(SAMPLE.lester.id)).toBe(1);
  });
});
