import choiceTemplate from '../../../src/cards/choice.json';
import { renderChoiceCard } from '../../../src/cards/choice';
import type { DirectoryUser } from '../../../src/domain/types';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectButtonsUntouched,
  expectLiteralOnly,
} from '../../support/cardReader';
import { adele, lester, NASTY, users } from '../../support/cardFixtures';

it('choice.json declares schema 1.5', () => {
  expectAdaptiveCard15(choiceTemplate);
});

describe('choice card', () => {
  const candidates: DirectoryUser[] = [
    lester,
    { ...lester, id: 'id-2', userPrincipalName: 'lester.lee@contoso.com', mail: null, accountEnabled: false },
    {
      ...adele,
      id: 'id-3',
      displayName: 'Lester Lee',
      userPrincipalName: 'llee@contoso.com',
      mail: 'll@contoso.com',
    },
  ];
  const card = renderChoiceCard('Lester Lee', candidates, 'req-9');

  it('names what was typed and shows each candidate with UPN and mail', () => {
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    const text = allText(card);
    expect(text).toContain('3 users match "Lester Lee"');
    expect(text).toContain('UPN: lester.lee@contoso.com');
    expect(text).toContain('Mail: —');
    expect(text).toContain('Mail: ll@contoso.com');
    expect(text).toContain('Lester Lee  Disabled');
    expect(text).toContain('Lester Lee  ⚠ Global Administrator');
    expect(text).toMatch(/never guess/);
  });

  it('one Choose button per candidate with { requestId, userId }, and "None of these" cancels', () => {
    expect(actions(card)).toEqual([
      ...candidates.map((u) => ({
        type: 'Action.Execute',
        title: `Choose ${u.userPrincipalName}`,
        verb: 'signout.choose',
        associatedInputs: 'none',
        data: { requestId: 'req-9', userId: u.id },
      })),
      {
        type: 'Action.Execute',
        title: 'None of these',
        verb: 'signout.cancel',
        associatedInputs: 'none',
        data: { requestId: 'req-9' },
      },
    ]);
  });

  it('shows at most 10 candidates and says how to reach the others', () => {
    const c = renderChoiceCard('User', users(13), 'req-9');
    expect(cardProblems(c)).toEqual([]);
    expect(actions(c).filter((a) => a.verb === 'signout.choose')).toHaveLength(10);
    expect(allText(c)).toMatch(/…and 3 more\. .*user principal name or object id/);
  });
});

describe('user-controlled text', () => {
  it.each(NASTY)('round-trips literally and never changes a button: %j', (s) => {
    const user: DirectoryUser = { ...adele, displayName: s, mail: s, privilegedRoles: [s] };
    const card = renderChoiceCard(s, [user, { ...user, id: 'other' }], 'req-9');
    expectLiteralOnly(card, s);
    expectButtonsUntouched(card, s);
  });
});
