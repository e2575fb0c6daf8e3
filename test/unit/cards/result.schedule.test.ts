import { renderResultCard } from '../../../src/cards/result';
import type { Schedule } from '../../../src/domain/types';
import { allText } from '../../support/cardReader';
import { approval, BERLIN, confirmed, NOW, request, users } from '../../support/cardFixtures';

const schedule: Schedule = { at: '2026-12-05T17:00:00.000Z', zone: 'Europe/Berlin', zoneFrom: 'teams' };
const o = { zone: BERLIN, now: NOW };

describe('result card of a scheduled sign-out', () => {
  const ran = {
    ...confirmed,
    schedule: { ...schedule, startedLateMs: 12 * 60_000 },
    startedAt: '2026-12-05T17:12:00Z',
    finishedAt: '2026-12-05T17:12:05Z',
    outcomes: [{ userId: users(1)[0].id, kind: 'revoked' as const, validFrom: '2026-12-05T17:12:03Z' }],
    targets: users(1),
  };

  it('says how late a job started, or that it started on time', () => {
    expect(allText(renderResultCard(request({ status: 'done', ...ran }), o))).toContain(
      'Scheduled for 2026-12-05 17:00:00 UTC (18:00:00 Europe/Berlin); started 12 min late, because the bot was not running at that time.',
    );
    const onTime = { ...ran, schedule: { ...schedule, startedLateMs: 4_000 } };
    expect(allText(renderResultCard(request({ status: 'running', ...onTime }), o))).toContain(
      'Scheduled for 2026-12-05 17:00:00 UTC (18:00:00 Europe/Berlin); started on time.',
    );
  });

  it('says why a schedule did not run', () => {
    const missed = { ...schedule, missedAt: '2026-12-05T18:35:00Z' };
    const t = allText(renderResultCard(request({ status: 'expired', ...confirmed, schedule: missed }), o));
    expect(t).toContain('Scheduled sign-out did not run');
    expect(t).toMatch(/came back 95 min later, beyond the grace period. Nobody was signed out/);
    const unapproved = allText(renderResultCard(request({ status: 'expired', schedule, approval }), o));
    expect(unapproved).toContain('Not run: it was not approved before its time, 2026-12-05 17:00 UTC.');
  });
});
