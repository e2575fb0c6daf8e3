/**
 * What a token is: a flag, a separator, `all`, group:/search:, an address, an object id, a display name,
 * or something unusable with the reason why. Pure and per token: where a token may stand is the grammar's
 * concern.
 */

import type { UserRef } from '../domain/command';
import { isGuid } from '../domain/guid';
import type { Token } from './lexer';
import { MAX_ADDRESS_LENGTH, MAX_VALUE_LENGTH } from './limits';
import { SENTENCE_END, show, stripTrailing } from './text';

const LOCAL_PART = /^[\p{L}\p{M}\p{N}._'+\-#!^~&]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?$/u;
/** `--name`, `-name`, or a dash (– —) from an autocorrecting keyboard, then the name. */
export const FLAG_SHAPE = /^(?:--?|[\u2013\u2014])\p{L}/u;
export const FLAG_PREFIX = /^(?:--?|[\u2013\u2014])/;
/** Tokens that end the targets and start a literal reason. */
const SEPARATORS = new Set(['--', '-', '\u2013', '\u2014', '\u2015', ':', '|']);

/** What a token is. Refs keep the typed text literally, except that object ids are lower-cased. */
export type TokenClass =
  /** `--block`, `-self`, `—block`: the name lower-cased, without the dashes */
  | { t: 'flag'; name: string }
  /** `--`, `-`, a dash, `:`, `|` or `reason:`: the reason starts here, literally */
  | { t: 'sep' }
  /** the word `all` (unquoted), the whole tenant */
  | { t: 'all' }
  /** `group:` or `search:` and its value (may be empty: `group: "Wave 1"` puts the value in the next token) */
  | { t: 'prefixed'; prefix: 'group' | 'search'; value: string }
  /** certainly a user: an address, an object id, or a quoted name */
  | { t: 'strong'; ref: UserRef }
  /** an unquoted word: a name only as the first target; `problem` when it cannot be one, `hint` for signout */
  | { t: 'word'; ref: UserRef; hint?: string; problem?: string }
  /** meant as a user but unusable (a broken address, an unclosed quote, empty quotes), and why */
  | { t: 'bad'; problem: string }
  /** nothing left after punctuation is trimmed (`...`) */
  | { t: 'junk' };

/**
 * A target word without sentence punctuation after it. Brackets and a `mailto:` prefix are dropped only
 * around an address or object id (`<lester@contoso.com>`), so a name like `<script>` stays literal.
 */
export function trimTarget(word: string): string {
  const w = stripTrailing(word, SENTENCE_END);
  const inner = /^[(<[{]?(?:mailto:)?([^()<>[\]{}]*?)[)>\]}]?$/i.exec(w)?.[1];
  if (inner !== undefined && inner !== w && (isGuid(inner) || isAddress(inner))) return inner;
  return w;
}

function isAddress(s: string): boolean {
  if (s.length > MAX_ADDRESS_LENGTH) return false;
  const at = s.lastIndexOf('@');
  if (at <= 0 || s.indexOf('@') !== at) return false;
  const local = s.slice(0, at);
  const labels = s.slice(at + 1).split('.');
  if (!LOCAL_PART.test(local) || labels.length < 2) return false;
  if (!labels.every((l) => l.length <= 63 && DOMAIN_LABEL.test(l))) return false;
  const tld = labels[labels.length - 1];
  return tld.length >= 2 && /\p{L}/u.test(tld);
}

function addressProblem(s: string): string {
  if (s.length > MAX_ADDRESS_LENGTH) return `That address is longer than ${MAX_ADDRESS_LENGTH} characters.`;
  return `${show(s)} doesn't look like a complete sign-in address (name@domain.com).`;
}

/** A user ref from a word with no spaces (already trimmed of punctuation), or why not. */
function refFromWord(word: string): TokenClass {
  if (isGuid(word)) return { t: 'strong', ref: { kind: 'objectId', value: word.toLowerCase() } };
  if (word.includes('@')) {
    const addr = word.replace(/^@/, '');
    if (!addr.includes('@')) return nameRef(addr, 'word');
    if (isAddress(addr)) return { t: 'strong', ref: { kind: 'upn', value: addr } };
    return { t: 'bad', problem: addressProblem(addr) };
  }
  return nameRef(word, 'word');
}

function nameRef(value: string, t: 'word' | 'strong'): TokenClass {
  if (!value) return { t: 'junk' };
  if (value.length <= MAX_VALUE_LENGTH) return { t, ref: { kind: 'name', value } };
  const problem = `That name is longer than ${MAX_VALUE_LENGTH} characters.`;
  return t === 'word' ? { t, ref: { kind: 'name', value }, problem } : { t: 'bad', problem };
}

/** Text inside quotes: an address or object id still counts as one; anything else is a display name. */
function refFromQuoted(inner: string): TokenClass {
  const v = inner.trim();
  if (!v) return { t: 'bad', problem: 'There is nothing between the quotes.' };
  if (isGuid(v)) return { t: 'strong', ref: { kind: 'objectId', value: v.toLowerCase() } };
  if (!v.includes(' ') && v.includes('@') && isAddress(v))
    return { t: 'strong', ref: { kind: 'upn', value: v } };
  return nameRef(v, 'strong');
}

export function classify(tok: Token): TokenClass {
  if (tok.error) return { t: 'bad', problem: `The quote at ${show(tok.raw)} is never closed.` };
  if (tok.quoted !== undefined) return refFromQuoted(tok.quoted);
  if (tok.prefix) {
    const raw = tok.value ?? '';
    let value = tok.valueQuoted ? raw.trim() : stripTrailing(raw, SENTENCE_END);
    const bare = trimTarget(value);
    if (tok.prefix === 'group' && isGuid(bare)) value = bare.toLowerCase();
    return { t: 'prefixed', prefix: tok.prefix, value };
  }
  const raw = tok.raw;
  if (SEPARATORS.has(raw) || /^reason:/i.test(raw)) return { t: 'sep' };
  if (FLAG_SHAPE.test(raw)) {
    return {
      t: 'flag',
      name: stripTrailing(raw.replace(FLAG_PREFIX, ''), SENTENCE_END).toLowerCase(),
    };
  }
  const word = trimTarget(raw);
  if (!word) return { t: 'junk' };
  const lower = word.toLowerCase();
  if (lower === 'all') return { t: 'all' };
  const c = refFromWord(word);
  if (c.t === 'word' && (lower === 'group' || lower === 'search')) {
    return {
      ...c,
      hint: `Did you mean ${lower}:NAME? Write it without a space, e.g. ${lower}:"Sales Team".`,
    };
  }
  if (c.t === 'word' && (lower === '*' || lower === 'everyone' || lower === 'everybody')) {
    return { ...c, hint: 'To sign out every user in the tenant, write exactly: signout all' };
  }
  return c;
}
