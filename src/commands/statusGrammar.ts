/** `status WHO`: one user's sign-in state. */

import { WHO, refuse, type Reading, type VerbGrammar } from './grammar';
import { Lexer } from './lexer';
import { extraUser, readOneUser } from './oneUser';

function parseStatus(args: string): Reading {
  const lex = new Lexer(args);
  const tok = lex.read(0);
  if (!tok) return refuse('Tell me whose status to show, e.g. status lester@contoso.com.');
  const one = readOneUser(tok, 'status');
  if ('kind' in one) return one;
  const extra = lex.read(tok.end);
  if (extra) return extraUser('status', one.bare, tok, extra);
  return { kind: 'status', user: one.ref };
}

export const statusGrammar: VerbGrammar = {
  spellings: ['status'],
  usage: `Usage: status WHO, where WHO is ${WHO}`,
  parse: parseStatus,
};
