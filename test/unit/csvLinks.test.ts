import { CsvLinks } from '../../src/bot/csvLinks';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const KEY = Buffer.from('c2lnbi1vdXQtYm90LXRlc3Qta2V5LTMyLWJ5dGVzISE', 'base64url');
const OTHER_KEY = Buffer.alloc(32, 7);

describe('CSV download links', () => {
  let now = Date.parse('2026-11-22T12:00:00Z');
  beforeEach(() => {
    now = Date.parse('2026-11-22T12:00:00Z');
  });

  const parts = (url: string) => {
    const u = new URL(url);
    return {
      id: u.pathname.split('/').pop()!.replace('.csv', ''),
      exp: u.searchParams.get('expires')!,
      sig: u.searchParams.get('sig')!,
    };
  };

  it('signs a link that verifies, under the public URL', () => {
    const links = new CsvLinks(KEY, 'https://bot.contoso.com/', () => now);
    const url = links.urlFor(ID);
    expect(url.startsWith(`https://bot.contoso.com/exports/${ID}.csv?`)).toBe(true);
    const p = parts(url);
    expect(links.verify(p.id, p.exp, p.sig)).toBe(true);
  });

  it('refuses another request id, a changed expiry, a bad signature and an expired link', () => {
    const links = new CsvLinks(KEY, 'https://bot.contoso.com', () => now);
    const p = parts(links.urlFor(ID));
    expect(links.verify('1f8fad5b-d9cb-469f-a165-70867728950e', p.exp, p.sig)).toBe(false);
    expect(links.verify(p.id, String(Number(p.exp) + 1), p.sig)).toBe(false);
    for (const at of [0, p.sig.length - 1]) {
      const changed = p.sig[at] === 'A' ? 'B' : 'A';
      expect(links.verify(p.id, p.exp, p.sig.slice(0, at) + changed + p.sig.slice(at + 1))).toBe(false);
    }
    expect(links.verify(p.id, p.exp, p.sig.slice(0, -1))).toBe(false);
    expect(links.verify(p.id, p.exp, undefined)).toBe(false);
    expect(links.verify(`${p.id.slice(0, -1)}x`, p.exp, p.sig)).toBe(false);
    now += 8 * 24 * 3600_000;
    expect(links.verify(p.id, p.exp, p.sig)).toBe(false);
  });

  it('verifies on any instance with the same key, and on none with another', () => {
    const p = parts(new CsvLinks(KEY, 'https://a', () => now).urlFor(ID));
    expect(new CsvLinks(Buffer.from(KEY), 'https://b', () => now).verify(p.id, p.exp, p.sig)).toBe(true);
    expect(new CsvLinks(OTHER_KEY, 'https://a', () => now).verify(p.id, p.exp, p.sig)).toBe(false);
  });
});
