import {
  isNewer,
  noticeCounts,
  noticeHeadline,
  noticeStateOf,
  noticeTone,
  type NoticeStage,
} from '../../../src/domain/requestNotice';
import type { SignoutRequest, TargetOutcome } from '../../../src/domain/types';
import { approval, bob, confirmed, lester, request, rita, users } from '../../support/cardFixtures';

const ten = users(10);
const revoked = (n: number): TargetOutcome[] =>
  ten.slice(0, n).map((t) => ({ userId: t.id, kind: 'revoked' }));

/** [what, request, stage, headline]: every state a request's notice can show. */
const STATES: [string, SignoutRequest, NoticeStage, string][] = [
  ['pending', request(), 'requested', 'Sign-out requested: waiting for confirmation'],
  [
    'pending, needs approval',
    request({ approval }),
    'awaitingApproval',
    "Sign-out requested: waiting for a second admin's approval",
  ],
  [
    'approved',
    request({ approval, status: 'approved', approvedBy: bob, approvedAt: '2026-11-22T12:35:00Z' }),
    'approved',
    'Sign-out approved: starting',
  ],
  [
    'running, one user',
    request({ status: 'running', ...confirmed, startedAt: confirmed.confirmedAt }),
    'running',
    'Sign-out running',
  ],
  [
    'running, bulk',
    request({
      targets: ten,
      status: 'running',
      ...confirmed,
      outcomes: revoked(3),
      progress: { done: 4, total: 10, ratePerSecond: 1, throttled: 0 },
    }),
    'running',
    'Sign-out running: 40% (4 of 10)',
  ],
  ['done', request({ status: 'done', outcomes: revoked(1) }), 'done', 'Sign-out done'],
  ['failed', request({ status: 'failed', error: 'x' }), 'failed', 'Sign-out failed'],
  [
    'cancelled before it ran',
    request({ status: 'cancelled', cancelledBy: bob }),
    'cancelled',
    'Sign-out cancelled',
  ],
  [
    'cancelled while running',
    request({ targets: ten, status: 'cancelled', startedAt: '2026-11-22T12:36:00Z', cancelledBy: bob }),
    'cancelled',
    'Sign-out stopped by a cancel',
  ],
  [
    'expired',
    request({ status: 'expired' }),
    'expired',
    'Sign-out request expired: nobody confirmed it in time',
  ],
  [
    'rejected',
    request({ approval, status: 'rejected', rejectedBy: rita, rejectionReason: 'no' }),
    'rejected',
    'Sign-out rejected',
  ],
  [
    'an unblock, pending',
    request({ action: 'unblock' }),
    'requested',
    'Unblock requested: waiting for confirmation',
  ],
  ['an unblock, done', request({ action: 'unblock', status: 'done' }), 'done', 'Unblock done'],
];

describe('noticeStateOf and noticeHeadline', () => {
  it.each(STATES)('%s', (_what, req, stage, headline) => {
    const state = noticeStateOf(req)!;
    expect(state.stage).toBe(stage);
    expect(noticeHeadline(req, state)).toBe(headline);
  });

  it('says when a scheduled sign-out starts, at the step of an approval (before running)', () => {
    const req = request({
      status: 'scheduled',
      schedule: { at: '2026-12-05T17:00:00.000Z', zone: 'Europe/Berlin', zoneFrom: 'typed' },
    });
    const state = noticeStateOf(req)!;
    expect(noticeHeadline(req, state)).toBe('Sign-out scheduled: starts 2026-12-05 17:00:00 UTC');
    expect(state.version).toBe(noticeStateOf(request({ status: 'approved' }))!.version);
    expect(state.version).toBeLessThan(noticeStateOf(request({ status: 'running' }))!.version);
  });

  it('has no notice for a name waiting for a choice among several users', () => {
    expect(noticeStateOf(request({ choices: [lester, { ...lester, id: 'other' }] }))).toBeUndefined();
  });

  it("counts the larger of the job's figure and the outcomes, and never more than the targets", () => {
    const base = { targets: ten, status: 'running' as const };
    expect(noticeStateOf(request({ ...base, outcomes: revoked(5) }))).toMatchObject({ done: 5, percent: 50 });
    expect(
      noticeStateOf(request({ ...base, progress: { done: 99, total: 10, ratePerSecond: 0, throttled: 0 } })),
    ).toMatchObject({ done: 10, total: 10, percent: 100 });
    // 1 of 3 is 33%, not 34%: the notice never claims more than is done
    expect(noticeStateOf(request({ ...base, targets: ten.slice(0, 3), outcomes: revoked(1) }))!.percent).toBe(
      33,
    );
  });
});

