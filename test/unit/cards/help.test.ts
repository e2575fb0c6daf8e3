import { Template } from 'adaptivecards-templating';
import helpTemplate from '../../../src/cards/help.json';
import { renderHelpCard } from '../../../src/cards/help';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectLiteralOnly,
} from '../../support/cardReader';
import { NASTY } from '../../support/cardFixtures';

it('help.json declares schema 1.5', () => {
  expectAdaptiveCard15(helpTemplate);
});

describe('help card', () => {
  it('explains the commands with examples and who may use it', () => {
    const card = renderHelpCard({ authorized: true, whoMayUse: 'Members of the group "Sign-out admins".' });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    const text = allText(card);
    for (const s of [
      'signout <user> [reason]',
      'status <user>',
      'help',
      'signout --block <user>',
      'unblock <user>',
      'history [user] [n]',
      'signout <users> at <when>',
      'schedule lists what waits',
      'signout group:"<name>" | search:"<text>" | all',
      'e.g. signout lester@contoso.com',
      'user principal name, a mail address or an Entra object id',
      'Who may use it',
      'Members of the group "Sign-out admins".',
    ])
      expect(text).toContain(s);
    expect(text).not.toContain('not on that list');
    expect(actions(card)).toEqual([]);
  });

  it('tells an unauthorized reader politely that they are not on the list', () => {
    const card = renderHelpCard({ authorized: false, whoMayUse: 'Members of the group "Sign-out admins".' });
    expect(cardProblems(card)).toEqual([]);
    expect(allText(card)).toMatch(/You are not on that list.*please ask/);
  });
});

describe('user-controlled text', () => {
  it.each(NASTY)('who may use it round-trips literally, and the card has no buttons: %j', (s) => {
    const card = renderHelpCard({ authorized: false, whoMayUse: s });
    expectLiteralOnly(card, s);
    expect(actions(card)).toEqual([]);
  });
});

describe('rendering once', () => {
  it('expands the template once per reader kind and shares the frozen card', () => {
    const expand = jest.spyOn(Template.prototype, 'expand');
    try {
      const who = 'Members of the group "Rendered once".';
      const admin = renderHelpCard({ authorized: true, whoMayUse: who });
      const other = renderHelpCard({ authorized: false, whoMayUse: who });
      for (let i = 0; i < 50; i++) {
        expect(renderHelpCard({ authorized: true, whoMayUse: who })).toBe(admin);
        expect(renderHelpCard({ authorized: false, whoMayUse: who })).toBe(other);
      }
      expect(expand).toHaveBeenCalledTimes(2);
      expect(admin).not.toEqual(other);
      // no turn can change the card the next one sends
      expect(() => {
        (admin as { body: unknown[] }).body.push({ type: 'TextBlock', text: 'injected' });
      }).toThrow(TypeError);
      expect(allText(renderHelpCard({ authorized: true, whoMayUse: who }))).not.toContain('injected');
    } finally {
      expand.mockRestore();
    }
  });
});
