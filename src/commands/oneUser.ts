/** Reading the one user that status, unblock and history take. */

import type { UserRef } from '../domain/command';
import { classify } from './classifier';
import { refuse, type Refusal } from './grammar';
import type { Token } from './lexer';
import { show } from './text';

/**
 * The user a token names (`bare` for an unquoted word), or why it names none. `worksOn` completes the
 * sentence "<verb> works on …" for `all`, group: and search:.
 */
export function readOneUser(
  tok: Token,
  verb: string,
  worksOn = 'one user',
): { ref: UserRef; bare: boolean } | Refusal {
  const c = classify(tok);
  switch (c.t) {
    case 'strong':
      return { ref: c.ref, bare: false };
    case 'word':
      return c.problem ? refuse(c.problem) : { ref: c.ref, bare: true };
    case 'bad':
      return refuse(c.problem);
    case 'flag':
      return refuse(`${verb} has no options like ${show(tok.raw)}.`);
    case 'all':
    case 'prefixed':
      return refuse(`${verb} works on ${worksOn}, not ${show(tok.raw)}.`);
    case 'sep':
    case 'junk':
      return refuse(`I can't read ${show(tok.raw)} as a user.`);
  }
}

/** The refusal for a second user after `first`: a name with spaces needs quotes, else one user at a time. */
export function extraUser(verb: string, bare: boolean, first: Token, extra: Token): Refusal {
  if (bare && classify(extra).t === 'word') {
    return refuse(
      `Put a display name with spaces in quotes, e.g. "${`${first.raw} ${extra.raw}`.slice(0, 60)}".`,
    );
  }
  return refuse(`${verb} works on one user at a time; I don't know what to do with ${show(extra.raw)}.`);
}
