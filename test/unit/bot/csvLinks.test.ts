import { addressOfClient, CsvLinks } from '../../../src/bot/csvLinks';
import { ConfigError, loadConfig, MAX_CSV_LINK_TTL_HOURS } from '../../../src/config';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const KEY = Buffer.from('c2lnbi1vdXQtYm90LXRlc3Qta2V5LTMyLWJ5dGVzISE', 'base64url');
const OTHER_KEY = Buffer.alloc(32, 7);
const HOUR = 3600_000;
const TENANT = '11111111-2222-4333-8444-555555555555';

describe('CSV download links', () => {
  let now = Date.parse('2026-11-22T12:00:00Z');
  beforeEach(() => {
    now = Date.parse('2026-11-22T12:00:00Z');
  });
  const links = (o: { key?: Buffer; publicUrl?: string; ttlHours?: number } = {}) =>
    new CsvLinks(o.key ?? KEY, {
      publicUrl: o.publicUrl ?? 'https://bot.contoso.com',
      ttlHours: o.ttlHours ?? 24,
      now: () => now,
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
    const link = links({ publicUrl: 'https://bot.contoso.com/' }).linkFor(ID);
    expect(link.url.startsWith(`https://bot.contoso.com/exports/${ID}.csv?`)).toBe(true);
    const p = parts(link.url);
    expect(links().check(p.id, p.exp, p.sig)).toBe('valid');
  });

  it('lives CSV_LINK_TTL_HOURS: valid up to its expiry, expired one millisecond later', () => {
    for (const ttlHours of [1, 24, MAX_CSV_LINK_TTL_HOURS]) {
      now = Date.parse('2026-11-22T12:00:00Z');
      const l = links({ ttlHours });
      const link = l.linkFor(ID);
      expect(link.expiresAt).toBe(new Date(now + ttlHours * HOUR).toISOString());
      const p = parts(link.url);
      now += ttlHours * HOUR;
      expect(l.check(p.id, p.exp, p.sig)).toBe('valid');
      now += 1;
      expect(l.check(p.id, p.exp, p.sig)).toBe('expired');
    }
  });

  it('refuses another request id, a changed expiry, a bad signature and a malformed expiry', () => {
    const l = links();
    const p = parts(l.linkFor(ID).url);
    expect(l.check('1f8fad5b-d9cb-469f-a165-70867728950e', p.exp, p.sig)).toBe('invalid');
    expect(l.check(p.id, String(Number(p.exp) + 1), p.sig)).toBe('invalid');
    for (const at of [0, p.sig.length - 1]) {
      const changed = p.sig[at] === 'A' ? 'B' : 'A';
      expect(l.check(p.id, p.exp, p.sig.slice(0, at) + changed + p.sig.slice(at + 1))).toBe('invalid');
    }
    expect(l.check(p.id, p.exp, p.sig.slice(0, -1))).toBe('invalid');
    expect(l.check(p.id, p.exp, undefined)).toBe('invalid');
    expect(l.check(`${p.id.slice(0, -1)}x`, p.exp, p.sig)).toBe('invalid');
    // the same number written another way is not the signed text
    expect(l.check(p.id, `${p.exp}.0`, p.sig)).toBe('invalid');
    expect(l.check(p.id, undefined, p.sig)).toBe('invalid');
  });

  it('calls a forged link invalid, never expired, whatever expiry it claims', () => {
    const l = links();
    const p = parts(l.linkFor(ID).url);
    expect(l.check(p.id, '1000', p.sig)).toBe('invalid');
    now += 2 * 24 * HOUR;
    expect(links({ key: OTHER_KEY }).check(p.id, p.exp, p.sig)).toBe('invalid');
  });

  it('verifies on any instance with the same key, and on none with another', () => {
    const p = parts(links({ publicUrl: 'https://a' }).linkFor(ID).url);
    expect(links({ key: Buffer.from(KEY), publicUrl: 'https://b' }).check(p.id, p.exp, p.sig)).toBe('valid');
    expect(links({ key: OTHER_KEY }).check(p.id, p.exp, p.sig)).toBe('invalid');
  });
});

describe('CSV_LINK_TTL_HOURS', () => {
  const ttl = (value?: string) =>
    loadConfig({ AZURE_TENANT_ID: TENANT, LOCAL_MODE: 'true', CSV_LINK_TTL_HOURS: value });
  const problems = (value: string) => {
    try {
      ttl(value);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('defaults to 24 hours, also when left empty', () => {
    expect(ttl().csvLinkTtlHours).toBe(24);
    expect(ttl('').csvLinkTtlHours).toBe(24);
    expect(ttl(' 72 ').csvLinkTtlHours).toBe(72);
  });

  it('takes whole hours from 1 to a week, and names the rule otherwise', () => {
    expect(ttl('1').csvLinkTtlHours).toBe(1);
    expect(ttl('168').csvLinkTtlHours).toBe(168);
    expect(problems('0')).toEqual(['CSV_LINK_TTL_HOURS must be at least 1']);
    expect(problems('169')).toEqual(['CSV_LINK_TTL_HOURS must be at most 168']);
    expect(problems('1.5')).toEqual(['CSV_LINK_TTL_HOURS must be a whole number']);
    expect(problems('a day')).toEqual(['CSV_LINK_TTL_HOURS must be a number']);
  });
});

describe('the address of a download', () => {
  it('is the TCP peer, without the IPv4-mapped prefix, when no header is trusted', () => {
    expect(addressOfClient('203.0.113.5')).toBe('203.0.113.5');
    expect(addressOfClient('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressOfClient('2001:db8::7')).toBe('2001:db8::7');
  });

  it("behind App Service, is the last X-Forwarded-For entry (the front end's), without its port", () => {
    expect(addressOfClient('10.0.0.4', '198.51.100.9:53211')).toBe('198.51.100.9');
    expect(addressOfClient('10.0.0.4', '[2001:db8::9]:53211')).toBe('2001:db8::9');
    expect(addressOfClient('10.0.0.4', '2001:db8::9')).toBe('2001:db8::9');
    // what the client wrote itself comes first, and is ignored
    expect(addressOfClient('10.0.0.4', '1.2.3.4, 198.51.100.9:53211')).toBe('198.51.100.9');
    expect(addressOfClient('10.0.0.4', ['1.2.3.4', '198.51.100.9:1'])).toBe('198.51.100.9');
  });

  it('falls back to the TCP peer when the last entry is not an address', () => {
    expect(addressOfClient('10.0.0.4', '198.51.100.9, evil.example')).toBe('10.0.0.4');
    expect(addressOfClient('10.0.0.4', '')).toBe('10.0.0.4');
    expect(addressOfClient('10.0.0.4', '1.2.3.4,')).toBe('10.0.0.4');
  });
});