describe('notice versions', () => {
  /** A bulk request through its life, one state after the other. */
  const life: SignoutRequest[] = [
    request({ targets: ten, approval }),
    request({ targets: ten, approval, status: 'approved', approvedBy: bob }),
    request({ targets: ten, status: 'running', outcomes: [] }),
    request({ targets: ten, status: 'running', outcomes: revoked(4) }),
    request({ targets: ten, status: 'running', outcomes: revoked(9) }),
    request({ targets: ten, status: 'running', outcomes: revoked(10) }),
    request({ targets: ten, status: 'done', outcomes: revoked(10) }),
    request({ targets: ten, status: 'done', outcomes: revoked(10), auditedAt: '2026-11-22T12:40:00Z' }),
  ];

  it("grow along a request's life, so a late update never puts back an older state", () => {
    const versions = life.map((r) => noticeStateOf(r)!.version);
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]);
  });

  it('an end moves once more when it is audited, so the notice shows its complete outcomes', () => {
    const open = noticeStateOf(
      request({ targets: ten, status: 'cancelled', startedAt: 'x', outcomes: revoked(2) }),
    )!;
    const audited = noticeStateOf(
      request({ targets: ten, status: 'cancelled', startedAt: 'x', outcomes: revoked(3), auditedAt: 'y' }),
    )!;
    expect(open.complete).toBe(false);
    expect(audited.complete).toBe(true);
    expect(isNewer(audited, open.version)).toBe(true);
  });

  it('the same state again is not newer: a repeated update after a restart sends nothing', () => {
    const state = noticeStateOf(life[3])!;
    expect(isNewer(state, undefined)).toBe(true);
    expect(isNewer(state, state.version)).toBe(false);
    expect(isNewer(noticeStateOf(life[2])!, state.version)).toBe(false);
  });

  it('a percent that rounds to the same whole number is the same version: no update per batch', () => {
    const many = users(1000);
    const at = (n: number) =>
      noticeStateOf(
        request({
          targets: many,
          status: 'running',
          progress: { done: n, total: 1000, ratePerSecond: 0, throttled: 0 },
        }),
      )!.version;
    expect(at(401)).toBe(at(409));
    expect(at(410)).toBeGreaterThan(at(409));
  });
});

describe('noticeTone and noticeCounts', () => {
  it('warns about a done job with failures, and marks failed and rejected', () => {
    const withFailure = request({
      targets: ten.slice(0, 2),
      status: 'done',
      outcomes: [...revoked(1), { userId: ten[1].id, kind: 'denied' }],
    });
    expect(noticeTone(withFailure, noticeStateOf(withFailure)!)).toBe('Warning');
    const clean = request({ status: 'done', targets: ten.slice(0, 1), outcomes: revoked(1) });
    expect(noticeTone(clean, noticeStateOf(clean)!)).toBe('Good');
    for (const status of ['failed', 'rejected'] as const) {
      const r = request({ status });
      expect(noticeTone(r, noticeStateOf(r)!)).toBe('Attention');
    }
  });

  it('counts each kind of outcome and the targets without one', () => {
    const r = request({
      targets: ten,
      outcomes: [
        ...revoked(2),
        { userId: ten[2].id, kind: 'failed' },
        { userId: ten[3].id, kind: 'notFound' },
        { userId: ten[4].id, kind: 'guestSkipped' },
      ],
    });
    expect(noticeCounts(r)).toEqual({ revoked: 2, unblocked: 0, failed: 2, guestSkipped: 1, without: 5 });
  });
});
