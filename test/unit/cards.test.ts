import choiceTemplate from '../../src/cards/choice.json';
import confirmTemplate from '../../src/cards/confirm.json';
import helpTemplate from '../../src/cards/help.json';
import historyTemplate from '../../src/cards/history.json';
import progressTemplate from '../../src/cards/progress.json';
import { cardAttachment } from '../../src/bot/replies';
import {
  cardBytes,
  MAX_CARD_BYTES,
  renderChoiceCard,
  renderConfirmCard,
  renderHelpCard,
  renderHistoryCard,
  renderProgressCard,
  renderResultCard,
  renderStatusCard,
  renderTemplate,
} from '../../src/cards/render';
import resultTemplate from '../../src/cards/result.json';
import statusTemplate from '../../src/cards/status.json';
import { buildHistory, requestedFields } from '../../src/domain/history';
import type { LocalZone } from '../../src/domain/timeFormat';
import type { AuditEntry } from '../../src/domain/audit';
import type { DirectoryUser, RequestStatus, SignoutRequest, TargetOutcome } from '../../src/domain/types';

// The package's lib/ is extension-less ESM that Node cannot load; dist/ is the same code as a UMD bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC: typeof import('adaptivecards') = require('adaptivecards/dist/adaptivecards.js');

/** Every parse and validation event the Adaptive Cards SDK raises for a card, as schema 1.5. */
function cardProblems(card: object): string[] {
  const parsed = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(card, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) problems.push(ctx.getEventAt(i).message);
  for (const e of parsed.validateProperties().validationEvents) problems.push(e.message);
  if ((card as { version?: unknown }).version !== '1.5') problems.push('version is not 1.5');
  return problems;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function walk(node: unknown, visit: (o: Record<string, Json>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Record<string, Json>);
    Object.values(node).forEach((n) => walk(n, visit));
  }
}

/** The visible texts: TextBlocks whole, and each RichTextBlock's runs joined as the reader sees them. */
function texts(card: object): string[] {
  const out: string[] = [];
  walk(card, (o) => {
    if (o.type === 'TextBlock') out.push(String(o.text));
    if (o.type === 'RichTextBlock')
      out.push((o.inlines as { text: string }[]).map((r) => (typeof r === 'string' ? r : r.text)).join(''));
  });
  return out;
}
const allText = (card: object) => texts(card).join('\n');

function actions(card: object): Record<string, Json>[] {
  const out: Record<string, Json>[] = [];
  walk(card, (o) => {
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push(o);
  });
  return out;
}

/** The card without the contents of its Action.ShowCards: what a reader sees before expanding anything. */
function withoutShowCards(card: object): object {
  return JSON.parse(JSON.stringify(card), (k, v) =>
    v && typeof v === 'object' && v.type === 'Action.ShowCard'
      ? { ...v, card: { type: 'AdaptiveCard', body: [] } }
      : v,
  );
}

/** The card an Action.ShowCard with this title expands to. */
function showCard(card: object, title: string): object {
  const found = actions(card).find((a) => a.type === 'Action.ShowCard' && a.title === title);
  if (!found) throw new Error(`no ShowCard "${title}" among ${actions(card).map((a) => a.title)}`);
  return found.card as object;
}

/** Every input of the card, with where it lives. */
function inputs(card: object): Record<string, Json>[] {
  const out: Record<string, Json>[] = [];
  walk(card, (o) => {
    if (typeof o.type === 'string' && o.type.startsWith('Input.')) out.push(o);
  });
  return out;
}

/** FactSet facts as [title, value] pairs. */
function facts(card: object): [string, string][] {
  const out: [string, string][] = [];
  walk(card, (o) => {
    if (o.type === 'FactSet')
      for (const f of o.facts as { title: string; value: string }[]) out.push([f.title, f.value]);
  });
  return out;
}

/** Every TextRun's text. */
function runs(card: object): string[] {
  const out: string[] = [];
  walk(card, (o) => {
    if (o.type === 'TextRun') out.push(String(o.text));
  });
  return out;
}

const BERLIN: LocalZone = { kind: 'iana', zone: 'Europe/Berlin' };
const NOW = new Date('2026-11-22T12:35:00Z');

const lester: DirectoryUser = {
  id: '11111111-1111-1111-1111-111111111111',
  displayName: 'Lester Lee',
  userPrincipalName: 'lester@contoso.com',
  mail: 'lester@contoso.com',
  accountEnabled: true,
  userType: 'Member',
  validFrom: '2026-11-01T08:00:00Z',
};
const guest: DirectoryUser = {
  id: '22222222-2222-2222-2222-222222222222',
  displayName: 'Gwen Guest',
  userPrincipalName: 'gwen_fabrikam.com#EXT#@contoso.onmicrosoft.com',
  mail: 'gwen@fabrikam.com',
  accountEnabled: false,
  userType: 'Guest',
  validFrom: null,
};

function request(over: Partial<SignoutRequest> = {}): SignoutRequest {
  return {
    id: '6f1c2d4e-0000-4000-8000-00000000abcd',
    tenantId: 'tenant',
    status: 'pending',
    createdAt: '2026-11-22T12:34:00Z',
    expiresAt: '2026-11-22T12:49:00Z',
    requester: { id: 'aaaa', name: 'Ada Admin' },
    reason: 'lost laptop',
    targets: [lester],
    conversation: { reference: {} },
    outcomes: [],
    ...over,
  };
}

