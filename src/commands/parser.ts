/**
 * Turns what an admin typed in Teams into a Command. Pure: nothing here looks anything up or evaluates a
 * value; refs keep the typed text literally (minus invisible characters) for later quoting with odataString.
 *
 * Every scan is linear in the input: the lexer never rescans, and the quote searches remember where a
 * closing quote is known to be missing.
 *
 * Decisions (see the tests for each):
 * - Verbs: `signout`, `sign-out`, `sign out`, `revoke`, `status`, `history`, `unblock`, `help`, `?`, any case,
 *   with an optional leading `/`. `logout`/`log out` are not verbs: they read like "log me out".
 * - Flags (`--block`, `--self`; `-block` and `—block` from autocorrecting keyboards too) may stand anywhere
 *   before the reason. A flag-shaped word inside the reason is refused rather than silently ignored.
 * - The reason starts at the first word that is not a target. A quoted text right after the targets is
 *   read as one more display name; `--`, `-`, `:` or `reason:` before the reason makes it literal.
 * - An unquoted word is a display name only as the first target (`signout lester phished` = user "lester",
 *   reason "phished"); more names, or names with spaces, need quotes.
 * - `all` (the whole tenant) must stand alone: `signout all guests` is refused, because reading "guests"
 *   as a reason would sign out everyone. A reason for `all` needs a separator: `signout all -- reason`.
 * - `--self` does not pick a target; it only records that the requester knowingly names themselves.
 * - A mention of another person (`<at>Lester Smith</at>`) becomes the quoted name "Lester Smith".
 * - Overlong input is `invalid`; its verb is the one the text starts with, else `message`.
 */

import type { Command, TargetSpec, UserRef } from '../domain/command';

type Verb = 'signout' | 'status' | 'history' | 'unblock' | 'help';

export const MAX_TARGETS = 1000;
export const MAX_INPUT_LENGTH = 4000;
export const MAX_REASON_LENGTH = 500;
/** Longest display name, group name or search text (Entra's displayName limit is 256). */
export const MAX_VALUE_LENGTH = 256;
/** Longest address (RFC 5321 path limit). */
const MAX_ADDRESS_LENGTH = 254;
export const DEFAULT_HISTORY_COUNT = 10;
export const MAX_HISTORY_COUNT = 50;
const DEFAULT_BOT_NAME = 'Sign-out Bot';

const WHO = 'name@contoso.com, an object id or "Display Name"';
export const USAGE: Record<Verb, string> = {
  signout:
    `Usage: signout [--block] [--self] WHO [reason], where WHO is one or more of ${WHO}, ` +
    'or group:"Group name", or search:"text", or all',
  status: `Usage: status WHO, where WHO is ${WHO}`,
  history: `Usage: history [WHO] [how many, 1-${MAX_HISTORY_COUNT}], e.g. history name@contoso.com 20`,
  unblock: `Usage: unblock WHO [reason], where WHO is ${WHO}`,
  help: 'Usage: help',
};

const FLAGS = ['block', 'self'] as const;
type Flag = (typeof FLAGS)[number];

// ---------------------------------------------------------------------------------------------------------
// Text clean-up

