import verifyTemplate from '../../../src/cards/verify.json';
import { cardBytes, MAX_CARD_BYTES } from '../../../src/cards/budget';
import { renderVerifyCard } from '../../../src/cards/verify';
import type { SignInEntry } from '../../../src/domain/signIns';
import { buildVerifyReport, type VerifyInput } from '../../../src/domain/verifyReport';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectLiteralOnly,
  runs,
} from '../../support/cardReader';
import { BERLIN, lester, NASTY } from '../../support/cardFixtures';

const SINCE = '2026-11-29T14:02:00.000Z';
const at = (minutes: number) => new Date(Date.parse(SINCE) + minutes * 60_000).toISOString();
let n = 0;
const e = (over: Partial<SignInEntry>): SignInEntry => ({
  id: `e${++n}`,
  at: at(5),
  userId: lester.id,
  app: 'Office 365 Exchange Online',
  errorCode: 0,
  interactive: true,
  ...over,
});
const report = (over: Partial<VerifyInput> = {}) =>
  buildVerifyReport({ since: SINCE, entries: [], nonInteractiveMissing: false, ...over });

it('verify.json declares schema 1.5', () => {
  expectAdaptiveCard15(verifyTemplate);
});

describe('verify card', () => {
  it('shows the verdict, then each app newest first with refused old sessions and new sign-ins', () => {
    const card = renderVerifyCard(
      lester,
      report({
        entries: [
          e({ app: 'Microsoft Teams', errorCode: 50173, interactive: false, at: at(2) }),
          e({ app: 'Microsoft Teams', errorCode: 50173, interactive: false, at: at(4) }),
          e({
            at: at(9),
            ipAddress: '203.0.113.7',
            city: 'Berlin',
            countryOrRegion: 'DE',
            device: 'Windows 10, Edge 120',
            clientApp: 'Browser',
            mfa: true,
          }),
        ],
        before: [e({ id: 'b', at: at(-60), ipAddress: '203.0.113.7', countryOrRegion: 'DE' })],
      }),
      { zone: BERLIN, requestId: 'req-1' },
    );
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    const text = allText(card);
    expect(text).toContain('Sign-ins of Lester Lee');
    expect(text).toContain('Since 2026-11-29 14:02:00 UTC (15:02:00 Europe/Berlin).');
    expect(text).toContain(
      'No app accepted an old session since 14:02 UTC (15:02 Europe/Berlin); 2 attempts with an old session were refused. 1 new sign-in: Office 365 Exchange Online from 203.0.113.7 (Berlin, DE).',
    );
    const r = runs(card);
    expect(r.indexOf('Office 365 Exchange Online')).toBeLessThan(r.indexOf('Microsoft Teams'));
    expect(text).toContain('Refused old sessions: 2, last at 14:06 UTC (15:06 Europe/Berlin)');
    expect(text).toContain(
      'New sign-in at 2026-11-29 14:11:00 UTC (15:11:00 Europe/Berlin): from 203.0.113.7 (Berlin, DE), on Windows 10, Edge 120, with Browser, MFA satisfied',
    );
    expect(text).toContain('Entries can take several minutes to appear');
    expect(text).not.toContain('signout --block');
    expect(actions(card)).toEqual([
      expect.objectContaining({
        type: 'Action.Execute',
        verb: 'signout.checkSignIns',
        data: { requestId: 'req-1' },
      }),
    ]);
  });

  it('offers signout --block when someone signed in from a place not seen in the week before', () => {
    const card = renderVerifyCard(
      lester,
      report({
        entries: [e({ ipAddress: '198.51.100.9', countryOrRegion: 'BR' })],
        before: [e({ id: 'b', at: at(-60), ipAddress: '203.0.113.7', countryOrRegion: 'DE' })],
      }),
    );
    const text = allText(card);
    expect(text).toContain('signout --block lester@contoso.com');
    expect(text).toContain('not seen in the 7 days before');
    expect(actions(card)).toEqual([]);
  });

  it('says when token refreshes are missing, and when the week before could not be read', () => {
    const card = renderVerifyCard(lester, report({ entries: [e({})], nonInteractiveMissing: true }), {
      missingRefreshes: 'Token refreshes could not be read. (Graph: 503 ServiceUnavailable, request-id r-1)',
    });
    const text = allText(card);
    expect(text).toContain('request-id r-1');
    expect(text).toContain('cannot say whether these places are usual');
  });

  it('fits the card budget with hundreds of apps, and says how many are left out', () => {
    const entries = Array.from({ length: 400 }, (_, i) =>
      e({ app: `App number ${i} ${'x'.repeat(40)}`, at: at(i % 50) }),
    );
    const card = renderVerifyCard(lester, report({ entries }));
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(allText(card)).toMatch(/\d+ more apps do not fit on a card/);
  });
});

describe('text from the sign-in logs', () => {
  it.each(NASTY)('round-trips literally wherever it appears: %j', (s) => {
    const card = renderVerifyCard(
      lester,
      report({
        entries: [
          e({ app: s, ipAddress: s, city: s, device: s, clientApp: s }),
          e({ app: s, errorCode: 50173, interactive: false }),
        ],
      }),
    );
    expectLiteralOnly(card, s);
    for (const a of actions(card)) expect(JSON.stringify(a)).not.toContain(s);
  });
});
