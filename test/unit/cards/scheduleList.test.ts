import scheduleListTemplate from '../../../src/cards/scheduleList.json';
import { pendingSchedules, renderScheduleListCard } from '../../../src/cards/scheduleList';
import { cardBytes, MAX_CARD_BYTES } from '../../../src/cards/budget';
import type { SignoutRequest } from '../../../src/domain/types';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectLiteralOnly,
} from '../../support/cardReader';
import { approval, BERLIN, bob, confirmed, NASTY, request, users } from '../../support/cardFixtures';

const at = (iso: string) => ({ at: iso, zone: 'UTC', zoneFrom: 'typed' as const });
const later = request({
  id: 'later',
  status: 'scheduled',
  ...confirmed,
  schedule: at('2026-12-06T09:00:00.000Z'),
  targets: users(40),
  source: 'group:"Migration Wave 1"',
  block: true,
});
const sooner = request({
  id: 'sooner',
  schedule: at('2026-12-05T18:00:00.000Z'),
  approval,
  targets: users(3),
});

it('scheduleList.json declares schema 1.5', () => {
  expectAdaptiveCard15(scheduleListTemplate);
});

describe('the schedule list card', () => {
  const others: SignoutRequest[] = [
    request({ id: 'now' }),
    request({ id: 'ran', status: 'running', schedule: at('2026-12-04T09:00:00.000Z') }),
    request({ id: 'gone', status: 'cancelled', schedule: at('2026-12-04T09:00:00.000Z') }),
  ];
  const card = renderScheduleListCard([later, ...others, sooner], BERLIN);
  const text = allText(card);

  it('lists only schedules that have not started, soonest first, and has no buttons', () => {
    expect(pendingSchedules([later, ...others, sooner]).map((r) => r.id)).toEqual(['sooner', 'later']);
    expect(cardProblems(card)).toEqual([]);
    expect(actions(card)).toEqual([]);
    expect(text.indexOf('2026-12-05 18:00:00 UTC (19:00:00 Europe/Berlin)')).toBeLessThan(
      text.indexOf('2026-12-06 09:00:00 UTC (10:00:00 Europe/Berlin)'),
    );
    expect(text).toContain('2 sign-outs waiting for their time, soonest first.');
  });

  it('says who asked, who approved, how many targets, and the request id', () => {
    expect(text).toContain('Waiting for approval');
    expect(text).toContain('Approved by: not yet: it does not run unless approved before its time');
    expect(text).toContain('Targets: 3 users');
    expect(text).toContain('Request id: sooner');
    expect(text).toContain('Confirmed');
    expect(text).toContain('Asked by: Ada Admin');
    expect(text).toContain('Approved by: not needed');
    expect(text).toContain('Confirmed by: Bob Boss');
    expect(text).toContain('Targets: 40 users (group:"Migration Wave 1")');
    expect(text).toContain('Block sign-in first: yes');
    const approved = allText(renderScheduleListCard([{ ...later, approval, approvedBy: bob }]));
    expect(approved).toContain('Approved by: Bob Boss');
  });

  it('says when there is nothing scheduled', () => {
    expect(allText(renderScheduleListCard(others))).toContain('No scheduled sign-outs are waiting.');
  });

  it('stays under the card budget with many schedules', () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      request({ id: `r${i}`, schedule: at('2026-12-05T18:00:00.000Z'), reason: 'x'.repeat(300) }),
    );
    const big = renderScheduleListCard(many);
    expect(cardBytes(big)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(allText(big)).toMatch(/…and \d+ more that do not fit on a card/);
  });

  it('shows hostile names and reasons literally', () => {
    for (const s of NASTY) {
      expectLiteralOnly(
        renderScheduleListCard([{ ...sooner, reason: s, requester: { id: 'x', name: s }, source: s }]),
        s,
      );
    }
  });
});
