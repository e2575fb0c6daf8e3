import resultTemplate from '../../../src/cards/result.json';
import { renderResultCard } from '../../../src/cards/result';
import type { DirectoryUser, RequestStatus, SignoutRequest, TargetOutcome } from '../../../src/domain/types';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectButtonsUntouched,
  expectLiteralOnly,
  texts,
} from '../../support/cardReader';
import {
  approval,
  BERLIN,
  bob,
  confirmed,
  guest,
  lester,
  NASTY,
  request,
  rita,
  users,
} from '../../support/cardFixtures';

it('result.json declares schema 1.5', () => {
  expectAdaptiveCard15(resultTemplate);
});

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

  it.each(STATES)('$name: has no buttons but "Check sign-ins" once someone was signed out', ({ req }) => {
    const revoked = req.status !== 'running' && req.outcomes.some((x) => x.kind === 'revoked');
    expect(actions(renderResultCard(req, { zone: BERLIN }))).toEqual(
      revoked
        ? [
            {
              type: 'Action.Execute',
              title: 'Check sign-ins',
              verb: 'signout.checkSignIns',
              data: { requestId: req.id },
            },
          ]
        : [],
    );
  });

  it('without a zone shows UTC only', () => {
    const text = allText(renderResultCard(STATES[1].req, {}));
    expect(text).toContain('Sessions valid from 2026-11-22 12:36:01 UTC');
    expect(text).not.toContain('Europe/Berlin');
    expect(text).not.toMatch(/UTC \(/);
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

it('is only drawn once a request left pending: a pending or approved one has no result (cardFor picks its card)', () => {
  for (const status of ['pending', 'approved'] as RequestStatus[])
    expect(() => renderResultCard(request({ status }))).toThrow(/has no result yet/);
});

it('a small running request: Signing out…, one row per target, and no buttons', () => {
  const small = renderResultCard(request({ status: 'running', ...confirmed, targets: users(3) }));
  expect(allText(small)).toContain('Signing out…');
  expect(actions(small)).toEqual([]);
});

describe('user-controlled text', () => {
  it.each(NASTY)('round-trips literally in cancelled and failed cards, which have no buttons: %j', (s) => {
    const user: DirectoryUser = { ...lester, displayName: s, mail: s };
    const req = request({
      reason: s,
      requester: { id: 'aaaa', name: s },
      targets: [user],
    });
    const cards = [
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
    ];
    for (const card of cards) {
      expectLiteralOnly(card, s);
      expect(actions(card)).toEqual([]);
    }
  });

  it.each(NASTY)('a rejection reason round-trips literally: %j', (s) => {
    const user: DirectoryUser = { ...lester, displayName: s, mail: s };
    const base = request({ reason: s, requester: { id: 'aaaa', name: s }, targets: [user] });
    const who = { id: 'x', name: s };
    const card = renderResultCard(
      { ...base, approval, status: 'rejected', rejectedBy: who, rejectionReason: s, approvedBy: who },
      { zone: BERLIN },
    );
    expectLiteralOnly(card, s);
    expectButtonsUntouched(card, s);
    expect(allText(card)).toContain(`Rejection reason: ${s}`);
  });
});

describe('block sign-in (--block)', () => {
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