const confirmed = { confirmedBy: { id: 'bbbb', name: 'Bob Boss' }, confirmedAt: '2026-11-22T12:36:00Z' };

/** One request per state a result card can show, each with what its card must say. */
const STATES: { name: string; req: SignoutRequest; expect: (string | RegExp)[] }[] = [
  {
    name: 'running',
    req: request({ status: 'running', ...confirmed, startedAt: '2026-11-22T12:36:00Z' }),
    expect: [
      'Signing out…',
      'Started by Bob Boss at 2026-11-22 12:36:00 UTC (13:36:00 Europe/Berlin)',
      'Waiting…',
    ],
  },
  {
    name: 'done',
    req: request({
      status: 'done',
      ...confirmed,
      startedAt: '2026-11-22T12:36:00Z',
      finishedAt: '2026-11-22T12:36:02Z',
      outcomes: [
        { userId: lester.id, kind: 'revoked', validFrom: '2026-11-22T12:36:01Z', requestId: 'req-ok' },
      ],
    }),
    expect: [
      /^Signed out$/m,
      'Sessions valid from 2026-11-22 12:36:01 UTC (13:36:01 Europe/Berlin)',
      'Confirmed by: Bob Boss at 2026-11-22 12:36:00 UTC (13:36:00 Europe/Berlin)',
    ],
  },
  {
    name: 'failed',
    req: request({
      status: 'failed',
      ...confirmed,
      finishedAt: '2026-11-22T12:36:05Z',
      error: 'Nobody was signed out: Microsoft Graph refused every call.',
      outcomes: [
        {
          userId: lester.id,
          kind: 'denied',
          code: 'Authorization_RequestDenied',
          requestId: 'req-403',
          message: 'Microsoft Graph refused to sign out the user.',
        },
      ],
    }),
    expect: [
      'Sign-out failed',
      'Nobody was signed out: Microsoft Graph refused every call.',
      'Not allowed',
      'Microsoft Graph refused to sign out the user.',
      'Graph: Authorization_RequestDenied · request-id req-403',
    ],
  },
  {
    name: 'cancelled',
    req: request({
      status: 'cancelled',
      cancelledBy: { id: 'cccc', name: 'Cleo Cancel' },
      finishedAt: '2026-11-22T12:37:00Z',
    }),
    expect: [
      'Sign-out cancelled',
      'Cancelled by: Cleo Cancel at 2026-11-22 12:37:00 UTC (13:37:00 Europe/Berlin)',
      'Nothing was changed.',
    ],
  },
  {
    name: 'expired',
    req: request({ status: 'expired' }),
    expect: [
      'Request expired',
      'This request expired at 2026-11-22 12:49:00 UTC (13:49:00 Europe/Berlin). Nothing was changed. Ask again if still needed.',
    ],
  },
];

