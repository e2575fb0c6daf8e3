import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { main as exportAudit } from '../../scripts/auditExport';
import { CsvLinks } from '../../src/bot/csvLinks';
import { BotDriver, cardText, csvLinkOn, type Actor } from '../support/botDriver';
import { RefusingStorage, SAS_SIGNATURE } from '../support/refusingStorage';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { auditEntries, useSandbox } from '../support/sandboxState';
import { SAMPLE } from '../support/tenantFixture';

/** Issue 9, items 4 and 11: CSV links that say who can open them and audit every use; logs without secrets. */

const admin: Actor = { id: SAMPLE.admin.id, name: SAMPLE.admin.name };
const HOUR = 3600_000;
const TTL_HOURS = 2;
const BOT_APP_ID = '0b5d8c1e-4f3a-4e2b-9c7d-6a5b4c3d2e1f';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void) {
    this.text += chunk.toString('utf8');
    cb();
  }
}

describe('CSV download links', () => {
  let sb: Sandbox;
  let bot: BotDriver;
  useSandbox({ env: { CSV_LINK_TTL_HOURS: String(TTL_HOURS) } }, (s, b) => {
    sb = s;
    bot = b;
  });

  /** A finished bulk sign-out of two users: its request id and the link on its card. */
  async function finishedJob(): Promise<{ requestId: string; link: string; card: string; issuedAt: number }> {
    const [a, b] = SAMPLE.testUsers;
    const card = await bot.requestSignout(`signout ${a.upn} ${b.upn} -- phishing wave`, admin);
    const issuedAt = Date.now();
    expect((await bot.click('signout.confirm', card, admin)).status).toBe(200);
    const final = await bot.waitForCardText(card.cardActivityId, /\/exports\//, 30_000);
    return {
      requestId: card.requestId,
      link: csvLinkOn(final, sb.botUrl),
      card: cardText(final),
      issuedAt,
    };
  }

  const downloads = async (requestId: string) =>
    (await auditEntries(sb)).filter((e) => e.event === 'downloaded' && e.requestId === requestId);

  it('lives CSV_LINK_TTL_HOURS, and the card says who can open it and until when', async () => {
    const job = await finishedJob();
    const expires = Number(new URL(job.link).searchParams.get('expires'));
    expect(expires).toBeGreaterThanOrEqual(job.issuedAt + TTL_HOURS * HOUR);
    expect(expires).toBeLessThanOrEqual(Date.now() + TTL_HOURS * HOUR);
    const until = new Date(expires).toISOString().replace('T', ' ').slice(0, 19);
    // in UTC, and in the clicker's time zone
    expect(job.card).toMatch(
      new RegExp(
        `Anyone with this link can download the CSV until ${until} UTC( \\([^)]+\\))?; every download is audited\\.`,
      ),
    );
  });

  it('audits a download with time, address, user agent and request id, before serving it', async () => {
    const job = await finishedJob();
    const before = new Date().toISOString();
    const res = await fetch(job.link, {
      headers: {
        'User-Agent': 'Mozilla/5.0 (AuditCheck) =HYPERLINK("x")',
        // not on App Service: a client's own header is not believed
        'X-Forwarded-For': '203.0.113.77',
      },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(SAMPLE.testUsers[0].upn);
    const httpRequestId = res.headers.get('x-request-id');
    expect(httpRequestId).toMatch(/^[0-9a-f-]{36}$/);

    const [entry, ...more] = await downloads(job.requestId);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      event: 'downloaded',
      tenantId: SAMPLE.tenantId,
      requestId: job.requestId,
      outcome: 'served',
      actor: {},
      client: { ip: '127.0.0.1', userAgent: 'Mozilla/5.0 (AuditCheck) =HYPERLINK("x")', httpRequestId },
    });
    expect(entry.at >= before).toBe(true);

    // a second download is a second entry
    expect((await fetch(job.link)).status).toBe(200);
    expect(await downloads(job.requestId)).toHaveLength(2);

    // and the audit export carries them, with the user agent guarded against formulas
    const out = new Sink();
    expect(await exportAudit(['--data-dir', sb.dataDir], {}, out, new Sink())).toBe(0);
    const rows = out.text.split('\r\n').filter((r) => r.includes(`downloaded,${job.requestId}`));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(`127.0.0.1,"Mozilla/5.0 (AuditCheck) =HYPERLINK(""x"")",${httpRequestId}`);
  });

  it('refuses a link past its lifetime, and audits the attempt', async () => {
    const job = await finishedJob();
    // the bot's own key, as another instance would hold it: a genuine link, issued three hours ago
    const key = await fs.readFile(path.join(sb.dataDir, 'csv-link.key'));
    const old = new CsvLinks(key, {
      publicUrl: sb.botUrl,
      ttlHours: TTL_HOURS,
      now: () => Date.now() - 3 * HOUR,
    }).linkFor(job.requestId);
    const res = await fetch(old.url, { headers: { 'User-Agent': 'LateClicker/1.0' } });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain(SAMPLE.testUsers[0].upn);
    expect(await downloads(job.requestId)).toEqual([
      expect.objectContaining({
        outcome: 'expired',
        client: expect.objectContaining({ ip: '127.0.0.1', userAgent: 'LateClicker/1.0' }),
      }),
    ]);
    // the same link, still within its lifetime, works
    const fresh = new CsvLinks(key, { publicUrl: sb.botUrl, ttlHours: TTL_HOURS }).linkFor(job.requestId);
    expect((await fetch(fresh.url)).status).toBe(200);
  });

  it('refuses a forged link and writes nothing for it', async () => {
    const job = await finishedJob();
    const forged = new CsvLinks(Buffer.alloc(32, 1), { publicUrl: sb.botUrl, ttlHours: 1 }).linkFor(
      job.requestId,
    );
    expect((await fetch(forged.url)).status).toBe(403);
    expect(await downloads(job.requestId)).toEqual([]);
  });
});

describe('start-up', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  /** As on App Service: WEBSITE_INSTANCE_ID set, and so a real bot identity (no local mode there). */
  const onAppService = (env: Record<string, string | undefined>) =>
    startSandbox({
      env: {
        WEBSITE_INSTANCE_ID: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
        BOT_ID: BOT_APP_ID,
        BOT_PASSWORD: 'not-used-by-this-test',
        LOCAL_MODE: undefined,
        ...env,
      },
    });
  const warning = /PROTECTED_USER_IDS is empty: no account is protected/;

  it('warns on App Service when PROTECTED_USER_IDS is empty', async () => {
    sb = await onAppService({ PROTECTED_USER_IDS: '' });
    expect(sb.logs()).toMatch(warning);
  });

  it('does not warn once break-glass accounts are protected, nor outside App Service', async () => {
    sb = await onAppService({ PROTECTED_USER_IDS: SAMPLE.testUsers[5].id });
    expect(sb.logs()).toMatch(/listening/);
    expect(sb.logs()).not.toMatch(warning);
    await sb.stop();
    sb = await startSandbox({ env: { PROTECTED_USER_IDS: '' } });
    expect(sb.logs()).toMatch(/listening/);
    expect(sb.logs()).not.toMatch(warning);
  });

  it('stops on a SAS connection string Storage refuses, naming the container without the token', async () => {
    const storage = await new RefusingStorage().start();
    try {
      const failure = await startSandbox({
        env: { STORAGE_BACKEND: 'blob', AZURE_STORAGE_CONNECTION_STRING: storage.connectionString },
      }).then(
        (started) => {
          sb = started;
          throw new Error('the bot started on a refused connection string');
        },
        (err: Error) => err.message,
      );
      expect(failure).toContain(
        `Sign-out Bot failed to start: blob container ${storage.containerAddress('signout-requests')}: Server failed to authenticate the request`,
      );
      expect(failure).not.toContain('sig=');
      expect(failure).not.toContain(SAS_SIGNATURE);
      expect(storage.requestUrls.some((u) => u.includes(`sig=${SAS_SIGNATURE}`))).toBe(true);
    } finally {
      await storage.stop();
    }
  });
});
