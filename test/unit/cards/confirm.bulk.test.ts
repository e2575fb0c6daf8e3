import { cardBytes, MAX_CARD_BYTES } from '../../../src/cards/budget';
import { renderConfirmCard } from '../../../src/cards/confirm';
import {
  actions,
  allText,
  cardProblems,
  expectButtonsUntouched,
  expectLiteralOnly,
  inputs,
  Json,
  showCard,
  texts,
  withoutShowCards,
} from '../../support/cardReader';
import { approval, BERLIN, bob, lester, NASTY, NOW, request, users } from '../../support/cardFixtures';

/* A confirmation card with more targets than it lists: the count, "Show all", privileged users, guests. */

describe('bulk confirmation card', () => {
  const targets = users(37, (i) =>
    i === 3 || i === 20 || i === 30
      ? { userType: 'Guest' }
      : i === 5 || i === 25
        ? { privilegedRoles: ['Global Administrator', 'Exchange Administrator'] }
        : {},
  );
  const req = request({ targets, source: 'group:"Migration Wave 1"' });
  const card = renderConfirmCard(req, { zone: BERLIN, now: NOW });

  it('shows the count, the first ten, and "…and 27 more"', () => {
    expect(cardProblems(card)).toEqual([]);
    const visible = allText(withoutShowCards(card));
    expect(visible).toContain('37 users');
    expect(visible).toContain('user9@contoso.com');
    expect(visible).not.toContain('user10@contoso.com');
    expect(visible).toContain('…and 27 more');
  });

  it('counts guests and lists privileged users separately, wherever they are in the list', () => {
    const visible = allText(withoutShowCards(card));
    expect(visible).toMatch(/3 guests: .*home tenant/);
    expect(visible).toContain('⚠ 2 privileged users: hold directory roles');
    expect(visible).toContain('User 25 · user25@contoso.com  ⚠ Global Administrator, Exchange Administrator');
    expect(visible).toContain('User 3  Guest');
  });

  it('"Show all 37" lists every target with its flags', () => {
    const all = texts(showCard(card, 'Show all 37'));
    expect(all).toHaveLength(37);
    expect(all[0]).toBe('User 0 · user0@contoso.com');
    expect(all[20]).toBe('User 20 · user20@contoso.com  Guest');
    expect(all[36]).toBe('User 36 · user36@contoso.com');
  });

  it('Show all stops at 200 lines with "…and N more"', () => {
    const c = renderConfirmCard(request({ targets: users(250) }), { now: NOW });
    expect(cardProblems(c)).toEqual([]);
    const all = texts(showCard(c, 'Show all 250'));
    // short names: the 200 lines fit the size budget
    expect(all).toHaveLength(201);
    expect(all[199]).toBe('User 199 · user199@contoso.com');
    expect(all[200]).toBe('…and 50 more');
    expect(cardBytes(c)).toBeLessThanOrEqual(MAX_CARD_BYTES);
  });

  it('stays under the Teams size limit with 10,000 long, non-ASCII names, and the numbers still add up', () => {
    const long = (i: number) => ({
      displayName: `Ünïcødé Ñame ${i} `.padEnd(200, 'ä'),
      userPrincipalName: `${'x'.repeat(60)}${i}@contoso.onmicrosoft.com`,
      privilegedRoles: i % 100 === 0 ? ['Privileged Role Administrator'] : [],
    });
    const c = renderConfirmCard(request({ targets: users(10_000, long), source: 'all' }), { now: NOW });
    expect(cardProblems(c)).toEqual([]);
    expect(cardBytes(c)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(cardBytes(c)).toBeLessThan(28 * 1024);
    const all = texts(showCard(c, 'Show all 10,000'));
    const shown = all.length - 1;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(200);
    expect(all[shown]).toBe(`…and ${(10_000 - shown).toLocaleString('en-US')} more`);
    expect(allText(withoutShowCards(c))).toContain('…and 90 more privileged users');
  });

  it('one or ten targets have no Show all', () => {
    for (const n of [1, 10]) {
      const c = renderConfirmCard(request({ targets: users(n) }), { now: NOW });
      expect(actions(c).filter((a) => a.type === 'Action.ShowCard')).toEqual([]);
    }
  });
});

describe('signout all', () => {
  const targets = users(1234);
  // what the bot keeps on the request to check the typed answer; it must never reach the card
  const phrases = ['1234', 'fabrikam-secret.example'];
  const req = request({ targets, source: 'all', confirmPhrases: phrases });
  const card = renderConfirmCard(req, { zone: BERLIN, now: NOW });

  it('says everyone, with the count, and asks to type the user count or primary domain before Sign out', () => {
    expect(cardProblems(card)).toEqual([]);
    const visible = allText(withoutShowCards(card));
    expect(visible).toContain('Sign out everyone in the organization?');
    expect(visible).toContain('All 1,234 users in the organization');
    const top = (card as { actions: Record<string, Json>[] }).actions;
    expect(top.map((a) => [a.type, a.title])).toEqual([
      ['Action.ShowCard', 'Sign out everyone…'],
      ['Action.Execute', 'Cancel'],
    ]);
    const typed = showCard(card, 'Sign out everyone…');
    expect(inputs(typed)).toEqual([
      expect.objectContaining({
        type: 'Input.Text',
        id: 'confirmText',
        isRequired: true,
        label: expect.stringMatching(/type the number of users in the organization, or its primary domain/),
      }),
    ]);
    expect(actions(typed)).toEqual([
      {
        type: 'Action.Execute',
        title: 'Sign out all 1,234 users',
        verb: 'signout.confirm',
        style: 'destructive',
        associatedInputs: 'auto',
        data: { requestId: req.id },
      },
    ]);
  });

  it('never carries the answer: no prefilled value or placeholder, not in data, not anywhere', () => {
    const json = JSON.stringify(card);
    expect(json).not.toContain('fabrikam-secret.example');
    for (const input of inputs(card)) {
      expect(input.value).toBeUndefined();
      expect(input.placeholder).toBeUndefined();
    }
    for (const a of actions(card)) if (a.data) expect(Object.keys(a.data as object)).toEqual(['requestId']);
  });

  it('with approval, the approver types it: Approve… holds the input, Reject… its reason', () => {
    const c = renderConfirmCard({ ...req, approval: { required: true, why: 'bulk' } }, { now: NOW });
    expect(cardProblems(c)).toEqual([]);
    const top = (c as { actions: Record<string, Json>[] }).actions;
    expect(top.map((a) => [a.type, a.title])).toEqual([
      ['Action.ShowCard', 'Approve…'],
      ['Action.ShowCard', 'Reject…'],
      ['Action.Execute', 'Cancel'],
    ]);
    const approve = showCard(c, 'Approve…');
    expect(inputs(approve).map((i) => [i.id, i.isRequired])).toEqual([['confirmText', true]]);
    expect(actions(approve)).toEqual([
      expect.objectContaining({ verb: 'signout.approve', associatedInputs: 'auto' }),
    ]);
    expect(inputs(showCard(c, 'Reject…')).map((i) => i.id)).toEqual(['rejectReason']);
    expect(actions(c).map((a) => a.verb)).not.toContain('signout.confirm');
  });

  it('once approved, Sign out needs no second typing', () => {
    const c = renderConfirmCard({ ...req, status: 'approved', approval, approvedBy: bob }, { now: NOW });
    expect(inputs(c)).toEqual([]);
    expect(actions(c).flatMap((a) => (a.verb ? [a.verb] : []))).toEqual([
      'signout.confirm',
      'signout.cancel',
    ]);
  });
});

describe('user-controlled text', () => {
  it.each(NASTY)('signout all --block: round-trips literally and never changes a button: %j', (s) => {
    const many = users(30, () => ({ displayName: s }));
    const base = request({ reason: s, requester: { id: 'aaaa', name: s }, targets: [lester] });
    const card = renderConfirmCard({ ...base, targets: many, source: 'all', block: true }, { now: NOW });
    expectLiteralOnly(card, s);
    expectButtonsUntouched(card, s);
  });
});
