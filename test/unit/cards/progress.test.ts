import progressTemplate from '../../../src/cards/progress.json';
import { renderProgressCard } from '../../../src/cards/progress';
import type { TargetOutcome } from '../../../src/domain/types';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectButtonsUntouched,
  expectLiteralOnly,
  facts,
  Json,
  walk,
} from '../../support/cardReader';
import { BERLIN, confirmed, lester, NASTY, request, users } from '../../support/cardFixtures';

it('progress.json declares schema 1.5', () => {
  expectAdaptiveCard15(progressTemplate);
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
});

describe('user-controlled text', () => {
  it.each(NASTY)('round-trips literally and never changes Cancel: %j', (s) => {
    const many = users(30, () => ({ displayName: s }));
    const who = { id: 'x', name: s };
    const base = request({ reason: s, requester: { id: 'aaaa', name: s }, targets: [lester] });
    const card = renderProgressCard({
      ...base,
      targets: many,
      status: 'running',
      confirmedBy: who,
      approvedBy: who,
    });
    expectLiteralOnly(card, s);
    expectButtonsUntouched(card, s);
  });
});
