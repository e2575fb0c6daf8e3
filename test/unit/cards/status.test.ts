import statusTemplate from '../../../src/cards/status.json';
import { renderStatusCard } from '../../../src/cards/status';
import type { DirectoryUser } from '../../../src/domain/types';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectLiteralOnly,
} from '../../support/cardReader';
import { BERLIN, guest, lester, NASTY } from '../../support/cardFixtures';

it('status.json declares schema 1.5', () => {
  expectAdaptiveCard15(statusTemplate);
});

describe('status card', () => {
  it('shows name, UPN, mail, account state, user type and valid-from in UTC and local time', () => {
    const card = renderStatusCard(lester, { zone: BERLIN });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    const text = allText(card);
    expect(text).toContain('Lester Lee');
    expect(text).toContain('lester@contoso.com');
    expect(text).toContain('Mail: lester@contoso.com');
    expect(text).toContain('Account: Enabled');
    expect(text).toContain('User type: Member');
    expect(text).toContain('Sessions valid from: 2026-11-01 08:00:00 UTC (09:00:00 Europe/Berlin)');
    expect(actions(card)).toEqual([]);
  });

  it('a blocked guest that was never signed out, with no mail', () => {
    const card = renderStatusCard({ ...guest, mail: null }, { zone: BERLIN });
    expect(cardProblems(card)).toEqual([]);
    const text = allText(card);
    expect(text).toContain('Account: Blocked from sign-in');
    expect(text).toContain('User type: Guest');
    expect(text).toContain('Sessions valid from: never reset');
    expect(text).toContain('Mail: —');
  });

  it('unknown account state and user type when Graph did not return them', () => {
    const card = renderStatusCard({ id: 'x', displayName: 'X', userPrincipalName: 'x@c.com' });
    expect(cardProblems(card)).toEqual([]);
    expect(allText(card)).toContain('Account: Unknown');
    expect(allText(card)).toContain('User type: Unknown');
    expect(JSON.stringify(card)).not.toContain('${');
  });
});

describe('user-controlled text', () => {
  it.each(NASTY)('round-trips literally, and the card has no buttons: %j', (s) => {
    const user: DirectoryUser = { ...lester, displayName: s, mail: s };
    const card = renderStatusCard(user, { zone: BERLIN });
    expectLiteralOnly(card, s);
    expect(actions(card)).toEqual([]);
  });
});

describe('out everywhere by (issue 12)', () => {
  const lifetime = { minutes: 60, source: 'policy' } as const;
  const signedOut = { ...lester, validFrom: '2026-11-22T12:36:01Z' };

  it('is shown while the last old access token may still work', () => {
    const card = renderStatusCard(signedOut, {
      zone: BERLIN,
      lifetime,
      now: new Date('2026-11-22T13:00:00Z'),
    });
    expect(cardProblems(card)).toEqual([]);
    expect(allText(card)).toContain(
      'Not yet out everywhere: Out everywhere by 13:36 UTC (14:36 Europe/Berlin)',
    );
  });

  it('is gone once that time has passed, or without the lifetime', () => {
    expect(
      allText(renderStatusCard(signedOut, { lifetime, now: new Date('2026-11-22T13:37:00Z') })),
    ).not.toContain('Out everywhere');
    expect(allText(renderStatusCard(signedOut, { now: new Date('2026-11-22T13:00:00Z') }))).not.toContain(
      'Out everywhere',
    );
  });
});