const SPACE_LIKE = /[\t\n\v\f\r\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;
// Controls, format characters (zero-width, bidi, soft hyphen, BOM), lone surrogates, and letters that
// render as nothing (Hangul fillers, braille blank, combining grapheme joiner).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\u034f\u115f\u1160\u2800\u3164\uffa0]/gu;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201a\u201b\u2032\uff07]/g;

/** Character-level clean-up shared by normalizeMessageText and parseCommand. */
function cleanText(s: string): string {
  return s
    .replace(SPACE_LIKE, ' ')
    .replace(INVISIBLE, '')
    .replace(DOUBLE_QUOTES, '"')
    .replace(SINGLE_QUOTES, "'")
    .normalize('NFC')
    .replace(/ {2,}/g, ' ')
    .trim();
}

const NAMED_ENTITIES: Record<string, string> = {
  nbsp: '\u00a0',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  ldquo: '\u201c',
  rdquo: '\u201d',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ndash: '\u2013',
  mdash: '\u2014',
  hellip: '\u2026',
  zwsp: '',
  zwj: '',
  zwnj: '',
  shy: '',
  lrm: '',
  rlm: '',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
};

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(
    /&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{0,31}));/g,
    (whole, dec?: string, hex?: string, name?: string) => {
      if (name !== undefined) {
        // own keys only: `&constructor;` must not find Object.prototype's
        const key = name.toLowerCase();
        return Object.hasOwn(NAMED_ENTITIES, key) ? NAMED_ENTITIES[key] : whole;
      }
      const cp = dec !== undefined ? parseInt(dec, 10) : parseInt(hex as string, 16);
      if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '';
      return String.fromCodePoint(cp);
    },
  );
}

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'tr',
  'td',
  'th',
  'table',
  'blockquote',
  'pre',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
]);

type Segment = { kind: 'text'; value: string } | { kind: 'mention'; value: string };

/**
 * Teams message text (HTML-ish) → plain text: bot mentions and tags removed, entities decoded,
 * typographic quotes made plain, invisible characters dropped, whitespace collapsed, NFC.
 */
export function normalizeMessageText(raw: string, botNames: string[] = []): string {
  if (typeof raw !== 'string') return '';
  const names = [DEFAULT_BOT_NAME, ...botNames]
    .filter((n): n is string => typeof n === 'string')
    .map((n) => cleanText(n).replace(/^@/, '').toLowerCase())
    .filter((n) => n.length > 0);
  const isBot = (text: string) => names.includes(text.toLowerCase());

  const segments: Segment[] = [];
  let seenContent = false; // any visible text or kept mention so far
  let mention: string[] | undefined;
  const emitText = (t: string) => {
    if (!t) return;
    const decoded = decodeEntities(t);
    if (mention) {
      mention.push(decoded);
      return;
    }
    segments.push({ kind: 'text', value: decoded });
    if (!seenContent && cleanText(decoded) !== '') seenContent = true;
  };

  const n = raw.length;
  let i = 0;
  while (i < n) {
    const lt = raw.indexOf('<', i);
    if (lt < 0) {
      emitText(raw.slice(i));
      break;
    }
    const next = raw.charCodeAt(lt + 1);
    const isTagStart =
      (next >= 65 && next <= 90) || (next >= 97 && next <= 122) || next === 47 /* / */ || next === 33; /* ! */
    if (!isTagStart) {
      emitText(raw.slice(i, lt + 1));
      i = lt + 1;
      continue;
    }
    emitText(raw.slice(i, lt));
    if (raw.startsWith('<!--', lt)) {
      const end = raw.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    const gt = raw.indexOf('>', lt + 1);
    if (gt < 0) {
      // No tag can close after this point: the rest is text.
      emitText(raw.slice(lt));
      break;
    }
    const tag = raw.slice(lt, gt + 1);
    i = gt + 1;
    const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/.exec(tag);
    if (!m) continue;
    const closing = m[1] === '/';
    const name = m[2].toLowerCase();
    if (name === 'at') {
      if (!closing) {
        mention ??= [];
        continue;
      }
      if (!mention) continue;
      const text = cleanText(mention.join('')).replace(/^@/, '');
      mention = undefined;
      if (!text || !seenContent || isBot(text)) continue;
      segments.push({ kind: 'mention', value: text });
      seenContent = true;
    } else if (BLOCK_TAGS.has(name)) {
      emitText(' ');
    } else if ((name === 'img' || name === 'emoji') && !closing) {
      const alt = /\balt="([^"]*)"/i.exec(tag);
      if (alt) emitText(alt[1]);
    }
  }
  // an <at> that never closes: keep what it held as text (already decoded)
  if (mention) segments.push({ kind: 'text', value: mention.join('') });

  // Adjacent mentions with only whitespace between are one person: new Teams splits "Lester Smith".
  const out: string[] = [];
  let pending: string[] | undefined;
  let gap = '';
  const flush = () => {
    if (pending) out.push(`"${pending.join(' ').replace(/"/g, '')}"`);
    pending = undefined;
  };
  for (const seg of segments) {
    if (seg.kind === 'mention') {
      if (!pending) pending = [];
      pending.push(seg.value);
      gap = '';
    } else if (pending && cleanText(seg.value) === '') {
      gap += seg.value;
    } else {
      flush();
      out.push(gap, seg.value);
      gap = '';
    }
  }
  flush();
  out.push(gap);

  let text = cleanText(out.join(''));
  for (const botName of [...names].sort((a, b) => b.length - a.length)) {
    const skip = text.startsWith('@') ? 1 : 0;
    const end = skip + botName.length;
    if (text.slice(skip, end).toLowerCase() !== botName) continue;
    const after = text.charAt(end);
    if (after === '' || after === ' ' || after === ':' || after === ',') {
      text = text.slice(end).replace(/^[ :,]+/, '');
      break;
    }
  }
  return text;
}

