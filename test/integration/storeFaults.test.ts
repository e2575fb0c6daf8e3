import * as fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BotDriver, cardOf, type Actor } from '../support/botDriver';
import { closeServer } from '../support/closeServer';
import { auditEntries, useSandbox, waitUntil } from '../support/sandboxState';
import type { Sandbox } from '../support/sandbox';
import { messageActivity, postActivity } from '../support/teamsActivity';
import { SAMPLE } from '../support/tenantFixture';

/**
 * Issue 10: the file store under faults, with the real bot. A torn audit line (item 5), a message whose
 * answer could not be posted (item 7, memory ledger).
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
