import confirmTemplate from '../../../src/cards/confirm.json';
import { renderConfirmCard } from '../../../src/cards/confirm';
import type { DirectoryUser } from '../../../src/domain/types';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectButtonsUntouched,
  expectLiteralOnly,
  inputs,
  Json,
  showCard,
  texts,
  walk,
  withoutShowCards,
} from '../../support/cardReader';
import { adele, approval, BERLIN, bob, guest, lester, NASTY, NOW, request } from '../../support/cardFixtures';

it('confirm.json declares schema 1.5', () => {
  expectAdaptiveCard15(confirmTemplate);
});

describe('confirmation card', () => {
  const card = renderConfirmCard(request(), { zone: BERLIN, now: NOW });

  it('is a valid Adaptive Card with nothing left unbound', () => {
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
  });

  it('names the target, the requester, the reason and the current valid-from in UTC and local time', () => {
    const text = allText(card);
    expect(text).toContain('Sign out of all Microsoft 365 sessions?');
    expect(text).toContain('Lester Lee');
    expect(text).toContain('lester@contoso.com');
    expect(text).toContain('Sessions valid from 2026-11-01 08:00:00 UTC (09:00:00 Europe/Berlin)');
    expect(text).toContain('Requested by: Ada Admin');
    expect(text).toContain('Reason: lost laptop');
    expect(text).not.toMatch(/Guest|Disabled/);
  });

  it('says what happens and what does not', () => {
    const text = allText(card);
    expect(text).toContain('What happens');
    expect(text).toMatch(/refresh tokens and browser sessions are revoked/);
    expect(text).toMatch(/sign in again everywhere/);
    expect(text).toMatch(
      /Continuous Access Evaluation \(Exchange Online, SharePoint, Teams\).*within minutes/,
    );
    expect(text).toMatch(
      /Access tokens already issued to other apps stay valid until they expire: the tenant's access-token lifetime, 60 to 90 minutes by default/,
    );
    expect(text).toMatch(
      /does not disable the account, reset the password, or sign out guests from their home tenant/,
    );
  });

  it('gives the expiry as a time of day in UTC and local time', () => {
    expect(allText(card)).toContain('This request expires at 12:49 UTC (13:49 Europe/Berlin)');
    expect(texts(renderConfirmCard(request(), { now: NOW }))).toContain('This request expires at 12:49 UTC');
  });

  it('gives the full date when the expiry is not today', () => {
    const later = renderConfirmCard(request(), { zone: BERLIN, now: new Date('2026-11-21T23:00:00Z') });
    expect(allText(later)).toContain(
      'This request expires at 2026-11-22 12:49:00 UTC (13:49:00 Europe/Berlin)',
    );
  });

  it('has exactly Sign out (destructive) and Cancel, carrying only the request id and no inputs', () => {
    expect(actions(card)).toEqual([
      {
        type: 'Action.Execute',
        title: 'Sign out',
        verb: 'signout.confirm',
        style: 'destructive',
        associatedInputs: 'none',
        data: { requestId: '6f1c2d4e-0000-4000-8000-00000000abcd' },
      },
      {
        type: 'Action.Execute',
        title: 'Cancel',
        verb: 'signout.cancel',
        associatedInputs: 'none',
        data: { requestId: '6f1c2d4e-0000-4000-8000-00000000abcd' },
      },
    ]);
  });

  it('flags guests and disabled accounts, says "never reset" without a valid-from, and "No reason given"', () => {
    const c = renderConfirmCard(request({ targets: [guest], reason: '  ' }), { zone: BERLIN, now: NOW });
    expect(cardProblems(c)).toEqual([]);
    const text = allText(c);
    expect(text).toContain('Gwen Guest  Guest · Disabled');
    expect(text).toContain('gwen_fabrikam.com#EXT#@contoso.onmicrosoft.com');
    expect(text).toContain('never reset');
    expect(text).toContain('Reason: No reason given');
  });

  it('lists the first 10 of many targets, the count and "…and N more"', () => {
    const targets = Array.from({ length: 13 }, (_, i) => ({
      ...lester,
      id: `id-${i}`,
      displayName: `User ${i}`,
      userPrincipalName: `user${i}@contoso.com`,
    }));
    const c = renderConfirmCard(request({ targets }), { zone: BERLIN, now: NOW });
    expect(cardProblems(c)).toEqual([]);
    const text = allText(withoutShowCards(c));
    expect(text).toContain('13 users');
    expect(text).toContain('user9@contoso.com');
    expect(text).not.toContain('user10@contoso.com');
    expect(text).toContain('…and 3 more');
    expect(actions(c).map((a) => a.type)).toEqual(['Action.ShowCard', 'Action.Execute', 'Action.Execute']);
    expect(allText(showCard(c, 'Show all 13'))).toContain('User 12 · user12@contoso.com');
  });

  it('shows neither count nor "more" for one target', () => {
    expect(allText(card)).not.toMatch(/users|more/);
  });
});

