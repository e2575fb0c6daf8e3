/** `unblock WHO [reason]`: one user, then an optional reason. */

import { classify } from './classifier';
import { WHO, refuse, type Reading, type VerbGrammar } from './grammar';
import { Lexer } from './lexer';
import { extraUser, readOneUser } from './oneUser';
import { readReason } from './reason';
import { show } from './text';

function parseUnblock(args: string): Reading {
  const lex = new Lexer(args);
  const tok = lex.read(0);
  if (!tok) return refuse('Tell me who to unblock, e.g. unblock lester@contoso.com.');
  const one = readOneUser(tok, 'unblock');
  if ('kind' in one) return one;
  const next = lex.read(tok.end);
  let reasonStart = args.length;
  let explicit = false;
  if (tok.quoted === undefined && tok.raw.endsWith(':')) {
    reasonStart = tok.end;
    explicit = true;
  } else if (next) {
    const c = classify(next);
    if (c.t === 'strong' || c.t === 'all' || c.t === 'prefixed' || c.t === 'bad') {
      return extraUser('unblock', one.bare, tok, next);
    }
    if (c.t === 'flag') return refuse(`unblock has no options like ${show(next.raw)}.`);
    reasonStart = next.start;
    explicit = c.t === 'sep';
  }
  const reason = readReason(args, reasonStart, explicit);
  if (typeof reason !== 'string') return reason;
  return { kind: 'unblock', user: one.ref, reason };
}

export const unblockGrammar: VerbGrammar = {
  spellings: ['unblock'],
  usage: `Usage: unblock WHO [reason], where WHO is ${WHO}`,
  parse: parseUnblock,
};
