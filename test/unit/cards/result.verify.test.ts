import { renderResultCard } from '../../../src/cards/result';
import type { SignoutRequest } from '../../../src/domain/types';
import { actions, allText, cardProblems } from '../../support/cardReader';
import { BERLIN, confirmed, guest, lester, request, users } from '../../support/cardFixtures';

/** Issue 12 on the result card: "out everywhere by" and the "Check sign-ins" button. */

const doneLester = (over: Partial<SignoutRequest> = {}) =>
  request({
    status: 'done',
    ...confirmed,
    finishedAt: '2026-11-22T12:36:02Z',
    outcomes: [{ userId: lester.id, kind: 'revoked', validFrom: '2026-11-22T12:36:01Z' }],
    tokenLifetime: { minutes: 60, source: 'policy' },
    ...over,
  });

describe('out everywhere by', () => {
  it('says when the user is out of CAE apps and of every app, in UTC and local time', () => {
    const card = renderResultCard(doneLester(), { zone: BERLIN });
    expect(cardProblems(card)).toEqual([]);
    expect(allText(card)).toContain(
      "Out everywhere by 13:36 UTC (14:36 Europe/Berlin) at the latest: apps with Continuous Access Evaluation (Exchange Online, SharePoint Online, Teams, Microsoft Graph) within about 15 minutes, by 12:51 UTC (13:51 Europe/Berlin); other apps when the access tokens they already hold expire (60 minutes, set by the tenant's token lifetime policy).",
    );
  });

  it('says it assumed the default when the policy could not be read', () => {
    const text = allText(renderResultCard(doneLester({ tokenLifetime: { minutes: 90, source: 'assumed' } })));
    expect(text).toContain('Out everywhere by 14:06 UTC at the latest');
    expect(text).toContain('the bot assumed the default');
  });

  it('gives a multi-target job one time, from its last valid-from', () => {
    const targets = users(25);
    const card = renderResultCard(
      request({
        status: 'done',
        ...confirmed,
        targets,
        outcomes: targets.map((t, i) => ({
          userId: t.id,
          kind: 'revoked' as const,
          validFrom: `2026-11-22T12:${String(36 + (i % 3)).padStart(2, '0')}:00Z`,
        })),
        tokenLifetime: { minutes: 90, source: 'default' },
      }),
    );
    expect(allText(card)).toContain('Everyone signed out is out everywhere by 14:08 UTC at the latest');
  });

  it('is not said when nobody was revoked, for an unblock, or before the lifetime was stored', () => {
    const none = doneLester({ targets: [guest], outcomes: [{ userId: guest.id, kind: 'guestSkipped' }] });
    const unblock = doneLester({ action: 'unblock', outcomes: [{ userId: lester.id, kind: 'unblocked' }] });
    const old = doneLester({ tokenLifetime: undefined });
    for (const req of [none, unblock, old])
      expect(allText(renderResultCard(req))).not.toContain('Out everywhere');
  });
});

describe('Check sign-ins', () => {
  it('is offered once someone was signed out, carrying only the request id', () => {
    expect(actions(renderResultCard(doneLester()))).toEqual([
      {
        type: 'Action.Execute',
        title: 'Check sign-ins',
        verb: 'signout.checkSignIns',
        data: { requestId: doneLester().id },
      },
    ]);
  });

  it('is not offered while running, for an unblock, or when nobody was signed out', () => {
    for (const req of [
      doneLester({ status: 'running' }),
      doneLester({ action: 'unblock', outcomes: [{ userId: lester.id, kind: 'unblocked' }] }),
      doneLester({ status: 'failed', outcomes: [{ userId: lester.id, kind: 'failed' }] }),
    ])
      expect(actions(renderResultCard(req))).toEqual([]);
  });
});
