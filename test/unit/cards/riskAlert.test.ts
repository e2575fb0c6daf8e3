import riskAlertTemplate from '../../../src/cards/riskAlert.json';
import { type AlertCardInput, renderAlertCard } from '../../../src/cards/riskAlert';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectLiteralOnly,
  inputs,
  runs,
  showCard,
  texts,
  topActions,
  walk,
} from '../../support/cardReader';
import { NASTY } from '../../support/cardFixtures';

const LESTER = {
  id: '11111111-1111-1111-1111-111111111111',
  displayName: 'Lester Lee',
  userPrincipalName: 'lester@contoso.com',
};

function risky(over: Partial<AlertCardInput> = {}, risk: Partial<NonNullable<AlertCardInput['risk']>> = {}) {
  return {
    ref: { kind: 'risk', userId: LESTER.id, episode: '2026-11-22T12:30:00Z' },
    user: LESTER,
    protectedAccount: false,
    privilegedRoles: [],
    risk: {
      level: 'high',
      state: 'atRisk',
      detail: 'none',
      changedAt: '2026-11-22T12:30:00.1234567Z',
      detections: [
        {
          riskEventType: 'unlikelyTravel',
          detectedDateTime: '2026-11-22T12:29:00Z',
          ipAddress: '203.0.113.9',
          location: 'Lagos, Lagos, NG',
        },
      ],
      ...risk,
    },
    actions: [],
    ...over,
  } as AlertCardInput;
}

function webhook(over: Partial<NonNullable<AlertCardInput['webhook']>> = {}): AlertCardInput {
  return {
    ref: { kind: 'webhook', alertId: 'a1' },
    user: LESTER,
    protectedAccount: false,
    privilegedRoles: ['Global Administrator'],
    webhook: {
      title: 'Impossible travel',
      severity: 'high',
      source: 'Microsoft Sentinel',
      link: 'https://portal.azure.com/#incident/1',
      description: 'Two sign-ins 9,000 km apart',
      receivedAt: '2026-11-22T12:31:00Z',
      ...over,
    },
    actions: [],
  };
}

const titles = (card: object) => topActions(card).map((a) => a.title);

it('riskAlert.json declares schema 1.5', () => {
  expectAdaptiveCard15(riskAlertTemplate);
});