// ---------------------------------------------------------------------------------------------------------
// Lexer

interface Token {
  start: number;
  end: number;
  /** the token as typed (for a quoted token, including the quotes) */
  raw: string;
  /** inner text of a "quoted" or 'quoted' token */
  quoted?: string;
  /** `group:`/`search:` token: prefix and the value after it (quoted inner or the rest of the word) */
  prefix?: 'group' | 'search';
  value?: string;
  valueQuoted?: boolean;
  /** set when the token could not be read (an unclosed quote) */
  error?: string;
}

const isSpace = (c: string) => c === ' ';
const isWordEnd = (c: string) => c === '' || c === ' ' || c === ',' || c === ';';

class Lexer {
  private noDoubleFrom = Infinity;
  private noSingleFrom = Infinity;

  constructor(readonly s: string) {}

  /** The next token at or after `pos`, skipping spaces and list separators (`,` `;`). */
  read(pos: number): Token | undefined {
    const s = this.s;
    const n = s.length;
    while (pos < n && (isSpace(s[pos]) || s[pos] === ',' || s[pos] === ';')) pos++;
    if (pos >= n) return undefined;
    const start = pos;
    const c = s[pos];
    if (c === '"' || c === "'") {
      const close = this.closeQuote(c, pos + 1);
      if (close >= 0)
        return { start, end: close + 1, raw: s.slice(start, close + 1), quoted: s.slice(pos + 1, close) };
      if (c === '"') return { start, end: n, raw: s.slice(start), error: 'unclosed' };
    }
    let letters = pos;
    while (letters < n && /[a-zA-Z]/.test(s[letters]) && letters - pos < 6) letters++;
    const head = s.slice(pos, letters).toLowerCase();
    if ((head === 'group' || head === 'search') && s[letters] === ':') {
      const v = letters + 1;
      const q = s.charAt(v);
      if (q === '"' || q === "'") {
        const close = this.closeQuote(q, v + 1);
        if (close >= 0) {
          const value = s.slice(v + 1, close);
          return {
            start,
            end: close + 1,
            raw: s.slice(start, close + 1),
            prefix: head,
            value,
            valueQuoted: true,
          };
        }
        if (q === '"') return { start, end: n, raw: s.slice(start), error: 'unclosed' };
      }
      let e = v;
      while (!isWordEnd(s.charAt(e))) e++;
      return {
        start,
        end: e,
        raw: s.slice(start, e),
        prefix: head,
        value: s.slice(v, e),
        valueQuoted: false,
      };
    }
    let e = pos;
    while (!isWordEnd(s.charAt(e))) e++;
    return { start, end: e, raw: s.slice(start, e) };
  }