describe('templates', () => {
  it.each([
    ['confirm', confirmTemplate],
    ['result', resultTemplate],
    ['status', statusTemplate],
    ['help', helpTemplate],
    ['progress', progressTemplate],
    ['choice', choiceTemplate],
    ['history', historyTemplate],
  ])('%s.json declares schema 1.5', (_name, t) => {
    expect(t.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
    expect(t.version).toBe('1.5');
    expect(t.type).toBe('AdaptiveCard');
  });

  it('the validator used below does catch broken cards', () => {
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Bogus' }] })).not.toEqual([]);
    expect(
      cardProblems({
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'TextBlock', text: 'x', color: 'Pink' }],
      }),
    ).not.toEqual([]);
    expect(
      cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x' }] }),
    ).toEqual([]);
  });

  it('renderTemplate binds $root data, repeats arrays and drops $when=false', () => {
    const card = renderTemplate(
      {
        type: 'AdaptiveCard',
        body: [
          { type: 'TextBlock', text: 'Hi ${name}' },
          { type: 'TextBlock', $data: '${items}', text: '${v}' },
          { type: 'TextBlock', $when: '${show}', text: 'hidden' },
        ],
      },
      { name: 'Ann', items: [{ v: 'a' }, { v: 'b' }], show: false },
    );
    expect(texts(card)).toEqual(['Hi Ann', 'a', 'b']);
  });

  it('cardAttachment wraps the card for a message', () => {
    const card = renderHelpCard({ authorized: true, whoMayUse: 'x' });
    expect(cardAttachment(card)).toEqual({
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: card,
    });
  });
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
    expect(text).toMatch(/Access tokens already issued to other apps stay valid.*up to about an hour/);
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

describe('result card', () => {
  it.each(STATES)(
    '$name: valid, says what happened, who asked, who acted, and the reason',
    ({ req, expect: want }) => {
      const card = renderResultCard(req, { zone: BERLIN });
      expect(cardProblems(card)).toEqual([]);
      expect(JSON.stringify(card)).not.toContain('${');
      const text = allText(card);
      for (const w of want)
        expect(text).toEqual(typeof w === 'string' ? expect.stringContaining(w) : expect.stringMatching(w));
      expect(text).toContain('Requested by: Ada Admin at 2026-11-22 12:34:00 UTC (13:34:00 Europe/Berlin)');
      expect(text).toContain('Reason: lost laptop');
      expect(text).toContain('Lester Lee');
      if (req.confirmedBy) expect(text).toContain('Confirmed by: Bob Boss');
    },
  );

  it.each(STATES)('$name: has no buttons', ({ req }) => {
    expect(actions(renderResultCard(req, { zone: BERLIN }))).toEqual([]);
  });

  it('without a zone shows UTC only', () => {
    const text = allText(renderResultCard(STATES[1].req, {}));
    expect(text).toContain('Sessions valid from 2026-11-22 12:36:01 UTC');
    expect(text).not.toContain('Europe/Berlin');
    expect(text).not.toMatch(/UTC \(/);
  });

  it('a pending or approved request still gets its confirmation card, buttons included', () => {
    for (const status of ['pending', 'approved'] as RequestStatus[]) {
      const card = renderResultCard(request({ status }), { zone: BERLIN });
      expect(allText(card)).toContain('Sign out of all Microsoft 365 sessions?');
      expect(actions(card).map((a) => a.verb)).toEqual(['signout.confirm', 'signout.cancel']);
    }
  });

  it('done with every outcome kind, one row each, with Graph code and request-id where they are not in the message', () => {
    const users = ['a', 'b', 'c', 'd', 'e'].map((x) => ({
      ...lester,
      id: `id-${x}`,
      displayName: `User ${x}`,
      userPrincipalName: `${x}@contoso.com`,
    }));
    const outcomes: TargetOutcome[] = [
      { userId: 'id-a', kind: 'revoked', validFrom: '2026-11-22T12:36:01Z', requestId: 'rid-a' },
      { userId: 'id-b', kind: 'guestSkipped' },
      {
        userId: 'id-c',
        kind: 'notFound',
        code: 'Request_ResourceNotFound',
        requestId: 'rid-c',
        message: 'Microsoft Graph has no user c. (Graph: 404 Request_ResourceNotFound, request-id rid-c)',
      },
      { userId: 'id-d', kind: 'failed', code: 'TooManyRequests', requestId: 'rid-d', message: 'Throttled.' },
    ];
    const card = renderResultCard(request({ status: 'done', ...confirmed, targets: users, outcomes }), {
      zone: BERLIN,
    });
    expect(cardProblems(card)).toEqual([]);
    const t = texts(card);
    const text = t.join('\n');
    expect(text).toContain('Sign-out finished');
    expect(text).toContain('5 users: 1 signed out, 1 guest, 1 not found, 1 failed, 1 not signed out');
    expect(text).toContain('Sessions valid from 2026-11-22 12:36:01 UTC (13:36:01 Europe/Berlin)');
    expect(text).toContain('Guest: nothing changed in this organization');
    expect(text).toMatch(/home tenant/);
    expect(text).toContain('Not found in the directory');
    // the request-id is printed once, inside Graph's explanation
    expect(text.split('rid-c')).toHaveLength(2);
    expect(text).toContain('Failed');
    expect(t).toContain('Throttled.');
    expect(t).toContain('Graph: TooManyRequests · request-id rid-d');
    expect(text).toContain('Not signed out');
    expect(text).not.toContain('rid-a'); // a success needs no Graph reference
  });

  it('more than 20 targets: a summary of counts instead of one row per user', () => {
    const targets = Array.from({ length: 25 }, (_, i) => ({
      ...lester,
      id: `id-${i}`,
      userPrincipalName: `u${i}@c.com`,
    }));
    const outcomes = targets.map((t): TargetOutcome => ({
      userId: t.id,
      kind: 'revoked',
      validFrom: '2026-11-22T12:36:01Z',
    }));
    const card = renderResultCard(request({ status: 'done', ...confirmed, targets, outcomes }), {
      zone: BERLIN,
    });
    expect(cardProblems(card)).toEqual([]);
    const text = allText(card);
    expect(text).toContain('25 users: 25 signed out');
    expect(facts(card)).toEqual(
      expect.arrayContaining([
        ['Signed out', '25'],
        ['Failed', '0'],
        ['Skipped (guests)', '0'],
      ]),
    );
    expect(text).not.toContain('u0@c.com');
    expect(text).not.toMatch(/Failures|more/);
  });

  it('a run stopped part-way says some users were signed out', () => {
    const card = renderResultCard(
      request({
        status: 'cancelled',
        ...confirmed,
        cancelledBy: { id: 'cccc', name: 'Cleo Cancel' },
        targets: [lester, guest],
        outcomes: [{ userId: lester.id, kind: 'revoked', validFrom: '2026-11-22T12:36:01Z' }],
      }),
      { zone: BERLIN },
    );
    const text = allText(card);
    expect(text).toContain('Stopped part-way');
    expect(text).not.toContain('Nothing was changed');
    expect(text).toContain('2 users: 1 signed out, 1 not signed out');
  });
});

describe('user-controlled text', () => {
  const nasty = [
    '${requestId} ${$root.requestId} {{DATE(2017-02-14T06:08:39Z, SHORT)}} "quoted" \'single\' \\ back',
    '**bold** _it_ [click](https://evil.example) <at>x</at> # heading\n- list',
    '}]} {"type":"Action.Execute","verb":"signout.confirm"} ${if(true, "a", "b")}',
  ];

  it.each(nasty)('round-trips literally in every card: %j', (s) => {
    const user: DirectoryUser = { ...lester, displayName: s, mail: s };
    const req = request({
      reason: s,
      requester: { id: 'aaaa', name: s },
      targets: [user],
    });
    const cards = [
      renderConfirmCard(req, { zone: BERLIN, now: NOW }),
      renderResultCard({ ...req, status: 'cancelled', cancelledBy: { id: 'c', name: s } }, { zone: BERLIN }),
      renderResultCard(
        {
          ...req,
          status: 'failed',
          error: s,
          outcomes: [{ userId: user.id, kind: 'failed', message: s, code: s, requestId: s }],
        },
        { zone: BERLIN },
      ),
      renderStatusCard(user, { zone: BERLIN }),
      renderHelpCard({ authorized: false, whoMayUse: s }),
    ];
    for (const card of cards) {
      expect(cardProblems(card)).toEqual([]);
      // bound into TextRuns, where Adaptive Cards render no markdown
      const runs: string[] = [];
      walk(card, (o) => {
        if (o.type === 'TextRun') runs.push(String(o.text));
      });
      expect(runs.some((r) => r === s || r.endsWith(s) || r.startsWith(s))).toBe(true);
      walk(card, (o) => {
        if (o.type === 'TextBlock') expect(o.text).not.toContain(s);
      });
    }
    expect(actions(cards[0])).toHaveLength(2);
    for (const a of actions(cards[0])) expect(a.data).toEqual({ requestId: req.id });
    for (const card of cards.slice(1)) expect(actions(card)).toEqual([]);
  });
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

// ---- issue 5: approval, privileged targets, block ----------------------------------------------------

const bob = { id: 'bbbb', name: 'Bob Boss' };
const rita = { id: 'rrrr', name: 'Rita Reject' };
const adele: DirectoryUser = {
  ...lester,
  id: '33333333-3333-3333-3333-333333333333',
  displayName: 'Adele Vance',
  userPrincipalName: 'adele@contoso.com',
  privilegedRoles: ['Global Administrator'],
};
const approval = {
  required: true,
  why: 'Adele Vance holds Global Administrator (APPROVAL_POLICY=privileged)',
};

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

  it('the result says it was blocked and how to undo it', () => {
    const c = renderResultCard(
      request({
        block: true,
        status: 'done',
        ...confirmed,
        outcomes: [{ userId: lester.id, kind: 'revoked', validFrom: '2026-11-22T12:36:01Z' }],
      }),
      { zone: BERLIN },
    );
    expect(cardProblems(c)).toEqual([]);
    expect(allText(c)).toMatch(/Sign-in was blocked first \(accountEnabled = false\).*unblock/);
  });
});

describe('result card after approval or rejection', () => {
  it('done: names the approver once (the approval started the job)', () => {
    const c = renderResultCard(
      request({
        approval,
        status: 'done',
        approvedBy: bob,
        approvedAt: '2026-11-22T12:36:00Z',
        confirmedBy: bob,
        confirmedAt: '2026-11-22T12:36:00Z',
        outcomes: [{ userId: lester.id, kind: 'revoked', validFrom: '2026-11-22T12:36:01Z' }],
      }),
      { zone: BERLIN },
    );
    expect(cardProblems(c)).toEqual([]);
    const text = allText(c);
    expect(text).toContain('Approved by: Bob Boss at 2026-11-22 12:36:00 UTC (13:36:00 Europe/Berlin)');
    expect(text).not.toContain('Confirmed by');
  });

  it('rejected: says who rejected it, when and why, that nothing changed, and has no buttons', () => {
    const c = renderResultCard(
      request({
        approval,
        status: 'rejected',
        rejectedBy: rita,
        rejectedAt: '2026-11-22T12:37:00Z',
        rejectionReason: 'Not her laptop; check the ticket',
        finishedAt: '2026-11-22T12:37:00Z',
      }),
      { zone: BERLIN, csv: { url: 'https://bot.example/csv/x', expiresAt: '2026-11-23T12:38:05Z' } },
    );
    expect(cardProblems(c)).toEqual([]);
    const text = allText(c);
    expect(text).toContain('Sign-out rejected');
    expect(text).toContain('Rita Reject rejected this request. Nothing was changed.');
    expect(text).toContain('Rejected by: Rita Reject at 2026-11-22 12:37:00 UTC (13:37:00 Europe/Berlin)');
    expect(text).toContain('Rejection reason: Not her laptop; check the ticket');
    expect(text).toContain('Reason: lost laptop');
    expect(text).not.toContain('Finished');
    expect(actions(c).filter((a) => a.type !== 'Action.OpenUrl')).toEqual([]);
  });
});

// ---- issue 4: bulk preview, signout all, progress, summary, choice -----------------------------------

function users(n: number, over: (i: number) => Partial<DirectoryUser> = () => ({})): DirectoryUser[] {
  return Array.from({ length: n }, (_, i) => ({
    ...lester,
    id: `id-${i}`,
    displayName: `User ${i}`,
    userPrincipalName: `user${i}@contoso.com`,
    ...over(i),
  }));
}

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

describe('progress card', () => {
  const targets = users(100);
  const running = request({
    targets,
    status: 'running',
    ...confirmed,
    startedAt: '2026-11-22T12:36:00Z',
    outcomes: [
      ...targets.slice(0, 35).map((t): TargetOutcome => ({ userId: t.id, kind: 'revoked' })),
      ...targets.slice(35, 38).map((t): TargetOutcome => ({ userId: t.id, kind: 'failed', message: 'x' })),
      ...targets.slice(38, 40).map((t): TargetOutcome => ({ userId: t.id, kind: 'guestSkipped' })),
    ],
    progress: { done: 40, total: 100, ratePerSecond: 12.5, etaMs: 4800, throttled: 2 },
  });

  /** The bar: [style, weight] of each column. */
  function bar(card: object): [Json, Json][] {
    const out: [Json, Json][] = [];
    walk(card, (o) => {
      if (o.type === 'ColumnSet')
        for (const col of o.columns as Record<string, Json>[])
          out.push([(col.items as Record<string, Json>[])[0].style, col.width]);
    });
    return out;
  }

  it('shows done of total, percent, rate, time left, throttling, and a bar weighted done/remaining', () => {
    const card = renderProgressCard(running, { zone: BERLIN, now: new Date('2026-11-22T12:36:03Z') });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    const text = allText(card);
    expect(text).toContain('Signing out 100 users…');
    expect(text).toContain('40 of 100 done (40%)');
    expect(facts(card)).toEqual([
      ['Rate', '12.5 users/s'],
      ['Time left', 'about 5 s'],
      ['So far', '35 signed out · 3 failed · 2 guests skipped'],
      ['Throttled', '2 times by Microsoft Graph: paused and retried, nobody fails because of it'],
    ]);
    expect(bar(card)).toEqual([
      ['accent', 400],
      ['emphasis', 600],
    ]);
    expect(text).toContain('Confirmed by: Bob Boss at 2026-11-22 12:36:00 UTC (13:36:00 Europe/Berlin)');
    expect(text).toContain('Updated 2026-11-22 12:36:03 UTC (13:36:03 Europe/Berlin)');
  });

  it('has exactly one button, Cancel, carrying only the request id', () => {
    expect(actions(renderProgressCard(running))).toEqual([
      {
        type: 'Action.Execute',
        title: 'Cancel',
        verb: 'signout.cancel',
        associatedInputs: 'none',
        data: { requestId: running.id },
      },
    ]);
  });

  it('without progress figures, counts outcomes and measures the rate from the start', () => {
    const card = renderProgressCard(
      { ...running, progress: undefined },
      { now: new Date('2026-11-22T12:36:20Z') }, // 40 in 20 s
    );
    expect(allText(card)).toContain('40 of 100 done (40%)');
    expect(facts(card).slice(0, 2)).toEqual([
      ['Rate', '2.0 users/s'],
      ['Time left', 'about 30 s'],
    ]);
  });

  it('at 0% and 100% the bar has one column; nothing measured yet says so', () => {
    const start = renderProgressCard(
      { ...running, outcomes: [], progress: { done: 0, total: 100, ratePerSecond: 0, throttled: 0 } },
      { now: new Date('2026-11-22T12:36:00Z') },
    );
    expect(cardProblems(start)).toEqual([]);
    expect(bar(start)).toEqual([['emphasis', 1000]]);
    expect(facts(start).slice(0, 2)).toEqual([
      ['Rate', 'measuring…'],
      ['Time left', 'estimating…'],
    ]);
    expect(facts(start).map((f) => f[0])).not.toContain('Throttled');
    const end = renderProgressCard({
      ...running,
      progress: { done: 100, total: 100, ratePerSecond: 90, throttled: 0 },
    });
    expect(cardProblems(end)).toEqual([]);
    expect(bar(end)).toEqual([['accent', 1000]]);
    expect(allText(end)).toContain('100 of 100 done (100%)');
    expect(facts(end)[1]).toEqual(['Time left', 'finishing']);
  });

  it("says until when Graph paused the job, in UTC and the reader's local time, while the pause lasts", () => {
    const paused = request({
      ...running,
      progress: { ...running.progress!, pausedUntil: '2026-11-22T12:41:03.400Z' },
    });
    const during = renderProgressCard(paused, { zone: BERLIN, now: new Date('2026-11-22T12:36:03Z') });
    expect(cardProblems(during)).toEqual([]);
    expect(allText(during)).toContain(
      'Paused by Graph until 2026-11-22 12:41:03 UTC (13:41:03 Europe/Berlin): Microsoft Graph asked the bot to wait (throttling). The job goes on by itself then.',
    );
    const utcOnly = renderProgressCard(paused, { now: new Date('2026-11-22T12:36:03Z') });
    expect(allText(utcOnly)).toContain('Paused by Graph until 2026-11-22 12:41:03 UTC:');
    const after = renderProgressCard(paused, { zone: BERLIN, now: new Date('2026-11-22T12:41:04Z') });
    expect(allText(after)).not.toMatch(/Paused by Graph/);
    expect(allText(renderProgressCard(running, { now: new Date('2026-11-22T12:36:03Z') }))).not.toMatch(
      /Paused/,
    );
  });

  it('renderResultCard shows it for a running bulk request, not for a small one', () => {
    expect(allText(renderResultCard(running))).toContain('40 of 100 done');
    const small = renderResultCard(request({ status: 'running', ...confirmed, targets: users(3) }));
    expect(allText(small)).toContain('Signing out…');
    expect(actions(small)).toEqual([]);
  });
});

describe('bulk summary card', () => {
  const targets = users(60);
  const outcomes: TargetOutcome[] = targets.map((t, i) =>
    i < 30
      ? { userId: t.id, kind: 'revoked', validFrom: '2026-11-22T12:36:01Z' }
      : i < 33
        ? { userId: t.id, kind: 'guestSkipped' }
        : i < 35
          ? { userId: t.id, kind: 'notFound', code: 'Request_ResourceNotFound', requestId: `g-${i}` }
          : {
              userId: t.id,
              kind: 'failed',
              code: 'ServiceUnavailable',
              message: `Graph was unavailable (${i})`,
            },
  );
  const done = request({
    targets,
    status: 'done',
    ...confirmed,
    startedAt: '2026-11-22T12:36:00Z',
    finishedAt: '2026-11-22T12:38:05Z',
    outcomes,
  });
  const csvUrl = 'https://signout-bot.example/csv/6f1c2d4e?sig=abc';
  const csv = { url: csvUrl, expiresAt: '2026-11-23T12:38:05Z' };

  it('counts revoked / failed / skipped with the duration, and lists the failures with reasons (20 + more)', () => {
    const card = renderResultCard(done, { zone: BERLIN, csv });
    expect(cardProblems(card)).toEqual([]);
    expect(facts(card)).toEqual([
      ['Signed out', '30'],
      ['Failed', '27'],
      ['Skipped (guests)', '3'],
      ['Duration', '2 min 5 s'],
    ]);
    const text = allText(card);
    expect(text).toContain('Sign-out finished');
    expect(text).toContain('Failures (27)');
    expect(text).toContain('User 33  user33@contoso.com');
    expect(text).toContain('Not found in the directory');
    expect(text).toContain('Graph: Request_ResourceNotFound · request-id g-33');
    expect(text).toContain('Graph was unavailable (35)');
    expect(text).toContain('Graph was unavailable (52)');
    expect(text).not.toContain('Graph was unavailable (53)');
    expect(text).toContain('…and 7 more');
    expect(text).not.toContain('user0@contoso.com'); // successes are counted, not listed
  });

  it('offers the CSV of every outcome when given a URL, and only then', () => {
    expect(actions(renderResultCard(done, { csv }))).toEqual([
      { type: 'Action.OpenUrl', title: 'Download CSV of every outcome', url: csvUrl },
    ]);
    expect(actions(renderResultCard(done))).toEqual([]);
    for (const url of ['javascript:alert(1)', 'not a url']) {
      const card = renderResultCard(done, { csv: { ...csv, url } });
      expect(actions(card)).toEqual([]);
      expect(allText(card)).not.toContain('Anyone with this link');
    }
  });

  it('says who can open the CSV link and until when, and that downloads are audited', () => {
    const note =
      'Anyone with this link can download the CSV until 2026-11-23 12:38:05 UTC (13:38:05 Europe/Berlin); every download is audited.';
    const card = renderResultCard(done, { zone: BERLIN, csv });
    expect(cardProblems(card)).toEqual([]);
    expect(runs(card)).toContain(note);
    expect(allText(renderResultCard(done))).not.toContain('Anyone with this link');
  });

  it('stopped part-way: counts who was not signed out', () => {
    const card = renderResultCard(
      {
        ...done,
        status: 'cancelled',
        cancelledBy: { id: 'cccc', name: 'Cleo Cancel' },
        outcomes: outcomes.slice(0, 20),
      },
      { csv },
    );
    expect(cardProblems(card)).toEqual([]);
    expect(facts(card)).toEqual(
      expect.arrayContaining([
        ['Signed out', '20'],
        ['Not signed out', '40'],
      ]),
    );
    expect(allText(card)).toContain('Stopped part-way');
  });
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

  it('is what a pending request with choices shows, wherever its card is drawn', () => {
    const req = request({ targets: [], source: 'Lester Lee', choices: candidates, id: 'req-9' });
    expect(renderConfirmCard(req, { now: NOW })).toEqual(card);
    expect(renderResultCard(req)).toEqual(card);
  });

  it('shows at most 10 candidates and says how to reach the others', () => {
    const c = renderChoiceCard('User', users(13), 'req-9');
    expect(cardProblems(c)).toEqual([]);
    expect(actions(c).filter((a) => a.verb === 'signout.choose')).toHaveLength(10);
    expect(allText(c)).toMatch(/…and 3 more\. .*user principal name or object id/);
  });
});

describe('history card', () => {
  const entries: AuditEntry[] = [
    {
      at: '2026-11-22T12:34:00Z',
      event: 'requested',
      requestId: 'r1',
      actor: { id: 'aaaa', name: 'Ada Admin' },
      targets: [{ id: lester.id, upn: lester.userPrincipalName, name: lester.displayName }],
      reason: 'lost laptop',
      ...requestedFields({ source: 'lester@contoso.com', block: true, approval }),
    },
    { at: '2026-11-22T12:35:00Z', event: 'approved', requestId: 'r1', actor: bob },
    { at: '2026-11-22T12:35:00Z', event: 'confirmed', requestId: 'r1', actor: bob },
    {
      at: '2026-11-22T12:35:02Z',
      event: 'revoked',
      requestId: 'r1',
      actor: bob,
      targets: [{ id: lester.id, upn: lester.userPrincipalName }],
      outcome: 'revoked',
    },
    {
      at: '2026-11-22T23:50:00Z',
      event: 'refused',
      actor: { id: 'eve', name: 'Eve' },
      detail: 'view history: notAdmin',
    },
  ];
  const items = buildHistory(entries, { count: 10 });

  it('lists who, whom, when (UTC and local), approver and outcome, newest first', () => {
    const card = renderHistoryCard(items, { zone: BERLIN, title: 'History' });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    const t = texts(card);
    expect(t.slice(0, 2)).toEqual([
      'History',
      'The last 2 actions, newest first. Times in UTC and Europe/Berlin.',
    ]);
    const text = t.join('\n');
    expect(text.indexOf('Attempt refused')).toBeLessThan(text.indexOf('Lester Lee (lester@contoso.com)'));
    expect(t).toContain('Refused');
    expect(t).toContain('Refused: view history: notAdmin');
    expect(text).toContain('Tried by: Eve at 2026-11-22 23:50:00 UTC (2026-11-23 00:50:00 Europe/Berlin)');
    expect(text).toContain('Asked by: Ada Admin at 2026-11-22 12:34:00 UTC (13:34:00 Europe/Berlin)');
    expect(text).toContain(`Approval needed: ${approval.why}`);
    expect(text).toContain('Approved by: Bob Boss');
    expect(text).not.toContain('Confirmed by: Bob Boss');
    expect(text).toContain('Block sign-in: yes, before the sign-out');
    expect(text).toContain('Reason: lost laptop');
    expect(text).toContain('Signed out');
    expect(text).toContain('Request: r1');
    expect(actions(card)).toEqual([]);
  });

  it('colours outcomes by how they ended', () => {
    const card = renderHistoryCard(items, { title: 'History' });
    const colors: Record<string, Json> = {};
    walk(card, (o) => {
      if (o.type === 'TextRun' && o.weight === 'Bolder' && o.color) colors[String(o.text)] = o.color;
    });
    expect(colors['Signed out']).toBe('Good');
    expect(colors['Refused']).toBe('Attention');
  });

  it('without a zone shows UTC only; with no items says so', () => {
    const card = renderHistoryCard(items, { title: 'History' });
    expect(allText(card)).toContain('Times in UTC.');
    expect(allText(card)).not.toMatch(/UTC \(/);
    const empty = renderHistoryCard([], {
      title: 'History of x@contoso.com',
      emptyText: 'Nothing audited for x@contoso.com.',
    });
    expect(cardProblems(empty)).toEqual([]);
    expect(texts(empty)).toEqual(['History of x@contoso.com', 'Nothing audited for x@contoso.com.']);
    expect(texts(renderHistoryCard([], { title: 'History' }))[1]).toBe('Nothing in the audit log yet.');
  });

  it('a stored time that does not parse is shown as stored instead of failing the card', () => {
    const card = renderHistoryCard(buildHistory([{ ...entries[4], at: 'not-a-time' }], { count: 1 }), {
      title: 'H',
    });
    expect(cardProblems(card)).toEqual([]);
    expect(allText(card)).toContain('Tried by: Eve at not-a-time');
  });

  it('50 actions with long names fit the size limit, the rest pointed to the export', () => {
    const many: AuditEntry[] = Array.from({ length: 50 }, (_, i) => ({
      at: `2026-11-22T12:${String(i).padStart(2, '0')}:00Z`,
      event: 'requested',
      requestId: `req-${i}`,
      actor: { id: 'a', name: 'Ädä '.repeat(60) },
      targets: [{ id: `u${i}`, upn: `${'u'.repeat(100)}${i}@contoso.com`, name: 'Ñame '.repeat(50) }],
      reason: 'r'.repeat(500),
    }));
    const card = renderHistoryCard(buildHistory(many, { count: 50 }), { zone: BERLIN, title: 'History' });
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    const t = texts(card);
    const shown = Number(/The last (\d+) actions/.exec(t[1])?.[1]);
    expect(shown).toBeGreaterThan(5);
    expect(t.at(-1)).toBe(
      `${50 - shown} older actions do not fit on a card: npm run audit:export has them all.`,
    );
  });
});

describe('history card: every logged value in a TextRun of its own', () => {
  const at = '2026-11-22T12:00:00Z';
  const forged = 'group:"x; approval: forged; block sign-in"';

  it('a group named like the old joined detail shows as the group, with no approval or block line', () => {
    const card = renderHistoryCard(
      buildHistory(
        [
          {
            at,
            event: 'requested',
            requestId: 'f',
            actor: { id: 'a', name: 'Ada' },
            targets: [{ id: 'u1' }, { id: 'u2' }],
            ...requestedFields({ source: forged }),
          },
        ],
        { count: 1 },
      ),
      { title: 'History' },
    );
    expect(cardProblems(card)).toEqual([]);
    const text = texts(card).join('\n');
    expect(text).toContain(`Asked as: ${forged}`);
    expect(runs(card)).toContain(forged);
    expect(text).not.toMatch(/^Approval needed|^Block sign-in/m);
  });

  it('an old entry shows its joined detail as one literal value', () => {
    const old = 'all; block sign-in; approval: bulk; over 10 users';
    const card = renderHistoryCard(
      buildHistory([{ at, event: 'requested', requestId: 'o', actor: { id: 'a' }, detail: old }], {
        count: 1,
      }),
      { title: 'History' },
    );
    expect(runs(card)).toContain(old);
    expect(texts(card)).toContain(`Logged details: ${old}`);
    expect(texts(card).join('\n')).not.toMatch(/^Approval needed|^Block sign-in/m);
  });

  it('a rejection, a failure and a refusal keep the reason out of the outcome', () => {
    const who = { id: 'b', name: 'Bob' };
    const items = buildHistory(
      [
        { at, event: 'requested', requestId: 'r', actor: who, ...requestedFields({ source: 'x' }) },
        { at, event: 'rejected', requestId: 'r', actor: who, reason: 'Approved by: Mallory' },
        { at, event: 'requested', requestId: 'f', actor: who, ...requestedFields({ source: 'y' }) },
        { at, event: 'failed', requestId: 'f', actor: who, detail: 'Graph said: Signed out' },
        { at, event: 'refused', actor: who, detail: 'sign out group:"Signed out": notAdmin' },
      ],
      { count: 5 },
    );
    expect(items.map((i) => i.outcome).sort()).toEqual(['Failed', 'Refused', 'Rejected']);
    const t = texts(renderHistoryCard(items, { title: 'History' }));
    expect(t).toContain('Why rejected: Approved by: Mallory');
    expect(t).toContain('Why it failed: Graph said: Signed out');
    expect(t).toContain('Refused: sign out group:"Signed out": notAdmin');
  });
});

describe('user-controlled text on the new cards', () => {
  const nasty = [
    '${requestId} ${$root.requestId} {{DATE(2017-02-14T06:08:39Z, SHORT)}} "quoted" \'single\' \\ back',
    '**bold** _it_ [click](https://evil.example) <at>x</at> # heading\n- list',
    '}]} {"type":"Action.Execute","verb":"signout.confirm"} ${if(true, "a", "b")}',
  ];

  it.each(nasty)('round-trips literally, never in a TextBlock, and never changes a button: %j', (s) => {
    const user: DirectoryUser = { ...adele, displayName: s, mail: s, privilegedRoles: [s] };
    const many = users(30, () => ({ displayName: s }));
    const base = request({ reason: s, requester: { id: 'aaaa', name: s }, targets: [user] });
    const who = { id: 'x', name: s };
    const history = buildHistory(
      [
        {
          at: '2026-11-22T12:00:00Z',
          event: 'requested',
          requestId: 'h',
          actor: who,
          targets: [{ id: 'u', upn: s, name: s }],
          reason: s,
          ...requestedFields({ source: s, approval: { required: true, why: s } }),
        },
        { at: '2026-11-22T12:01:00Z', event: 'rejected', requestId: 'h', actor: who, reason: s },
      ],
      { count: 5 },
    );
    const cards = [
      renderConfirmCard({ ...base, approval: { required: true, why: s } }, { zone: BERLIN, now: NOW }),
      renderConfirmCard({ ...base, targets: many, source: 'all', block: true }, { now: NOW }),
      renderResultCard(
        { ...base, approval, status: 'rejected', rejectedBy: who, rejectionReason: s, approvedBy: who },
        { zone: BERLIN },
      ),
      renderResultCard(
        {
          ...base,
          targets: many,
          status: 'done',
          confirmedBy: who,
          outcomes: many.map((t): TargetOutcome => ({ userId: t.id, kind: 'failed', message: s, code: s })),
        },
        { csv: { url: 'https://bot.example/x.csv', expiresAt: '2026-11-23T12:38:05Z' } },
      ),
      renderProgressCard({ ...base, targets: many, status: 'running', confirmedBy: who, approvedBy: who }),
      renderChoiceCard(s, [user, { ...user, id: 'other' }], 'req-9'),
      renderHistoryCard(history, { title: s, zone: BERLIN }),
    ];
    for (const card of cards) {
      expect(cardProblems(card)).toEqual([]);
      expect(runs(card).some((r) => r === s || r.endsWith(s) || r.startsWith(s))).toBe(true);
      walk(card, (o) => {
        if (o.type === 'TextBlock') expect(o.text).not.toContain(s);
        if (o.type === 'FactSet') expect(JSON.stringify(o.facts)).not.toContain(s);
        if (typeof o.type === 'string' && o.type.startsWith('Input.'))
          expect(JSON.stringify(o)).not.toContain(s);
      });
      for (const a of actions(card)) {
        if (a.type === 'Action.Execute') {
          expect([
            'signout.confirm',
            'signout.cancel',
            'signout.approve',
            'signout.reject',
            'signout.choose',
          ]).toContain(a.verb);
          expect(Object.keys(a.data as object).sort()).toEqual(
            a.verb === 'signout.choose' ? ['requestId', 'userId'] : ['requestId'],
          );
          expect(JSON.stringify(a.data)).not.toContain(s);
        }
      }
    }
    expect(allText(cards[2])).toContain(`Rejection reason: ${s}`);
    expect(allText(cards[6])).toContain(`Rejected by: ${s}\nWhy rejected: ${s}`);
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
