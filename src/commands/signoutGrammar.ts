/**
 * `signout [--block] [--self] WHO [reason]`: users, one group:, one search: or all, then a reason.
 *
 * - Flags (`--block`, `--self`; `-block` and `—block` from autocorrecting keyboards too) may stand anywhere
 *   before the reason. A flag-shaped word inside the reason is refused rather than silently ignored.
 * - The reason starts at the first word that is not a target. A quoted text right after the targets is
 *   read as one more display name; `--`, `-`, `:` or `reason:` before the reason makes it literal.
 * - An unquoted word is a display name only as the first target (`signout lester phished` = user "lester",
 *   reason "phished"); more names, or names with spaces, need quotes.
 * - `all` (the whole tenant) must stand alone: `signout all guests` is refused, because reading "guests"
 *   as a reason would sign out everyone. A reason for `all` needs a separator: `signout all -- reason`.
 * - `--self` does not pick a target; it only records that the requester knowingly names themselves.
 * - `at <when>` right after the targets schedules the sign-out (whenClause.ts); so does `in 45m`. After
 *   the targets, `at` always starts a time: a reason that starts with "at" needs `--` before it, so a
 *   mistyped time is refused rather than read as a reason of an immediate sign-out.
 */

import type { TargetSpec, UserRef, WhenSpec } from '../domain/command';
import { isGuid } from '../domain/guid';
import { classify, trimTarget } from './classifier';
import { WHO, refuse, type Reading, type VerbGrammar } from './grammar';
import { Lexer, type Token } from './lexer';
import { MAX_VALUE_LENGTH, type ParseLimits } from './limits';
import { readReason } from './reason';
import { SENTENCE_END, show, stripTrailing } from './text';
import { isRelativeAhead, readRelative, readWhen, WHEN_FORMATS } from './whenClause';

const FLAGS = ['block', 'self'] as const;
type Flag = (typeof FLAGS)[number];

