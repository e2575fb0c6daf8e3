import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CARD_ACTIONS } from '../../../../src/bot/actions/table';

const CARDS = path.join(__dirname, '../../../../src/cards');

it('has one action for each verb the cards carry, and no other', () => {
  const verbs = new Set<string>();
  for (const f of readdirSync(CARDS).filter((n) => n.endsWith('.json'))) {
    for (const m of readFileSync(path.join(CARDS, f), 'utf8').matchAll(/"verb":\s*"([^"]+)"/g))
      verbs.add(m[1]);
  }
  const registered = CARD_ACTIONS.map((a) => a.verb);
  expect(new Set(registered).size).toBe(registered.length);
  expect([...registered].sort()).toEqual([...verbs].sort());
});