  /** Index of the quote closing one opened just before `from`, or -1. A `'` closes only before a word end. */
  private closeQuote(q: string, from: number): number {
    const s = this.s;
    if (q === '"') {
      if (from >= this.noDoubleFrom) return -1;
      const i = s.indexOf('"', from);
      if (i < 0) this.noDoubleFrom = from;
      return i;
    }
    if (from >= this.noSingleFrom) return -1;
    for (let i = s.indexOf("'", from); i >= 0; i = s.indexOf("'", i + 1)) {
      if (isWordEnd(s.charAt(i + 1)) || /[.!?:)]/.test(s.charAt(i + 1))) return i;
    }
    this.noSingleFrom = from;
    return -1;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Classification

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCAL_PART = /^[\p{L}\p{M}\p{N}._'+\-#!^~&]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?$/u;
const FLAG_SHAPE = /^(?:--?|[\u2013\u2014])\p{L}/u;
const SEPARATORS = new Set(['--', '-', '\u2013', '\u2014', '\u2015', ':', '|']);

type Cls =
  | { t: 'flag'; name: string }
  | { t: 'sep' }
  | { t: 'all' }
  | { t: 'prefixed'; prefix: 'group' | 'search'; value: string }
  | { t: 'strong'; ref: UserRef }
  /** an unquoted word: a name only as the first target; `problem` when it cannot be one, `hint` for signout */
  | { t: 'word'; ref: UserRef; hint?: string; problem?: string }
  | { t: 'bad'; problem: string }
  | { t: 'junk' };

/** A short, inert rendering of typed text for a chat reply. */
function show(s: string): string {
  const chars = Array.from(s);
  const cut = chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : s;
  return `\`${cut.replace(/[`<>\\]/g, '')}\``;
}

/** `s` without trailing characters from `chars` (a loop: `/[…]+$/` is quadratic on long runs). */
function stripTrailing(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1])) end--;
  return s.slice(0, end);
}

const SENTENCE_END = '.,;:!?';

/**
 * A target word without sentence punctuation after it. Brackets and a `mailto:` prefix are dropped only
 * around an address or object id (`<lester@contoso.com>`), so a name like `<script>` stays literal.
 */
