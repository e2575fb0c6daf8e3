/** `history [WHO] [count]`: the last entries, for one user or everyone, in either order. */

import type { UserRef } from '../domain/command';
import { classify } from './classifier';
import { refuse, type Reading, type VerbGrammar } from './grammar';
import { Lexer, type Token } from './lexer';
import { DEFAULT_HISTORY_COUNT, MAX_HISTORY_COUNT } from './limits';
import { extraUser, readOneUser } from './oneUser';
import { SENTENCE_END, show, stripTrailing } from './text';

function parseHistory(args: string): Reading {
  const lex = new Lexer(args);
  let user: { ref: UserRef; bare: boolean; tok: Token } | undefined;
  let count: number | undefined;
  const range = `a whole number from 1 to ${MAX_HISTORY_COUNT}`;
  for (let pos = 0; ;) {
    const tok = lex.read(pos);
    if (!tok) break;
    pos = tok.end;
    const word = tok.quoted === undefined && !tok.prefix ? stripTrailing(tok.raw, SENTENCE_END) : '';
    if (/^[+-]?\d+$/.test(word)) {
      if (count !== undefined) return refuse(`Give one count only, ${range}.`);
      const value = Number(word);
      if (!(value >= 1 && value <= MAX_HISTORY_COUNT)) {
        return refuse(`I can show 1 to ${MAX_HISTORY_COUNT} entries; ${show(word)} is outside that.`);
      }
      count = value;
      continue;
    }
    if (/^[+-]?[\d.,eE]+$/.test(word) && /\d/.test(word)) {
      return refuse(`How many entries must be ${range}, not ${show(word)}.`);
    }
    if (user) return extraUser('history', user.bare, user.tok, tok);
    if (classify(tok).t === 'all') {
      return refuse("Leave the user out to see everyone's history: history 20");
    }
    const one = readOneUser(tok, 'history', 'one user, or nobody for everyone');
    if ('kind' in one) return one;
    user = { ...one, tok };
  }
  return { kind: 'history', ...(user ? { user: user.ref } : {}), count: count ?? DEFAULT_HISTORY_COUNT };
}

export const historyGrammar: VerbGrammar = {
  spellings: ['history'],
  usage: `Usage: history [WHO] [how many, 1-${MAX_HISTORY_COUNT}], e.g. history name@contoso.com 20`,
  parse: parseHistory,
};
