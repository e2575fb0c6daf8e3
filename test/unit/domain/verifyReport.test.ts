import type { SignInEntry } from '../../../src/domain/signIns';
import {
  buildVerifyReport,
  freshnessText,
  suggestsBlock,
  verdictText,
} from '../../../src/domain/verifyReport';

const SINCE = '2026-11-29T14:02:00.000Z';
const at = (minutes: number) => new Date(Date.parse(SINCE) + minutes * 60_000).toISOString();
let n = 0;
const e = (over: Partial<SignInEntry>): SignInEntry => ({
  id: `e${++n}`,
  at: at(5),
  userId: 'u',
  app: 'Exchange Online',
  errorCode: 0,
  interactive: true,
  ...over,
});
const BERLIN = { kind: 'iana', zone: 'Europe/Berlin' } as const;

describe('buildVerifyReport', () => {
  it('groups by app, the app with the newest entry first, and counts refused old sessions', () => {
    const r = buildVerifyReport({
      since: SINCE,
      nonInteractiveMissing: false,
      entries: [
        e({ app: 'Teams', errorCode: 50173, interactive: false, at: at(2) }),
        e({ app: 'Teams', errorCode: 50133, interactive: false, at: at(7) }),
        e({ app: 'SharePoint', errorCode: 50126, at: at(3) }),
        e({ app: 'Exchange Online', at: at(9), ipAddress: '203.0.113.7' }),
        e({ app: 'Old', at: at(-1) }),
      ],
    });
    expect(r.apps.map((a) => [a.app, a.refused, a.newSignIns.length, a.otherFailures])).toEqual([
      ['Exchange Online', 0, 1, 0],
      ['Teams', 2, 0, 0],
      ['SharePoint', 0, 0, 1],
    ]);
    expect(r.apps[1].lastRefusedAt).toBe(at(7));
    expect(r.refusedTotal).toBe(2);
    expect(r.newestEntryAt).toBe(at(9));
  });

  it('counts an entry both logs returned once', () => {
    const one = e({ id: 'same' });
    const r = buildVerifyReport({ since: SINCE, nonInteractiveMissing: false, entries: [one, { ...one }] });
    expect(r.newSignIns).toHaveLength(1);
  });

  it('flags token refreshes that succeeded before any new interactive sign-in', () => {
    const r = buildVerifyReport({
      since: SINCE,
      nonInteractiveMissing: false,
      entries: [
        e({ app: 'Legacy sync', interactive: false, at: at(1) }),
        e({ app: 'Exchange Online', interactive: true, at: at(4) }),
        e({ app: 'Outlook', interactive: false, at: at(6) }),
      ],
    });
    expect(r.acceptedWithoutSignIn.map((x) => x.app)).toEqual(['Legacy sync']);
    expect(verdictText(r)).toMatch(
      /^1 app accepted a token without a new sign-in since 14:02 UTC \(Legacy sync\)/,
    );
  });

  it('compares new sign-ins with the week before only when it was read', () => {
    const input = {
      since: SINCE,
      nonInteractiveMissing: false,
      entries: [e({ ipAddress: '203.0.113.7', countryOrRegion: 'DE' })],
    };
    expect(buildVerifyReport(input).unusual).toBeUndefined();
    expect(suggestsBlock(buildVerifyReport(input))).toBe(false);
    const known = buildVerifyReport({
      ...input,
      before: [e({ id: 'b', at: at(-600), ipAddress: '203.0.113.7', countryOrRegion: 'DE' })],
    });
    expect(known.unusual).toEqual([]);
    const unknown = buildVerifyReport({
      ...input,
      before: [e({ id: 'b', at: at(-600), ipAddress: '198.51.100.1', countryOrRegion: 'US' })],
    });
    expect(unknown.unusual).toHaveLength(1);
    expect(suggestsBlock(unknown)).toBe(true);
  });
});

describe('verdictText', () => {
  it("says the issue's example in one line, in UTC and the reader's time", () => {
    const r = buildVerifyReport({
      since: SINCE,
      nonInteractiveMissing: false,
      entries: [
        e({ errorCode: 50173, interactive: false, at: at(1), app: 'Teams' }),
        e({ ipAddress: '203.0.113.7', city: 'Berlin', countryOrRegion: 'DE' }),
      ],
      before: [e({ id: 'b', at: at(-60), ipAddress: '203.0.113.7', countryOrRegion: 'DE' })],
    });
    expect(verdictText(r, BERLIN)).toBe(
      'No app accepted an old session since 14:02 UTC (15:02 Europe/Berlin); 1 attempt with an old session was refused. 1 new sign-in: Exchange Online from 203.0.113.7 (Berlin, DE).',
    );
  });

  it('says when nothing happened, counts several sign-ins, and names unusual places and --block', () => {
    const quiet = buildVerifyReport({ since: SINCE, nonInteractiveMissing: false, entries: [] });
    expect(verdictText(quiet)).toBe('No app accepted an old session since 14:02 UTC. No new sign-ins.');
    const busy = buildVerifyReport({
      since: SINCE,
      nonInteractiveMissing: true,
      entries: [e({ ipAddress: '198.51.100.9', countryOrRegion: 'BR', at: at(8) }), e({ at: at(6) })],
      before: [e({ id: 'b', at: at(-60), ipAddress: '203.0.113.7', countryOrRegion: 'DE' })],
    });
    expect(verdictText(busy)).toBe(
      'No app accepted an old session since 14:02 UTC. 2 new sign-ins: Exchange Online from 198.51.100.9 (BR), and 1 more. 1 of them is from an IP address or country not seen in the 7 days before: if that was not the user, block them with signout --block. Token refreshes could not be read, so this is incomplete.',
    );
  });
});

describe('freshnessText', () => {
  it('names the newest entry, or says there is none, and that entries come late', () => {
    const r = buildVerifyReport({ since: SINCE, nonInteractiveMissing: false, entries: [e({ at: at(18) })] });
    expect(freshnessText(r, BERLIN)).toBe(
      'Newest log entry: 14:20 UTC (15:20 Europe/Berlin). Entries can take several minutes to appear in the sign-in logs.',
    );
    const none = buildVerifyReport({ since: SINCE, nonInteractiveMissing: false, entries: [] });
    expect(freshnessText(none)).toMatch(
      /^The logs have no entries for this user in that time\. Entries can take/,
    );
  });
});

it('does not count a sign-in at the very second of the sign-out as a usual place', () => {
  const atSignOut = e({ at: SINCE, ipAddress: '198.51.100.9', countryOrRegion: 'BR' });
  const r = buildVerifyReport({
    since: SINCE,
    entries: [atSignOut],
    nonInteractiveMissing: false,
    before: [atSignOut],
  });
  expect(r.unusual).toHaveLength(1);
});