function trimTarget(word: string): string {
  const w = stripTrailing(word, SENTENCE_END);
  const inner = /^[(<[{]?(?:mailto:)?([^()<>[\]{}]*?)[)>\]}]?$/i.exec(w)?.[1];
  if (inner !== undefined && inner !== w && (GUID.test(inner) || isAddress(inner))) return inner;
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
function refFromWord(word: string): Cls {
  if (GUID.test(word)) return { t: 'strong', ref: { kind: 'objectId', value: word.toLowerCase() } };
  if (word.includes('@')) {
    const addr = word.replace(/^@/, '');
    if (!addr.includes('@')) return nameRef(addr, 'word');
    if (isAddress(addr)) return { t: 'strong', ref: { kind: 'upn', value: addr } };
    return { t: 'bad', problem: addressProblem(addr) };
  }
  return nameRef(word, 'word');
}

function nameRef(value: string, t: 'word' | 'strong'): Cls {
  if (!value) return { t: 'junk' };
  if (value.length <= MAX_VALUE_LENGTH) return { t, ref: { kind: 'name', value } };
  const problem = `That name is longer than ${MAX_VALUE_LENGTH} characters.`;
  return t === 'word' ? { t, ref: { kind: 'name', value }, problem } : { t: 'bad', problem };
}

/** Text inside quotes: an address or object id still counts as one; anything else is a display name. */
function refFromQuoted(inner: string): Cls {
  const v = inner.trim();
  if (!v) return { t: 'bad', problem: 'There is nothing between the quotes.' };
  if (GUID.test(v)) return { t: 'strong', ref: { kind: 'objectId', value: v.toLowerCase() } };
  if (!v.includes(' ') && v.includes('@') && isAddress(v))
    return { t: 'strong', ref: { kind: 'upn', value: v } };
  return nameRef(v, 'strong');
}

function classify(tok: Token): Cls {
  if (tok.error) return { t: 'bad', problem: `The quote at ${show(tok.raw)} is never closed.` };
  if (tok.quoted !== undefined) return refFromQuoted(tok.quoted);
  if (tok.prefix) {
    const raw = tok.value ?? '';
    let value = tok.valueQuoted ? raw.trim() : stripTrailing(raw, SENTENCE_END);
    const bare = trimTarget(value);
    if (tok.prefix === 'group' && GUID.test(bare)) value = bare.toLowerCase();
    return { t: 'prefixed', prefix: tok.prefix, value };
  }
  const raw = tok.raw;
  if (SEPARATORS.has(raw) || /^reason:/i.test(raw)) return { t: 'sep' };
  if (FLAG_SHAPE.test(raw)) {
    return {
      t: 'flag',
      name: stripTrailing(raw.replace(/^(?:--?|[\u2013\u2014])/, ''), SENTENCE_END).toLowerCase(),
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

// ---------------------------------------------------------------------------------------------------------
// Commands

const invalid = (verb: Verb | 'message', sentence: string): Command => ({
  kind: 'invalid',
  verb,
  problem: verb === 'message' ? sentence : `${sentence}\n\n${USAGE[verb]}`,
});

const VERBS: Record<string, Verb> = {
  signout: 'signout',
  'sign-out': 'signout',
  revoke: 'signout',
  status: 'status',
  history: 'history',
  unblock: 'unblock',
  help: 'help',
};

function readVerb(text: string): { verb: Verb; argsStart: number } | undefined {
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
  const first = word();
  if (first === 'sign') return word() === 'out' ? { verb: 'signout', argsStart: i } : undefined;
  // own keys only: `constructor` or `__proto__` must not find Object.prototype's
  return Object.hasOwn(VERBS, first) ? { verb: VERBS[first], argsStart: i } : undefined;
}

/**
 * The reason text from `start`; `explicit` when a separator (`--`, `:`, `reason:`) introduced it, which
 * makes it literal. Otherwise a flag-shaped word in it is a mistake worth pointing out.
 */
function readReason(args: string, start: number, verb: Verb, explicit: boolean): string | Command {
  let reason = args.slice(start).replace(/^[ ,;]+/, '');
  if (explicit) reason = reason.replace(/^(?:reason *:|--|[-:|\u2013\u2014\u2015]) */i, '');
  reason = reason.trim();
  if (!explicit) {
    const flag = reason.split(' ').find((w) => FLAG_SHAPE.test(w));
    if (flag) {
      const name = flag.replace(/^(?:--?|[\u2013\u2014])/, '').toLowerCase();
      const known = verb === 'signout' && (FLAGS as readonly string[]).includes(name);
      return invalid(
        verb,
        known
          ? `Put ${show(`--${name}`)} before the reason; I found it inside the reason. ` +
              '(If the reason really contains it, start the reason with --.)'
          : `I don't know the option ${show(flag)}.`,
      );
    }
  }
  if (reason.length > MAX_REASON_LENGTH) {
    return invalid(
      verb,
      `The reason is ${reason.length} characters long; keep it to ${MAX_REASON_LENGTH} or fewer.`,
    );
  }
  return reason;
}

export interface ParseLimits {
  maxTargets: number;
}

function parseSignout(args: string, limits: ParseLimits): Command {
  const lex = new Lexer(args);
  const flags: Record<Flag, boolean> = { block: false, self: false };
  const refs: UserRef[] = [];
  const seen = new Set<string>();
  let special: TargetSpec | undefined;
  let reasonStart = args.length;
  let explicit = false;
  const noTarget = () =>
    invalid(
      'signout',
      'Tell me who to sign out: an address like lester@contoso.com, an object id, a "Display Name" in quotes, ' +
        'group:"Group name", search:"text", or all.',
    );
  const mix = (what: string) =>
    invalid(
      'signout',
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
        return invalid(
          'signout',
          `I don't know the option ${show(tok.raw)}; the options are --block and --self.`,
        );
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
    if (special?.kind === 'all') {
      if (c.t === 'word' || c.t === 'junk') {
        return invalid(
          'signout',
          '"all" signs out every user in the tenant, so I only take it on its own. ' +
            'To give a reason, write: signout all -- your reason',
        );
      }
      if (c.t === 'bad') return invalid('signout', c.problem);
      return mix(tok.raw);
    }
    if (c.t === 'bad') return invalid('signout', c.problem);
    if (c.t === 'all') {
      if (haveTargets) return mix(tok.raw);
      special = { kind: 'all' };
      if (took(tok)) break;
      continue;
    }
    if (c.t === 'prefixed') {
      if (special?.kind === c.prefix) {
        return invalid(
          'signout',
          `One ${c.prefix}: at a time, please; send a second request for the next one.`,
        );
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
          if (c.prefix === 'group' && GUID.test(value)) value = value.toLowerCase();
          last = next;
        }
      }
      if (!value) {
        return invalid(
          'signout',
          c.prefix === 'group'
            ? 'group: needs the group\'s name or object id, e.g. group:"Migration Wave 1".'
            : 'search: needs the text to look for, e.g. search:"Test".',
        );
      }
      if (value.length > MAX_VALUE_LENGTH) {
        return invalid('signout', `That ${c.prefix} text is longer than ${MAX_VALUE_LENGTH} characters.`);
      }
      special = c.prefix === 'group' ? { kind: 'group', group: value } : { kind: 'search', query: value };
      if (took(last)) break;
      continue;
    }
    if (c.t === 'junk') {
      if (!haveTargets) return invalid('signout', `I can't read ${show(tok.raw)} as a user.`);
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
      if (c.problem ?? c.hint) return invalid('signout', (c.problem ?? c.hint) as string);
    }
    const key = `${c.ref.kind}:${c.ref.value.toLowerCase()}`;
    if (!seen.has(key)) {
      seen.add(key);
      refs.push(c.ref);
      if (refs.length > limits.maxTargets) {
        return invalid(
          'signout',
          `That is more than ${limits.maxTargets} users; split them over several requests, or use group:.`,
        );
      }
    }
    if (took(tok)) break;
  }

  if (!special && refs.length === 0) return noTarget();
  const reason = readReason(args, reasonStart, 'signout', explicit);
  if (typeof reason !== 'string') return reason;
  return {
    kind: 'signout',
    target: special ?? { kind: 'users', refs },
    reason,
    block: flags.block,
    self: flags.self,
  };
}

/** The user a status/unblock/history token names (`bare` for an unquoted word), or why it names none. */
function readOneUser(
  tok: Token,
  verb: Exclude<Verb, 'signout' | 'help'>,
): { ref: UserRef; bare: boolean } | Command {
  const c = classify(tok);
  const one = verb === 'history' ? 'one user, or nobody for everyone' : 'one user';
  switch (c.t) {
    case 'strong':
      return { ref: c.ref, bare: false };
    case 'word':
      return c.problem ? invalid(verb, c.problem) : { ref: c.ref, bare: true };
    case 'bad':
      return invalid(verb, c.problem);
    case 'flag':
      return invalid(verb, `${verb} has no options like ${show(tok.raw)}.`);
    case 'all':
    case 'prefixed':
      return invalid(verb, `${verb} works on ${one}, not ${show(tok.raw)}.`);
    case 'sep':
    case 'junk':
      return invalid(verb, `I can't read ${show(tok.raw)} as a user.`);
  }
}

function whoMissing(verb: 'status' | 'unblock'): Command {
  return invalid(
    verb,
    verb === 'status'
      ? 'Tell me whose status to show, e.g. status lester@contoso.com.'
      : 'Tell me who to unblock, e.g. unblock lester@contoso.com.',
  );
}

function extraUser(verb: Verb, bare: boolean, first: Token, extra: Token): Command {
  if (bare && classify(extra).t === 'word') {
    return invalid(
      verb,
      `Put a display name with spaces in quotes, e.g. "${`${first.raw} ${extra.raw}`.slice(0, 60)}".`,
    );
  }
  return invalid(
    verb,
    `${verb} works on one user at a time; I don't know what to do with ${show(extra.raw)}.`,
  );
}

function parseStatus(args: string): Command {
  const lex = new Lexer(args);
  const tok = lex.read(0);
  if (!tok) return whoMissing('status');
  const one = readOneUser(tok, 'status');
  if ('kind' in one) return one;
  const extra = lex.read(tok.end);
  if (extra) return extraUser('status', one.bare, tok, extra);
  return { kind: 'status', user: one.ref };
}

function parseUnblock(args: string): Command {
  const lex = new Lexer(args);
  const tok = lex.read(0);
  if (!tok) return whoMissing('unblock');
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
    if (c.t === 'flag') return invalid('unblock', `unblock has no options like ${show(next.raw)}.`);
    reasonStart = next.start;
    explicit = c.t === 'sep';
  }
  const reason = readReason(args, reasonStart, 'unblock', explicit);
  if (typeof reason !== 'string') return reason;
  return { kind: 'unblock', user: one.ref, reason };
}

function parseHistory(args: string): Command {
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
      if (count !== undefined) return invalid('history', `Give one count only, ${range}.`);
      const value = Number(word);
      if (!(value >= 1 && value <= MAX_HISTORY_COUNT)) {
        return invalid(
          'history',
          `I can show 1 to ${MAX_HISTORY_COUNT} entries; ${show(word)} is outside that.`,
        );
      }
      count = value;
      continue;
    }
    if (/^[+-]?[\d.,eE]+$/.test(word) && /\d/.test(word)) {
      return invalid('history', `How many entries must be ${range}, not ${show(word)}.`);
    }
    if (user) return extraUser('history', user.bare, user.tok, tok);
    if (classify(tok).t === 'all') {
      return invalid('history', "Leave the user out to see everyone's history: history 20");
    }
    const one = readOneUser(tok, 'history');
    if ('kind' in one) return one;
    user = { ...one, tok };
  }
  return { kind: 'history', ...(user ? { user: user.ref } : {}), count: count ?? DEFAULT_HISTORY_COUNT };
}

