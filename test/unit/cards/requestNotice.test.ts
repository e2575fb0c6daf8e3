import requestNoticeTemplate from '../../../src/cards/requestNotice.json';
import { NOTICE_FAILURES_LISTED, renderRequestNoticeCard } from '../../../src/cards/requestNotice';
import { cardBytes, MAX_CARD_BYTES } from '../../../src/cards/budget';
import type { DirectoryUser, SignoutRequest, TargetOutcome } from '../../../src/domain/types';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectLiteralOnly,
  runs,
  walk,
  type Json,
} from '../../support/cardReader';
import {
  approval,
  BERLIN,
  bob,
  confirmed,
  lester,
  NASTY,
  request,
  rita,
  users,
} from '../../support/cardFixtures';

const LINK = 'https://teams.microsoft.com/l/message/19%3Aabc%40thread.tacv2/1732279000000';
const thread = { place: 'Contoso Security › Incidents', link: LINK };

it('requestNotice.json declares schema 1.5', () => {
  expectAdaptiveCard15(requestNoticeTemplate);
});

function lines(card: object): string[] {
  return runs(card).length ? allText(card).split('\n') : [];
}

/** [style, weight] of each column of the progress bar. */
function bar(card: object): [Json, Json][] {
  const out: [Json, Json][] = [];
  walk(card, (o) => {
    if (o.type === 'ColumnSet')
      for (const col of o.columns as Record<string, Json>[])
        out.push([(col.items as Record<string, Json>[])[0].style, col.width]);
  });
  return out;
}

