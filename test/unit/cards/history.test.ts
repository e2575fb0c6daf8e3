import historyTemplate from '../../../src/cards/history.json';
import { cardBytes, MAX_CARD_BYTES } from '../../../src/cards/budget';
import { renderHistoryCard } from '../../../src/cards/history';
import type { AuditEntry } from '../../../src/domain/audit';
import { buildHistory, requestedFields } from '../../../src/domain/history';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectButtonsUntouched,
  expectLiteralOnly,
  Json,
  runs,
  texts,
  walk,
} from '../../support/cardReader';
import { approval, BERLIN, bob, lester, NASTY } from '../../support/cardFixtures';

it('history.json declares schema 1.5', () => {
  expectAdaptiveCard15(historyTemplate);
});

describe('history card', () => {
  const entries: AuditEntry[] = [
    {
      at: '2026-11-22T12:34:00Z',
      event: 'requested',
      requestId: 'r1',
      actor: { id: 'aaaa', name: 'Ada Admin' },
      targets: [{ id: lester.id, upn: lester.userPrincipalName, name: lester.displayName }],
      reason: 'lost laptop',
      ...requestedFields({ source: 'lester@contoso.com', block: true, approval }),
    },
    { at: '2026-11-22T12:35:00Z', event: 'approved', requestId: 'r1', actor: bob },
    { at: '2026-11-22T12:35:00Z', event: 'confirmed', requestId: 'r1', actor: bob },
    {
      at: '2026-11-22T12:35:02Z',
      event: 'revoked',
      requestId: 'r1',
      actor: bob,
      targets: [{ id: lester.id, upn: lester.userPrincipalName }],
      outcome: 'revoked',
    },
    {
      at: '2026-11-22T23:50:00Z',
      event: 'refused',
      actor: { id: 'eve', name: 'Eve' },
      detail: 'view history: notAdmin',
    },
  ];
  const items = buildHistory(entries, { count: 10 });

  it('lists who, whom, when (UTC and local), approver and outcome, newest first', () => {
    const card = renderHistoryCard(items, { zone: BERLIN, title: 'History' });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    const t = texts(card);
    expect(t.slice(0, 2)).toEqual([
      'History',
      'The last 2 actions, newest first. Times in UTC and Europe/Berlin.',
    ]);
    const text = t.join('\n');
    expect(text.indexOf('Attempt refused')).toBeLessThan(text.indexOf('Lester Lee (lester@contoso.com)'));
    expect(t).toContain('Refused');
    expect(t).toContain('Refused: view history: notAdmin');
    expect(text).toContain('Tried by: Eve at 2026-11-22 23:50:00 UTC (2026-11-23 00:50:00 Europe/Berlin)');
    expect(text).toContain('Asked by: Ada Admin at 2026-11-22 12:34:00 UTC (13:34:00 Europe/Berlin)');
    expect(text).toContain(`Approval needed: ${approval.why}`);
    expect(text).toContain('Approved by: Bob Boss');
    expect(text).not.toContain('Confirmed by: Bob Boss');
    expect(text).toContain('Block sign-in: yes, before the sign-out');
    expect(text).toContain('Reason: lost laptop');
    expect(text).toContain('Signed out');
    expect(text).toContain('Request: r1');
    expect(actions(card)).toEqual([]);
  });

  it('colours outcomes by how they ended', () => {
    const card = renderHistoryCard(items, { title: 'History' });
    const colors: Record<string, Json> = {};
    walk(card, (o) => {
      if (o.type === 'TextRun' && o.weight === 'Bolder' && o.color) colors[String(o.text)] = o.color;
    });
    expect(colors['Signed out']).toBe('Good');
    expect(colors['Refused']).toBe('Attention');
  });

  it('without a zone shows UTC only; with no items says so', () => {
    const card = renderHistoryCard(items, { title: 'History' });
    expect(allText(card)).toContain('Times in UTC.');
    expect(allText(card)).not.toMatch(/UTC \(/);
    const empty = renderHistoryCard([], {
      title: 'History of x@contoso.com',
      emptyText: 'Nothing audited for x@contoso.com.',
    });
    expect(cardProblems(empty)).toEqual([]);
    expect(texts(empty)).toEqual(['History of x@contoso.com', 'Nothing audited for x@contoso.com.']);
    expect(texts(renderHistoryCard([], { title: 'History' }))[1]).toBe('Nothing in the audit log yet.');
  });

  it('a stored time that does not parse is shown as stored instead of failing the card', () => {
    const card = renderHistoryCard(buildHistory([{ ...entries[4], at: 'not-a-time' }], { count: 1 }), {
      title: 'H',
    });
    expect(cardProblems(card)).toEqual([]);
    expect(allText(card)).toContain('Tried by: Eve at not-a-time');
  });

  it('50 actions with long names fit the size limit, the rest pointed to the export', () => {
    const many: AuditEntry[] = Array.from({ length: 50 }, (_, i) => ({
      at: `2026-11-22T12:${String(i).padStart(2, '0')}:00Z`,
      event: 'requested',
      requestId: `req-${i}`,
      actor: { id: 'a', name: 'Ädä '.repeat(60) },
      targets: [{ id: `u${i}`, upn: `${'u'.repeat(100)}${i}@contoso.com`, name: 'Ñame '.repeat(50) }],
      reason: 'r'.repeat(500),
    }));
    const card = renderHistoryCard(buildHistory(many, { count: 50 }), { zone: BERLIN, title: 'History' });
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    const t = texts(card);
    const shown = Number(/The last (\d+) actions/.exec(t[1])?.[1]);
    expect(shown).toBeGreaterThan(5);
    expect(t.at(-1)).toBe(
      `${50 - shown} older actions do not fit on a card: npm run audit:export has them all.`,
    );
  });
});

describe('history card: every logged value in a TextRun of its own', () => {
  const at = '2026-11-22T12:00:00Z';
  const forged = 'group:"x; approval: forged; block sign-in"';

  it('a group named like the old joined detail shows as the group, with no approval or block line', () => {
    const card = renderHistoryCard(
      buildHistory(
        [
          {
            at,
            event: 'requested',
            requestId: 'f',
            actor: { id: 'a', name: 'Ada' },
            targets: [{ id: 'u1' }, { id: 'u2' }],
            ...requestedFields({ source: forged }),
          },
        ],
        { count: 1 },
      ),
      { title: 'History' },
    );
    expect(cardProblems(card)).toEqual([]);
    const text = texts(card).join('\n');
    expect(text).toContain(`Asked as: ${forged}`);
    expect(runs(card)).toContain(forged);
    expect(text).not.toMatch(/^Approval needed|^Block sign-in/m);
  });

  it('an old entry shows its joined detail as one literal value', () => {
    const old = 'all; block sign-in; approval: bulk; over 10 users';
    const card = renderHistoryCard(
      buildHistory([{ at, event: 'requested', requestId: 'o', actor: { id: 'a' }, detail: old }], {
        count: 1,
      }),
      { title: 'History' },
    );
    expect(runs(card)).toContain(old);
    expect(texts(card)).toContain(`Logged details: ${old}`);
    expect(texts(card).join('\n')).not.toMatch(/^Approval needed|^Block sign-in/m);
  });

  it('a rejection, a failure and a refusal keep the reason out of the outcome', () => {
    const who = { id: 'b', name: 'Bob' };
    const items = buildHistory(
      [
        { at, event: 'requested', requestId: 'r', actor: who, ...requestedFields({ source: 'x' }) },
        { at, event: 'rejected', requestId: 'r', actor: who, reason: 'Approved by: Mallory' },
        { at, event: 'requested', requestId: 'f', actor: who, ...requestedFields({ source: 'y' }) },
        { at, event: 'failed', requestId: 'f', actor: who, detail: 'Graph said: Signed out' },
        { at, event: 'refused', actor: who, detail: 'sign out group:"Signed out": notAdmin' },
      ],
      { count: 5 },
    );
    expect(items.map((i) => i.outcome).sort()).toEqual(['Failed', 'Refused', 'Rejected']);
    const t = texts(renderHistoryCard(items, { title: 'History' }));
    expect(t).toContain('Why rejected: Approved by: Mallory');
    expect(t).toContain('Why it failed: Graph said: Signed out');
    expect(t).toContain('Refused: sign out group:"Signed out": notAdmin');
  });
});

describe('user-controlled text', () => {
  it.each(NASTY)('round-trips literally, never in a TextBlock: %j', (s) => {
    const who = { id: 'x', name: s };
    const history = buildHistory(
      [
        {
          at: '2026-11-22T12:00:00Z',
          event: 'requested',
          requestId: 'h',
          actor: who,
          targets: [{ id: 'u', upn: s, name: s }],
          reason: s,
          ...requestedFields({ source: s, approval: { required: true, why: s } }),
        },
        { at: '2026-11-22T12:01:00Z', event: 'rejected', requestId: 'h', actor: who, reason: s },
      ],
      { count: 5 },
    );
    const card = renderHistoryCard(history, { title: s, zone: BERLIN });
    expectLiteralOnly(card, s);
    expectButtonsUntouched(card, s);
    expect(allText(card)).toContain(`Rejected by: ${s}\nWhy rejected: ${s}`);
  });
});
