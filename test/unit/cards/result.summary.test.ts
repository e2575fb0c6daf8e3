import { renderResultCard } from '../../../src/cards/result';
import { RESULT_LIST_LIMIT, summarizesOutcomes } from '../../../src/domain/requestSize';
import type { TargetOutcome } from '../../../src/domain/types';
import {
  actions,
  allText,
  cardProblems,
  expectButtonsUntouched,
  expectLiteralOnly,
  facts,
  runs,
} from '../../support/cardReader';
import { BERLIN, confirmed, lester, NASTY, request, users } from '../../support/cardFixtures';

/* A result with more targets than RESULT_LIST_LIMIT: counts, the failures only, and the CSV of every outcome. */

describe('summarizesOutcomes', () => {
  it('lists up to 20 targets one by one and summarizes from 21', () => {
    expect(RESULT_LIST_LIMIT).toBe(20);
    expect(summarizesOutcomes({ targets: users(20) })).toBe(false);
    expect(summarizesOutcomes({ targets: users(21) })).toBe(true);
    const rows = (n: number) =>
      allText(renderResultCard(request({ status: 'done', ...confirmed, targets: users(n) })));
    expect(rows(20)).toContain('user19@contoso.com');
    expect(rows(21)).not.toContain('user0@contoso.com');
  });
});

describe('result card', () => {
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
    const links = (card: object) => actions(card).filter((a) => a.type === 'Action.OpenUrl');
    expect(links(renderResultCard(done, { csv }))).toEqual([
      { type: 'Action.OpenUrl', title: 'Download CSV of every outcome', url: csvUrl },
    ]);
    expect(links(renderResultCard(done))).toEqual([]);
    for (const url of ['javascript:alert(1)', 'not a url']) {
      const card = renderResultCard(done, { csv: { ...csv, url } });
      expect(links(card)).toEqual([]);
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

describe('user-controlled text', () => {
  it.each(NASTY)('round-trips literally in the failures list, and only the CSV is a button: %j', (s) => {
    const many = users(30, () => ({ displayName: s }));
    const who = { id: 'x', name: s };
    const base = request({ reason: s, requester: { id: 'aaaa', name: s }, targets: [lester] });
    const card = renderResultCard(
      {
        ...base,
        targets: many,
        status: 'done',
        confirmedBy: who,
        outcomes: many.map((t): TargetOutcome => ({ userId: t.id, kind: 'failed', message: s, code: s })),
      },
      { csv: { url: 'https://bot.example/x.csv', expiresAt: '2026-11-23T12:38:05Z' } },
    );
    expectLiteralOnly(card, s);
    expectButtonsUntouched(card, s);
  });
});