describe('request notice card', () => {
  it('a new request: who asked whom to sign out, why, where, until when, and a button to its thread', () => {
    const card = renderRequestNoticeCard(request({ thread }), { zone: BERLIN });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    expect(lines(card)).toEqual([
      'Sign-out requested: waiting for confirmation',
      'Users: Lester Lee (lester@contoso.com)',
      'Reason: lost laptop',
      'Requested by: Ada Admin at 2026-11-22 12:34:00 UTC (13:34:00 Europe/Berlin)',
      'Expires: 2026-11-22 12:49:00 UTC (13:49:00 Europe/Berlin)',
      'In: Contoso Security › Incidents',
      'Request 6f1c2d4e-0000-4000-8000-00000000abcd · last change 2026-11-22 12:34:00 UTC (13:34:00 Europe/Berlin)',
    ]);
    expect(actions(card)).toEqual([
      { type: 'Action.OpenUrl', title: "Open the request's thread", url: LINK },
    ]);
  });

  it('waiting for approval names why; approved and rejected name who, and the rejection reason', () => {
    const waiting = allText(renderRequestNoticeCard(request({ approval })));
    expect(waiting).toContain("Sign-out requested: waiting for a second admin's approval");
    expect(waiting).toContain(`Approval needed: ${approval.why}`);
    const approved = allText(
      renderRequestNoticeCard(
        request({ approval, status: 'approved', approvedBy: bob, approvedAt: '2026-11-22T12:36:00Z' }),
      ),
    );
    expect(approved).toContain('Sign-out approved: starting');
    expect(approved).toContain('Approved by: Bob Boss at 2026-11-22 12:36:00 UTC');
    expect(approved).not.toContain('Expires');
    const rejected = allText(
      renderRequestNoticeCard(
        request({
          approval,
          status: 'rejected',
          rejectedBy: rita,
          rejectedAt: '2026-11-22T12:37:00Z',
          rejectionReason: 'wrong user',
        }),
      ),
    );
    expect(rejected).toContain('Sign-out rejected');
    expect(rejected).toContain('Rejected by: Rita Reject at 2026-11-22 12:37:00 UTC');
    expect(rejected).toContain('Rejection reason: wrong user');
  });

  it('a running bulk job: percent, done of total, counts so far and a bar', () => {
    const targets = users(200);
    const req = request({
      targets,
      source: 'group:"Migration Wave 1"',
      status: 'running',
      ...confirmed,
      startedAt: confirmed.confirmedAt,
      outcomes: [
        ...targets.slice(0, 80).map((t): TargetOutcome => ({ userId: t.id, kind: 'revoked' })),
        { userId: targets[80].id, kind: 'denied', message: 'Insufficient privileges' },
      ],
      progress: { done: 81, total: 200, ratePerSecond: 20, throttled: 0 },
    });
    const card = renderRequestNoticeCard(req);
    expect(cardProblems(card)).toEqual([]);
    const text = allText(card);
    expect(text).toContain('Sign-out running: 40% (81 of 200)');
    expect(text).toContain('Users: 200 users: group:"Migration Wave 1"');
    expect(text).toContain('Confirmed by: Bob Boss');
    expect(text).toContain('200 users: 80 signed out, 1 failed, 119 waiting');
    expect(text).toContain('User 80  user80@contoso.com');
    expect(text).toContain('Not allowed: Insufficient privileges');
    expect(bar(card)).toEqual([
      ['accent', 405],
      ['emphasis', 595],
    ]);
  });

  it('a single sign-out in flight has no bar and no percent', () => {
    const card = renderRequestNoticeCard(
      request({ status: 'running', ...confirmed, startedAt: confirmed.confirmedAt }),
    );
    expect(allText(card)).toContain('Sign-out running');
    expect(bar(card)).toEqual([]);
  });

  it('the end: the outcome counts, failures first by name (a few), the rest counted', () => {
    const targets = users(30);
    const outcomes: TargetOutcome[] = targets.map((t, i) =>
      i < 8 ? { userId: t.id, kind: 'failed', message: `boom ${i}` } : { userId: t.id, kind: 'revoked' },
    );
    const done = request({
      targets,
      status: 'done',
      ...confirmed,
      startedAt: confirmed.confirmedAt,
      finishedAt: '2026-11-22T12:40:00Z',
      auditedAt: '2026-11-22T12:40:01Z',
      outcomes,
    });
    const card = renderRequestNoticeCard(done);
    const text = allText(card);
    expect(text).toContain('Sign-out done');
    expect(text).toContain('30 users: 22 signed out, 8 failed');
    expect(text.match(/Failed: boom/g)).toHaveLength(NOTICE_FAILURES_LISTED);
    expect(text).toContain("…and 3 more failures: see the request's card and its CSV");
    expect(text).toContain('last change 2026-11-22 12:40:00 UTC');
    expect(bar(card)).toEqual([]);
  });

  it('a job stopped by a cancel says so, and "stopping" until its end is audited', () => {
    const base = request({
      targets: users(3),
      status: 'cancelled',
      startedAt: '2026-11-22T12:36:00Z',
      cancelledBy: rita,
      outcomes: [{ userId: 'id-0', kind: 'revoked' }],
    });
    const stopping = allText(renderRequestNoticeCard(base));
    expect(stopping).toContain('Sign-out stopped by a cancel');
    expect(stopping).toContain('Stopping: users already signed out stay signed out.');
    const ended = allText(
      renderRequestNoticeCard({
        ...base,
        finishedAt: '2026-11-22T12:37:00Z',
        auditedAt: '2026-11-22T12:37:01Z',
      }),
    );
    expect(ended).not.toContain('Stopping');
    expect(ended).toContain('Cancelled by: Rita Reject at 2026-11-22 12:37:00 UTC');
    expect(ended).toContain('3 users: 1 signed out, 2 not started');
  });

  it('expired and failed requests, and a --block request', () => {
    expect(allText(renderRequestNoticeCard(request({ status: 'expired' })))).toContain(
      'Sign-out request expired: nobody confirmed it in time',
    );
    const failed = allText(
      renderRequestNoticeCard(
        request({ status: 'failed', startedAt: '2026-11-22T12:36:00Z', error: 'Graph could not be reached' }),
      ),
    );
    expect(failed).toContain('Graph could not be reached');
    expect(allText(renderRequestNoticeCard(request({ block: true })))).toContain(
      'Sign-in will be blocked first (accountEnabled = false)',
    );
  });

  it("one user signed out: when their sessions were cut, in UTC and the confirmer's time", () => {
    const done = request({
      status: 'done',
      ...confirmed,
      startedAt: confirmed.confirmedAt,
      auditedAt: '2026-11-22T12:36:02Z',
      outcomes: [{ userId: lester.id, kind: 'revoked', validFrom: '2026-11-22T12:36:01Z' }],
    });
    expect(allText(renderRequestNoticeCard(done, { zone: BERLIN }))).toContain(
      'Sessions valid from 2026-11-22 12:36:01 UTC (13:36:01 Europe/Berlin)',
    );
  });

  it('an unblock names what it does', () => {
    const text = allText(
      renderRequestNoticeCard(
        request({
          action: 'unblock',
          status: 'done',
          outcomes: [{ userId: lester.id, kind: 'unblocked' }],
          startedAt: '2026-11-22T12:36:00Z',
          auditedAt: 'y',
        }),
      ),
    );
    expect(text).toContain('Unblock done');
    expect(text).toContain('Unblock: Lester Lee (lester@contoso.com)');
    expect(text).toContain('1 user: 1 allowed to sign in again');
  });

  it.each([
    ['javascript:alert(1)'],
    ['https://evil.example/l/message/a/b'],
    ['https://teams.microsoft.com.evil.example/l/message/a/b'],
    ['https://teams.microsoft.com/l/message/a/b?x=1'],
  ])('gives no button for a thread link the bot would not make: %s', (link) => {
    expect(actions(renderRequestNoticeCard(request({ thread: { place: 'x', link } })))).toEqual([]);
  });

  it('gives no button without a link, or for a place stored as one string (before issue 9)', () => {
    expect(actions(renderRequestNoticeCard(request({ thread: { place: 'x' } })))).toEqual([]);
    const old = renderRequestNoticeCard(request({ thread: 'Team › Channel' }));
    expect(actions(old)).toEqual([]);
    expect(allText(old)).toContain('In: Team › Channel');
  });

  it('refuses to draw a request that is waiting for a choice (it has no notice)', () => {
    expect(() => renderRequestNoticeCard(request({ choices: [lester] }))).toThrow(/no notice/);
  });

  it('stays within the card budget with the longest values', () => {
    const long = 'x'.repeat(500);
    const who = { id: 'x', name: long };
    const many = users(1000, () => ({ displayName: long, userPrincipalName: `${long}@contoso.com` }));
    const card = renderRequestNoticeCard(
      request({
        targets: many,
        reason: long,
        requester: who,
        source: long.repeat(20),
        approval: { required: true, why: long },
        status: 'done',
        approvedBy: who,
        confirmedBy: { id: 'y', name: long },
        startedAt: '2026-11-22T12:36:00Z',
        auditedAt: 'y',
        thread: { place: long, link: LINK },
        outcomes: many.map((t): TargetOutcome => ({ userId: t.id, kind: 'failed', message: long })),
      }),
    );
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
  });

  describe.each(NASTY)('user text round-trips literally: %j', (s) => {
    const user: DirectoryUser = { ...lester, displayName: s, userPrincipalName: s };
    const who = { id: 'x', name: s };
    const states: [string, SignoutRequest][] = [
      [
        'requested',
        request({ targets: [user], reason: s, requester: who, thread: { place: s, link: LINK } }),
      ],
      ['awaiting approval', request({ targets: [user], approval: { required: true, why: s } })],
      ['rejected', request({ approval, status: 'rejected', rejectedBy: who, rejectionReason: s })],
      ['cancelled', request({ status: 'cancelled', cancelledBy: who })],
      ['running', request({ targets: users(3), source: s, status: 'running', confirmedBy: who })],
      [
        'failed',
        request({
          targets: [user, ...users(2)],
          status: 'done',
          startedAt: '2026-11-22T12:36:00Z',
          auditedAt: 'y',
          error: s,
          outcomes: [{ userId: user.id, kind: 'failed', message: s }],
        }),
      ],
      ['failed with an error', request({ status: 'failed', error: s })],
    ];
    it.each(states)('%s', (_what, req) => {
      expectLiteralOnly(renderRequestNoticeCard(req), s);
    });
  });
});
