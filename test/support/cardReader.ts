/**
 * Reading a rendered Adaptive Card as a person or Teams would: the texts shown, the buttons, the inputs,
 * the facts, and the problems the Adaptive Cards SDK finds in it. Shared by the card tests.
 */

// The package's lib/ is extension-less ESM that Node cannot load; dist/ is the same code as a UMD bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC: typeof import('adaptivecards') = require('adaptivecards/dist/adaptivecards.js');

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every parse and validation event the Adaptive Cards SDK raises for a card, as schema 1.5. */
export function cardProblems(card: object): string[] {
  const parsed = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(card, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) problems.push(ctx.getEventAt(i).message);
  for (const e of parsed.validateProperties().validationEvents) problems.push(e.message);
  if ((card as { version?: unknown }).version !== '1.5') problems.push('version is not 1.5');
  return problems;
}

export function walk(node: unknown, visit: (o: Record<string, Json>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Record<string, Json>);
    Object.values(node).forEach((n) => walk(n, visit));
  }
}

/** The visible texts: TextBlocks whole, and each RichTextBlock's runs joined as the reader sees them. */
export function texts(card: object): string[] {
  const out: string[] = [];
  walk(card, (o) => {
    if (o.type === 'TextBlock') out.push(String(o.text));
    if (o.type === 'RichTextBlock')
      out.push((o.inlines as { text: string }[]).map((r) => (typeof r === 'string' ? r : r.text)).join(''));
  });
  return out;
}

export const allText = (card: object): string => texts(card).join('\n');

export function actions(card: object): Record<string, Json>[] {
  const out: Record<string, Json>[] = [];
  walk(card, (o) => {
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push(o);
  });
  return out;
}

/** The card without the contents of its Action.ShowCards: what a reader sees before expanding anything. */
export function withoutShowCards(card: object): object {
  return JSON.parse(JSON.stringify(card), (k, v) =>
    v && typeof v === 'object' && v.type === 'Action.ShowCard'
      ? { ...v, card: { type: 'AdaptiveCard', body: [] } }
      : v,
  );
}

/** The card an Action.ShowCard with this title expands to. */
export function showCard(card: object, title: string): object {
  const found = actions(card).find((a) => a.type === 'Action.ShowCard' && a.title === title);
  if (!found) throw new Error(`no ShowCard "${title}" among ${actions(card).map((a) => a.title)}`);
  return found.card as object;
}

/** Every input of the card, with where it lives. */
export function inputs(card: object): Record<string, Json>[] {
  const out: Record<string, Json>[] = [];
  walk(card, (o) => {
    if (typeof o.type === 'string' && o.type.startsWith('Input.')) out.push(o);
  });
  return out;
}

/** FactSet facts as [title, value] pairs. */
export function facts(card: object): [string, string][] {
  const out: [string, string][] = [];
  walk(card, (o) => {
    if (o.type === 'FactSet')
      for (const f of o.facts as { title: string; value: string }[]) out.push([f.title, f.value]);
  });
  return out;
}

/** Every TextRun's text. */
export function runs(card: object): string[] {
  const out: string[] = [];
  walk(card, (o) => {
    if (o.type === 'TextRun') out.push(String(o.text));
  });
  return out;
}

/** The top-level buttons of a card, in order. */
export function topActions(card: object): Record<string, Json>[] {
  return (card as { actions: Record<string, Json>[] }).actions;
}

/** The header every template declares: Adaptive Card schema 1.5. */
export function expectAdaptiveCard15(template: { $schema?: string; version?: string; type?: string }): void {
  expect(template.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
  expect(template.version).toBe('1.5');
  expect(template.type).toBe('AdaptiveCard');
}

/**
 * User-controlled text `s` round-trips literally in a TextRun (where Adaptive Cards render no markdown),
 * and never lands in a TextBlock, in a FactSet (Teams reads both as markdown) or in an input.
 */
export function expectLiteralOnly(card: object, s: string): void {
  expect(cardProblems(card)).toEqual([]);
  expect(runs(card).some((r) => r === s || r.endsWith(s) || r.startsWith(s))).toBe(true);
  walk(card, (o) => {
    if (o.type === 'TextBlock') expect(o.text).not.toContain(s);
    if (o.type === 'FactSet') expect(JSON.stringify(o.facts)).not.toContain(s);
    if (typeof o.type === 'string' && o.type.startsWith('Input.')) expect(JSON.stringify(o)).not.toContain(s);
  });
}

/** Every Action.Execute keeps one of the bot's verbs and carries only ids, none of them `s`. */
export function expectButtonsUntouched(card: object, s: string): void {
  for (const a of actions(card)) {
    if (a.type === 'Action.Execute') {
      expect([
        'signout.confirm',
        'signout.cancel',
        'signout.approve',
        'signout.reject',
        'signout.choose',
        'signout.checkSignIns',
      ]).toContain(a.verb);
      expect(Object.keys(a.data as object).sort()).toEqual(
        a.verb === 'signout.choose' ? ['requestId', 'userId'] : ['requestId'],
      );
      expect(JSON.stringify(a.data)).not.toContain(s);
    }
  }
}
