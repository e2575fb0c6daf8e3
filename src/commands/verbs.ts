/**
 * The verbs the bot knows, each with its grammar, and reading the verb a message starts with.
 * To add a verb: write `<verb>Grammar.ts` (a VerbGrammar) and add one line to GRAMMARS.
 *
 * Verbs are read in any case, with an optional leading `/` and trailing `:`, `,`, `.`, `!` or `?`.
 * `logout`/`log out` are not verbs: they read like "log me out".
 */

import type { VerbGrammar } from './grammar';
import { helpGrammar } from './helpGrammar';
import { historyGrammar } from './historyGrammar';
import { scheduleGrammar } from './scheduleGrammar';
import { signoutGrammar } from './signoutGrammar';
import { statusGrammar } from './statusGrammar';
import { unblockGrammar } from './unblockGrammar';
import { verifyGrammar } from './verifyGrammar';
import { stripTrailing } from './text';

export const GRAMMARS = {
  signout: signoutGrammar,
  status: statusGrammar,
  history: historyGrammar,
  unblock: unblockGrammar,
  verify: verifyGrammar,
  schedule: scheduleGrammar,
  help: helpGrammar,
} satisfies Record<string, VerbGrammar>;

export type Verb = keyof typeof GRAMMARS;

const VERBS = Object.keys(GRAMMARS) as Verb[];

/** Each verb's usage line. */
export const USAGE = Object.fromEntries(VERBS.map((v) => [v, GRAMMARS[v].usage])) as Record<Verb, string>;

// a Map, not an object: `constructor` or `__proto__` must not find Object.prototype's members
const BY_SPELLING = new Map<string, Verb>(VERBS.flatMap((v) => GRAMMARS[v].spellings.map((s) => [s, v])));
/** First words of two-word spellings (`sign` of `sign out`). */
const FIRST_WORDS = new Set(
  [...BY_SPELLING.keys()].filter((s) => s.includes(' ')).map((s) => s.split(' ')[0]),
);

/** The verb `text` (cleaned) starts with, and where its arguments start; undefined for no known verb. */
export function readVerb(text: string): { verb: Verb; argsStart: number } | undefined {
  let i = text.startsWith('/') ? 1 : 0;
  const word = () => {
    const start = i;
    while (i < text.length && text[i] !== ' ') i++;
    const w = stripTrailing(
      text
        .slice(start, i)
        .toLowerCase()
        .replace(/[\u2010\u2011\u2012]/g, '-'),
      ':,.!?',
    );
    while (text[i] === ' ') i++;
    return w;
  };
  let spelled = word();
  if (!BY_SPELLING.has(spelled) && FIRST_WORDS.has(spelled)) spelled = `${spelled} ${word()}`;
  const verb = BY_SPELLING.get(spelled);
  return verb ? { verb, argsStart: i } : undefined;
}
