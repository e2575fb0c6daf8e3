import refusalTallyTemplate from '../../../src/cards/refusalTally.json';
import { renderRefusalTallyCard } from '../../../src/cards/refusalTally';
import { cardBytes, MAX_CARD_BYTES } from '../../../src/cards/budget';
import {
  addRefusal,
  REFUSAL_TEXT_MAX,
  refusedCaller,
  type RefusalTally,
} from '../../../src/domain/refusalTally';
import {
  actions,
  allText,
  cardProblems,
  expectAdaptiveCard15,
  expectLiteralOnly,
} from '../../support/cardReader';
import { BERLIN, NASTY } from '../../support/cardFixtures';

const at = (hhmmss: string) => new Date(`2026-11-22T${hhmmss}Z`);
const mallory = refusedCaller({ id: 'm-id', name: 'Mallory' }, '29:sender');

function tally(
  n: number,
  over: Partial<Parameters<typeof addRefusal>[3]> = {},
  caller = mallory,
): RefusalTally {
  let t: RefusalTally | undefined;
  for (let i = 0; i < n; i++)
    t = addRefusal(
      t,
      'tenant',
      caller,
      { what: 'request a sign-out', why: 'notAdmin', thread: { place: 'Contoso › General' }, ...over },
      at(`13:${String(5 + i).padStart(2, '0')}:0${i % 10}`),
    );
  return t!;
}

it('refusalTally.json declares schema 1.5', () => {
  expectAdaptiveCard15(refusalTallyTemplate);
});

describe('refusal tally card', () => {
  it('names the caller, the hour, the count and each attempt, newest first, without buttons', () => {
    const card = renderRefusalTallyCard(tally(2), { zone: BERLIN });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    expect(allText(card).split('\n')).toEqual([
      'Refused: 2 attempts by one caller in one hour',
      'Caller: Mallory (m-id)',
      'Hour: 2026-11-22 13:00:00 UTC (14:00:00 Europe/Berlin) to 14:00 UTC (15:00 Europe/Berlin)',
      'First: 2026-11-22 13:05:00 UTC (14:05:00 Europe/Berlin)',
      'Latest: 2026-11-22 13:06:01 UTC (14:06:01 Europe/Berlin)',
      'Attempts, newest first',
      '13:06:01 UTC  tried to request a sign-out (notAdmin) in Contoso › General',
      '13:05:00 UTC  tried to request a sign-out (notAdmin) in Contoso › General',
      'Every attempt is in the audit log (history). Nothing was done for them. If this is not someone testing the bot, find out who holds this account.',
    ]);
    expect(actions(card)).toEqual([]);
  });

  it('says how many it lists of how many', () => {
    const text = allText(renderRefusalTallyCard(tally(25)));
    expect(text).toContain('Refused: 25 attempts by one caller in one hour');
    expect(text).toContain('The latest 10 of 25');
  });

  it('an unidentified caller is named by the Teams account', () => {
    const text = allText(renderRefusalTallyCard(tally(1, {}, refusedCaller(undefined, '29:1abc'))));
    expect(text).toContain('Refused: 1 attempt by one caller in one hour');
    expect(text).toContain('Caller: an unidentified caller (Teams account 29:1abc)');
  });

  it('stays within the card budget with the longest values', () => {
    const long = 'x'.repeat(REFUSAL_TEXT_MAX * 3);
    const card = renderRefusalTallyCard(
      tally(
        30,
        { what: long, why: long, thread: { place: long } },
        refusedCaller({ id: long, name: long }, undefined),
      ),
    );
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
  });

  it.each(NASTY)('user text round-trips literally: %j', (s) => {
    expectLiteralOnly(
      renderRefusalTallyCard(tally(1, {}, refusedCaller({ id: 'm-id', name: s }, undefined))),
      s,
    );
    expectLiteralOnly(renderRefusalTallyCard(tally(1, { thread: s })), s);
    expectLiteralOnly(renderRefusalTallyCard(tally(1, { thread: { place: s } })), s);
    expectLiteralOnly(renderRefusalTallyCard(tally(1, { why: s })), s);
  });
});