describe('user-controlled text', () => {
  it.each(NASTY)('round-trips literally, and the buttons carry only the request id: %j', (s) => {
    const user: DirectoryUser = { ...lester, displayName: s, mail: s };
    const req = request({
      reason: s,
      requester: { id: 'aaaa', name: s },
      targets: [user],
    });
    const card = renderConfirmCard(req, { zone: BERLIN, now: NOW });
    expectLiteralOnly(card, s);
    expect(actions(card)).toHaveLength(2);
    for (const a of actions(card)) expect(a.data).toEqual({ requestId: req.id });
  });

  it.each(NASTY)('waiting for approval: round-trips literally and never changes a button: %j', (s) => {
    const user: DirectoryUser = { ...adele, displayName: s, mail: s, privilegedRoles: [s] };
    const base = request({ reason: s, requester: { id: 'aaaa', name: s }, targets: [user] });
    const card = renderConfirmCard(
      { ...base, approval: { required: true, why: s } },
      { zone: BERLIN, now: NOW },
    );
    expectLiteralOnly(card, s);
    expectButtonsUntouched(card, s);
  });
});

describe('approval card', () => {
  const req = request({ targets: [adele], approval });
  const card = renderConfirmCard(req, { zone: BERLIN, now: NOW });

  it('is valid and says it waits for a second admin, and why', () => {
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    const text = allText(card);
    expect(text).toContain('Waiting for a second admin');
    expect(text).toContain(`Why: ${approval.why}`);
    expect(text).toMatch(/cannot approve their own request/);
  });

  it('offers Approve, Reject with a required reason, and Cancel; never Sign out', () => {
    const top = (card as { actions: Record<string, Json>[] }).actions;
    expect(top.map((a) => [a.type, a.title])).toEqual([
      ['Action.Execute', 'Approve'],
      ['Action.ShowCard', 'Reject…'],
      ['Action.Execute', 'Cancel'],
    ]);
    expect(top[0]).toEqual({
      type: 'Action.Execute',
      title: 'Approve',
      verb: 'signout.approve',
      style: 'positive',
      associatedInputs: 'none',
      data: { requestId: req.id },
    });
    expect(top[2]).toMatchObject({
      verb: 'signout.cancel',
      associatedInputs: 'none',
      data: { requestId: req.id },
    });
    const reject = showCard(card, 'Reject…');
    expect(inputs(reject)).toEqual([
      expect.objectContaining({
        type: 'Input.Text',
        id: 'rejectReason',
        isRequired: true,
        errorMessage: expect.any(String),
      }),
    ]);
    expect(actions(reject)).toEqual([
      {
        type: 'Action.Execute',
        title: 'Reject',
        verb: 'signout.reject',
        style: 'destructive',
        associatedInputs: 'auto',
        data: { requestId: req.id },
      },
    ]);
    expect(actions(card).map((a) => a.verb)).not.toContain('signout.confirm');
    // the reason input lives only in Reject's card, so Approve and Cancel can never be blocked by it
    expect(inputs(withoutShowCards(card))).toEqual([]);
  });

  it('flags a privileged target with its roles', () => {
    expect(allText(card)).toContain('Adele Vance  ⚠ Global Administrator');
    let color: Json | undefined;
    walk(card, (o) => {
      if (o.type === 'TextRun' && String(o.text).includes('⚠ Global Administrator')) color = o.color;
    });
    expect(color).toBe('Attention');
  });

  it('an approved request says who approved it and keeps Sign out and Cancel (the job starts on approval)', () => {
    const c = renderConfirmCard(
      { ...req, status: 'approved', approvedBy: bob, approvedAt: '2026-11-22T12:40:00Z' },
      { zone: BERLIN, now: NOW },
    );
    expect(cardProblems(c)).toEqual([]);
    expect(allText(c)).toContain('Approved by Bob Boss at 2026-11-22 12:40:00 UTC (13:40:00 Europe/Berlin).');
    expect(allText(c)).not.toContain('Waiting for a second admin');
    expect(actions(c).map((a) => a.verb)).toEqual(['signout.confirm', 'signout.cancel']);
  });

  it('a request that needs no approval has no Approve or Reject', () => {
    const c = renderConfirmCard(request({ approval: { required: false, why: 'policy none' } }), { now: NOW });
    expect(allText(c)).not.toContain('Waiting');
    expect(actions(c).map((a) => a.verb)).toEqual(['signout.confirm', 'signout.cancel']);
  });
});

describe('block sign-in (--block)', () => {
  const card = renderConfirmCard(request({ block: true }), { zone: BERLIN, now: NOW });

  it('says sign-in is blocked first, and no longer that the account stays enabled', () => {
    expect(cardProblems(card)).toEqual([]);
    const text = allText(card);
    expect(text).toContain('Block sign-in and sign out of all Microsoft 365 sessions?');
    expect(text).toContain('Sign-in will be blocked first (accountEnabled = false)');
    expect(text).toMatch(/nobody can sign in as them until an admin runs unblock/);
    expect(text).not.toContain('does not disable the account');
    expect(text).toContain('It does not reset the password, or sign out guests from their home tenant.');
  });
});

describe('confirmation card: users left out of a group', () => {
  it('lists who the bot leaves out and why, and stays a valid card', () => {
    const card = renderConfirmCard(
      request({
        targets: [lester, guest],
        source: 'group:"Wave"',
        excluded: [
          'Break Glass: protected break-glass account',
          'Alex Wilber: you (add --self to include yourself)',
        ],
      }),
      { zone: BERLIN, now: NOW },
    );
    expect(cardProblems(card)).toEqual([]);
    expect(allText(card)).toMatch(
      /Left out: Break Glass: protected break-glass account; Alex Wilber: you \(add --self/,
    );
  });
});
