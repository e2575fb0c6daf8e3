/** `verify WHO [since TIME]`: what the sign-in logs show since a user was signed out. */

import type { VerifyCommand } from '../domain/command';
import { parseSince } from '../domain/since';
import { refuse, WHO, type Refusal, type VerbGrammar } from './grammar';
import { Lexer } from './lexer';
import { extraUser, readOneUser } from './oneUser';

export function parseVerify(args: string): VerifyCommand | Refusal {
  const lex = new Lexer(args);
  const tok = lex.read(0);
  if (!tok) return refuse('Tell me whose sign-ins to check, e.g. verify lester@contoso.com.');
  const one = readOneUser(tok, 'verify');
  if ('kind' in one) return one;
  const next = lex.read(tok.end);
  if (!next) return { kind: 'verify', user: one.ref };
  if (next.quoted !== undefined || next.raw.toLowerCase() !== 'since') {
    return extraUser('verify', one.bare, tok, next);
  }
  const since = parseSince(args.slice(next.end));
  if ('problem' in since) return refuse(since.problem);
  return { kind: 'verify', user: one.ref, since };
}

export const VERIFY_USAGE = `Usage: verify WHO [since TIME], where WHO is ${WHO} and TIME is e.g. 14:02 (UTC), 2026-11-29 14:02 or 2h`;

export const verifyGrammar: VerbGrammar = {
  spellings: ['verify'],
  usage: VERIFY_USAGE,
  parse: parseVerify,
};
