import confirmTemplate from '../../src/cards/confirm.json';
import helpTemplate from '../../src/cards/help.json';
import {
  cardAttachment,
  renderConfirmCard,
  renderHelpCard,
  renderResultCard,
  renderStatusCard,
  renderTemplate,
} from '../../src/cards/render';
import resultTemplate from '../../src/cards/result.json';
import statusTemplate from '../../src/cards/status.json';
import type { LocalZone } from '../../src/core/timeFormat';
import type { DirectoryUser, RequestStatus, SignoutRequest, TargetOutcome } from '../../src/core/types';

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

  it('has exactly Sign out (destructive) and Cancel, carrying only the request id', () => {
    expect(actions(card)).toEqual([
      {
        type: 'Action.Execute',
        title: 'Sign out',
        verb: 'signout.confirm',
        style: 'destructive',
        data: { requestId: '6f1c2d4e-0000-4000-8000-00000000abcd' },
      },
      {
        type: 'Action.Execute',
        title: 'Cancel',
        verb: 'signout.cancel',
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
    const text = allText(c);
    expect(text).toContain('13 users');
    expect(text).toContain('user9@contoso.com');
    expect(text).not.toContain('user10@contoso.com');
    expect(text).toContain('…and 3 more');
    expect(actions(c)).toHaveLength(2);
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

  it('lists 20 of many outcomes and "…and N more"', () => {
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
    expect(text).toContain('u19@c.com');
    expect(text).not.toContain('u20@c.com');
    expect(text).toContain('…and 5 more');
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
