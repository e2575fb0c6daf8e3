import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CsvLinks } from '../../src/bot/csvLinks';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('CSV download links', () => {
  let dir: string;
  let now = Date.parse('2026-11-22T12:00:00Z');
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'csvlinks-'));
  });

  const parts = (url: string) => {
    const u = new URL(url);
    return {
      id: u.pathname.split('/').pop()!.replace('.csv', ''),
      exp: u.searchParams.get('expires')!,
      sig: u.searchParams.get('sig')!,
    };
  };

  it('signs a link that verifies, under the public URL', async () => {
    const links = await CsvLinks.create(dir, 'https://bot.contoso.com/', () => now);
    const url = links.urlFor(ID);
    expect(url.startsWith(`https://bot.contoso.com/exports/${ID}.csv?`)).toBe(true);
    const p = parts(url);
    expect(links.verify(p.id, p.exp, p.sig)).toBe(true);
  });

  it('refuses another request id, a changed expiry, a bad signature and an expired link', async () => {
    const links = await CsvLinks.create(dir, 'https://bot.contoso.com', () => now);
    const p = parts(links.urlFor(ID));
    expect(links.verify('1f8fad5b-d9cb-469f-a165-70867728950e', p.exp, p.sig)).toBe(false);
    expect(links.verify(p.id, String(Number(p.exp) + 1), p.sig)).toBe(false);
    const lastChar = p.sig.slice(-1) === 'A' ? 'B' : 'A';
    expect(links.verify(p.id, p.exp, `${p.sig.slice(0, -1)}${lastChar}`)).toBe(false);
    expect(links.verify(p.id, p.exp, undefined)).toBe(false);
    now += 8 * 24 * 3600_000;
    expect(links.verify(p.id, p.exp, p.sig)).toBe(false);
  });

  it('keeps its key across restarts, so links posted before a restart still work', async () => {
    const t = Date.parse('2026-11-22T12:00:00Z');
    const first = await CsvLinks.create(dir, 'https://x', () => t);
    const p = parts(first.urlFor(ID));
    const second = await CsvLinks.create(dir, 'https://x', () => t);
    expect(second.verify(p.id, p.exp, p.sig)).toBe(true);
    const other = await CsvLinks.create(
      await fs.mkdtemp(path.join(os.tmpdir(), 'csvlinks-')),
      'https://x',
      () => t,
    );
    expect(other.verify(p.id, p.exp, p.sig)).toBe(false);
  });
});
