import { cardFor } from '../../../src/cards/cardFor';
import { renderChoiceCard } from '../../../src/cards/choice';
import { renderConfirmCard } from '../../../src/cards/confirm';
import { renderProgressCard } from '../../../src/cards/progress';
import { renderResultCard } from '../../../src/cards/result';
import type { RequestStatus, SignoutRequest } from '../../../src/domain/types';
import { actions, allText } from '../../support/cardReader';
import { BERLIN, confirmed, NOW, request, users } from '../../support/cardFixtures';

const o = { zone: BERLIN, now: NOW };
const csv = { url: 'https://bot.example/x.csv', expiresAt: '2026-11-23T12:38:05Z' };
const running = { ...confirmed, startedAt: '2026-11-22T12:36:00Z' };
const ended = { ...running, finishedAt: '2026-11-22T12:38:05Z' };
const candidates = users(3, () => ({ displayName: 'Lester Lee' }));
const schedule = { at: '2026-12-05T18:00:00.000Z', zone: 'Europe/Berlin', zoneFrom: 'typed' as const };

type Card = 'choice' | 'confirm' | 'progress' | 'result';
const render: Record<Card, (req: SignoutRequest) => object> = {
  choice: (req) => renderChoiceCard(req.source ?? '', req.choices ?? [], req.id),
  confirm: (req) => renderConfirmCard(req, o),
  progress: (req) => renderProgressCard(req, o),
  result: (req) => renderResultCard(req, o),
};

/** Every state a request can be in (a missing one fails to compile), each with the cards it may show. */
const STATES: Record<RequestStatus, [string, Partial<SignoutRequest>, Card][]> = {
  pending: [
    ['one target', {}, 'confirm'],
    ['several targets', { targets: users(30) }, 'confirm'],
    ['waiting for a second admin', { approval: { required: true, why: 'policy' } }, 'confirm'],
    [
      'a typed name that matched several users',
      { targets: [], source: 'Lester Lee', choices: candidates },
      'choice',
    ],
  ],
  approved: [
    ['one target', { approvedBy: confirmed.confirmedBy }, 'confirm'],
    [
      'signout all, typed by the approver',
      { approvedBy: confirmed.confirmedBy, source: 'all', targets: users(30) },
      'confirm',
    ],
  ],
  scheduled: [
    ['one target', { ...confirmed, schedule }, 'confirm'],
    ['many targets', { ...confirmed, schedule, targets: users(30) }, 'confirm'],
  ],
  running: [
    ['one target', running, 'result'],
    ['two targets', { ...running, targets: users(2) }, 'progress'],
    ['more than the result card lists', { ...running, targets: users(30) }, 'progress'],
  ],
  done: [
    ['one target', ended, 'result'],
    ['many targets', { ...ended, targets: users(30) }, 'result'],
  ],
  failed: [['one target', { ...ended, error: 'Graph refused' }, 'result']],
  cancelled: [
    ['one target', { cancelledBy: confirmed.confirmedBy, finishedAt: ended.finishedAt }, 'result'],
    // "None of these" on a choice card: the request keeps its candidates
    ['a choice card', { targets: [], source: 'Lee', choices: candidates }, 'result'],
  ],
  expired: [
    ['one target', {}, 'result'],
    ['a choice card', { targets: [], source: 'Lee', choices: candidates }, 'result'],
  ],
  rejected: [['one target', { rejectedBy: confirmed.confirmedBy, rejectionReason: 'no' }, 'result']],
};

describe('cardFor', () => {
  const cases = Object.entries(STATES).flatMap(([status, list]) =>
    list.map(([what, over, card]) => ({ status: status as RequestStatus, what, over, card })),
  );

  it.each(cases)('$status, $what: the $card card', ({ status, over, card }) => {
    const req = request({ status, ...over });
    expect(cardFor(req, o)).toEqual(render[card](req));
  });

  it('a pending or approved request gets its confirmation card, buttons included', () => {
    for (const status of ['pending', 'approved'] as RequestStatus[]) {
      const card = cardFor(request({ status }), { zone: BERLIN });
      expect(allText(card)).toContain('Sign out of all Microsoft 365 sessions?');
      expect(actions(card).map((a) => a.verb)).toEqual(['signout.confirm', 'signout.cancel']);
    }
  });

  it('a scheduled request waiting for its time keeps its card with only Cancel', () => {
    const card = cardFor(request({ status: 'scheduled', ...confirmed, schedule }), { zone: BERLIN });
    expect(allText(card)).toContain('Scheduled sign-out');
    expect(actions(card).map((a) => a.verb ?? a.type)).toEqual(['Action.OpenUrl', 'signout.cancel']);
  });

  it('a pending request with choices shows the choice card, with or without options', () => {
    const card = renderChoiceCard('Lester Lee', candidates, 'req-9');
    const req = request({ targets: [], source: 'Lester Lee', choices: candidates, id: 'req-9' });
    expect(cardFor(req, { now: NOW })).toEqual(card);
    expect(cardFor(req)).toEqual(card);
  });

  it('a running request with several targets shows its progress with Cancel, one target its result', () => {
    const job = request({ status: 'running', ...running, targets: users(100) });
    expect(allText(cardFor(job))).toContain('0 of 100 done');
    expect(actions(cardFor(job)).map((a) => a.verb)).toEqual(['signout.cancel']);
    const one = cardFor(request({ status: 'running', ...running }));
    expect(allText(one)).toContain('Signing out…');
    expect(actions(one)).toEqual([]);
  });

  it('passes the CSV link to a finished request, and never offers it while running', () => {
    const done = request({ status: 'done', ...ended, targets: users(30) });
    expect(actions(cardFor(done, { csv }))).toEqual([
      { type: 'Action.OpenUrl', title: 'Download CSV of every outcome', url: csv.url },
    ]);
    const job = request({ status: 'running', ...running, targets: users(30) });
    expect(actions(cardFor(job, { csv })).map((a) => a.type)).toEqual(['Action.Execute']);
  });
});