function parseSignout(args: string, limits: ParseLimits): Reading {
  const lex = new Lexer(args);
  const flags: Record<Flag, boolean> = { block: false, self: false };
  const refs: UserRef[] = [];
  const seen = new Set<string>();
  let special: TargetSpec | undefined;
  let at: WhenSpec | undefined;
  let reasonStart = args.length;
  let explicit = false;
  const noTarget = () =>
    refuse(
      'Tell me who to sign out: an address like lester@contoso.com, an object id, a "Display Name" in quotes, ' +
        'group:"Group name", search:"text", or all.',
    );
  const mix = (what: string) =>
    refuse(
      `Sign out either users, one group:, one search: or all, not a mix (found ${show(what)}). ` +
        'If that starts your reason, put -- before the reason.',
    );

  let pos = 0;
  /** Moves past a target; a colon glued to it (`lester@contoso.com: phished`) introduces the reason. */
  const took = (last: Token): boolean => {
    pos = last.end;
    if (last.quoted !== undefined || !last.raw.endsWith(':')) return false;
    reasonStart = last.end;
    explicit = true;
    return true;
  };
  for (;;) {
    const tok = lex.read(pos);
    if (!tok) break;
    const c = classify(tok);
    const haveTargets = refs.length > 0 || special !== undefined;
    if (c.t === 'flag') {
      if (!(FLAGS as readonly string[]).includes(c.name)) {
        return refuse(`I don't know the option ${show(tok.raw)}; the options are --block and --self.`);
      }
      flags[c.name as Flag] = true;
      pos = tok.end;
      continue;
    }
    if (c.t === 'sep') {
      if (!haveTargets) return noTarget();
      reasonStart = tok.start;
      explicit = true;
      break;
    }
    const word = tok.quoted === undefined ? stripTrailing(tok.raw, SENTENCE_END).toLowerCase() : '';
    // before any target, `at` or `in` is a name like any other word
    const schedules = haveTargets && (word === 'at' || (word === 'in' && isRelativeAhead(lex, tok.end)));
    if (schedules && at) return refuse('Give one time per request.');
    if (schedules) {
      const when = word === 'at' ? readWhen(lex, tok.end) : readRelative(lex, tok.end);
      if ('kind' in when) return when;
      at = when.spec;
      pos = when.end;
      if (args[when.end - 1] === ':') {
        reasonStart = when.end;
        explicit = true;
        break;
      }
      continue;
    }
    if (at) {
      // after the time: only options, then the reason
      if (c.t === 'strong' || c.t === 'prefixed' || c.t === 'all' || c.t === 'bad') {
        return refuse(`Put every target before "at" (found ${show(tok.raw)} after the time).`);
      }
      if (special?.kind === 'all') {
        return refuse(
          '"all" signs out every user in the tenant, so its reason needs a separator: ' +
            'signout all at 18:00 UTC -- your reason',
        );
      }
      reasonStart = tok.start;
      break;
    }
    if (special?.kind === 'all') {
      if (c.t === 'word' || c.t === 'junk') {
        return refuse(
          '"all" signs out every user in the tenant, so I only take it on its own. ' +
            'To give a reason, write: signout all -- your reason',
        );
      }
      if (c.t === 'bad') return refuse(c.problem);
      return mix(tok.raw);
    }
    if (c.t === 'bad') return refuse(c.problem);
    if (c.t === 'all') {
      if (haveTargets) return mix(tok.raw);
      special = { kind: 'all' };
      if (took(tok)) break;
      continue;
    }
    if (c.t === 'prefixed') {
      if (special?.kind === c.prefix) {
        return refuse(`One ${c.prefix}: at a time, please; send a second request for the next one.`);
      }
      if (haveTargets) return mix(tok.raw);
      let value = c.value;
      let last = tok;
      if (!value && !tok.valueQuoted) {
        // `group: "Wave 1"` with a space after the colon
        const next = lex.read(tok.end);
        const nc = next && classify(next);
        if (next && nc && (nc.t === 'strong' || nc.t === 'word')) {
          value = next.quoted !== undefined ? next.quoted.trim() : trimTarget(next.raw);
          if (c.prefix === 'group' && isGuid(value)) value = value.toLowerCase();
          last = next;
        }
      }
      if (!value) {
        return refuse(
          c.prefix === 'group'
            ? 'group: needs the group\'s name or object id, e.g. group:"Migration Wave 1".'
            : 'search: needs the text to look for, e.g. search:"Test".',
        );
      }
      if (value.length > MAX_VALUE_LENGTH) {
        return refuse(`That ${c.prefix} text is longer than ${MAX_VALUE_LENGTH} characters.`);
      }
      special = c.prefix === 'group' ? { kind: 'group', group: value } : { kind: 'search', query: value };
      if (took(last)) break;
      continue;
    }
    if (c.t === 'junk') {
      if (!haveTargets) return refuse(`I can't read ${show(tok.raw)} as a user.`);
      reasonStart = tok.start;
      break;
    }
    // a user: strong (address, object id, quoted name) or a bare word
    if (special) {
      if (c.t === 'word') {
        reasonStart = tok.start;
        break;
      }
      return mix(tok.raw);
    }
    if (c.t === 'word') {
      if (haveTargets) {
        reasonStart = tok.start;
        break;
      }
      if (c.problem ?? c.hint) return refuse((c.problem ?? c.hint) as string);
    }
    const key = `${c.ref.kind}:${c.ref.value.toLowerCase()}`;
    if (!seen.has(key)) {
      seen.add(key);
      refs.push(c.ref);
      if (refs.length > limits.maxTargets) {
        return refuse(
          `That is more than ${limits.maxTargets} users; split them over several requests, or use group:.`,
        );
      }
    }
    if (took(tok)) break;
  }

  if (!special && refs.length === 0) return noTarget();
  const reason = readReason(args, reasonStart, explicit, FLAGS);
  if (typeof reason !== 'string') return reason;
  return {
    kind: 'signout',
    target: special ?? { kind: 'users', refs },
    reason,
    block: flags.block,
    self: flags.self,
    ...(at ? { at } : {}),
  };
}

export const signoutGrammar: VerbGrammar = {
  spellings: ['signout', 'sign-out', 'sign out', 'revoke'],
  usage:
    `Usage: signout [--block] [--self] WHO [at WHEN] [reason], where WHO is one or more of ${WHO}, ` +
    `or group:"Group name", or search:"text", or all, and WHEN is like ${WHEN_FORMATS}`,
  parse: parseSignout,
};