/** 12345 → "12,345", without the cost of loading ICU on a first toLocaleString call. */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

/**
 * Reads a command from normalized message text (see normalizeMessageText). Never throws; anything that
 * is not a well-formed command is `unknown` (no known verb) or `invalid` (known verb, a plain-words problem).
 * `limits` exists so tests can reach the target cap, which MAX_INPUT_LENGTH otherwise hides.
 */
export function parseCommand(
  normalizedText: string,
  limits: ParseLimits = { maxTargets: MAX_TARGETS },
): Command {
  if (typeof normalizedText !== 'string') return { kind: 'unknown' };
  if (normalizedText.length > MAX_INPUT_LENGTH) {
    const verb = readVerb(cleanText(normalizedText.slice(0, 64)))?.verb;
    const sentence =
      `That message is ${thousands(normalizedText.length)} characters long; ` +
      `I read at most ${thousands(MAX_INPUT_LENGTH)}.` +
      (verb === 'signout' ? ' Split the users over several requests, or use group:.' : '');
    return invalid(verb ?? 'message', sentence);
  }
  const text = cleanText(normalizedText);
  if (text === '' || text === '?') return { kind: 'help' };
  const v = readVerb(text);
  if (!v) return { kind: 'unknown' };
  const args = text.slice(v.argsStart);
  switch (v.verb) {
    case 'help':
      return { kind: 'help' };
    case 'signout':
      return parseSignout(args, limits);
    case 'status':
      return parseStatus(args);
    case 'unblock':
      return parseUnblock(args);
    case 'history':
      return parseHistory(args);
  }
}