describe('risky-user card', () => {
  it('shows the user, level, state, detail, when it changed in UTC and local, and the detections', () => {
    const card = renderAlertCard(risky());
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    const text = allText(card);
    expect(text).toContain('Risky user: high risk');
    expect(text).toContain('Lester Lee');
    expect(text).toContain('lester@contoso.com');
    expect(text).toContain('Risk level: high');
    expect(text).toContain('Risk state: at risk');
    expect(text).toContain('Risk detail: none');
    expect(text).toContain('Changed: 2026-11-22 12:30:00 UTC');
    expect(text).toContain(
      'Your local time: {{DATE(2026-11-22T12:30:00Z, SHORT)}} {{TIME(2026-11-22T12:30:00Z)}}',
    );
    expect(text).toContain('unlikely travel · 2026-11-22 12:29:00 UTC · 203.0.113.9 · Lagos, Lagos, NG');
    expect(text).toContain('Privileged: no privileged directory role');
    // the reader's local time sits right under the UTC time it converts
    const lines = texts(card);
    const local = lines.findIndex((t) => t.startsWith('Your local time:'));
    expect(lines[local - 1]).toBe('Changed: 2026-11-22 12:30:00 UTC');
  });

  it('offers sign out, block, confirm compromised and dismiss with a required reason while at risk', () => {
    const card = renderAlertCard(risky());
    expect(titles(card)).toEqual(['Sign out', 'Block and sign out', 'Confirm compromised', 'Dismiss…']);
    for (const a of actions(card).filter((x) => x.type === 'Action.Execute')) {
      expect(a.data).toEqual({
        alert: 'risk',
        userId: LESTER.id,
        episode: '2026-11-22T12:30:00Z',
        alertId: '',
      });
      expect(a.associatedInputs === 'none' || a.verb === 'alert.dismiss').toBe(true);
    }
    const reason = inputs(showCard(card, 'Dismiss…'));
    expect(reason).toEqual([
      expect.objectContaining({ id: 'dismissReason', isRequired: true, maxLength: 500 }),
    ]);
  });

  it('gives a protected account no sign-out or block button', () => {
    const card = renderAlertCard(risky({ protectedAccount: true }));
    expect(titles(card)).toEqual(['Confirm compromised', 'Dismiss…']);
    expect(allText(card)).toContain('Break-glass account (PROTECTED_USER_IDS)');
  });

  it('after confirm compromised, keeps sign-out and dismiss but not confirm', () => {
    const card = renderAlertCard(risky({}, { state: 'confirmedCompromised' }));
    expect(titles(card)).toEqual(['Sign out', 'Block and sign out', 'Dismiss…']);
  });

  it('once dismissed or remediated, has no buttons and shows the state', () => {
    for (const state of ['dismissed', 'remediated', 'confirmedSafe']) {
      const card = renderAlertCard(risky({}, { state, level: 'none' }));
      expect(topActions(card)).toEqual([]);
      expect(allText(card)).toContain('Risk state: ');
    }
  });

  it('names privileged roles, and says when they could not be read', () => {
    expect(allText(renderAlertCard(risky({ privilegedRoles: ['Global Administrator'] })))).toContain(
      'Privileged: Global Administrator',
    );
    expect(allText(renderAlertCard(risky({ privilegedRoles: undefined })))).toContain(
      'Privileged: could not be checked; treated as privileged',
    );
  });

  it('says why there are no detections', () => {
    expect(allText(renderAlertCard(risky({}, { detections: [] })))).toContain('No risk detections found');
    const why = 'Detections could not be read: the bot needs IdentityRiskEvent.Read.All.';
    expect(allText(renderAlertCard(risky({}, { detections: { unavailable: why } })))).toContain(why);
  });

  it('shows who did what, with the reason, for everyone', () => {
    const card = renderAlertCard(
      risky({
        actions: [
          {
            kind: 'dismiss',
            by: { id: 'a', name: 'Ada Admin' },
            at: '2026-11-22T12:40:00Z',
            ok: true,
            outcome: 'Identity Protection dismissed the risk.',
            reason: 'travelling',
          },
        ],
      }),
    );
    expect(allText(card)).toContain(
      'Ada Admin chose Dismiss at 2026-11-22 12:40:00 UTC: Identity Protection dismissed the risk.',
    );
    expect(allText(card)).toContain('Reason: travelling');
  });

  it('keeps Graph and admin text literal: TextRuns only', () => {
    for (const s of NASTY) {
      const card = renderAlertCard(
        risky(
          {
            user: { id: LESTER.id, displayName: s, userPrincipalName: s },
            actions: [
              {
                kind: 'dismiss',
                by: { id: 'a', name: s },
                at: '2026-11-22T12:40:00Z',
                ok: true,
                outcome: 'x',
                reason: s,
              },
            ],
          },
          {
            detections: [
              { riskEventType: 'x', detectedDateTime: '2026-11-22T12:29:00Z', ipAddress: s, location: s },
            ],
          },
        ),
      );
      expectLiteralOnly(card, s);
      expect(runs(card).filter((r) => r === s).length).toBeGreaterThanOrEqual(5);
    }
  });
});

describe('webhook alert card', () => {
  it('shows title, severity, source, link and description, without risk fields', () => {
    const card = renderAlertCard(webhook());
    expect(cardProblems(card)).toEqual([]);
    const text = allText(card);
    expect(text).toContain('Alert: Impossible travel');
    expect(text).toContain('Severity: high');
    expect(text).toContain('Source: Microsoft Sentinel');
    expect(text).toContain('Link: https://portal.azure.com/#incident/1');
    expect(text).toContain('Two sign-ins 9,000 km apart');
    expect(text).toContain('Privileged: Global Administrator');
    expect(text).not.toContain('Risk level');
    expect(text).not.toContain('detections');
    expect(titles(card)).toEqual([
      'Sign out',
      'Block and sign out',
      'Confirm compromised',
      "Open the alert's link",
    ]);
    const open = topActions(card).find((a) => a.type === 'Action.OpenUrl')!;
    expect(open.url).toBe('https://portal.azure.com/#incident/1');
  });

  it('shows no link that is not https', () => {
    for (const link of [
      'javascript:alert(1)',
      'http://evil.example/',
      'data:text/html,x',
      'https://u:p@evil.example/',
    ]) {
      const card = renderAlertCard(webhook({ link }));
      expect(cardProblems(card)).toEqual([]);
      expect(JSON.stringify(card)).not.toContain(link);
      expect(topActions(card).some((a) => a.type === 'Action.OpenUrl')).toBe(false);
    }
  });

  it('keeps the sender text literal: TextRuns only, never a TextBlock or a button title', () => {
    for (const s of NASTY) {
      const card = renderAlertCard(webhook({ title: s, source: s, description: s }));
      expectLiteralOnly(card, s);
      walk(card, (o) => {
        if (typeof o.type === 'string' && o.type.startsWith('Action.'))
          expect(String(o.title)).not.toContain(s);
      });
      expect(texts(card).some((t) => t === `Alert: ${s}`)).toBe(true);
    }
  });
});
