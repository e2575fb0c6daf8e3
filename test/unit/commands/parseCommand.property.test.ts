import fc from 'fast-check';
import { MAX_INPUT_LENGTH, normalizeMessageText, parseCommand } from '../../../src/commands';
import { type Command, type TargetSpec, type UserRef } from '../../../src/domain/command';

/**
 * Property tests for the message normalizer and the command parser (issue 9): whatever an admin, Teams
 * or an attacker sends, they never throw, always answer a known kind of Command, and never name a target
 * that is not in the text. Structured generators build well-formed commands, dress them the way Teams
 * does (HTML, entities, mentions, typographic quotes, invisible characters), and check the exact result.
 *
 * A failure prints the seed and the shrunk counterexample; replay it with `fc.assert(..., { seed, path })`.
 */

const BOT_NAME = 'Sign-out Bot';
const KINDS = ['signout', 'unblock', 'status', 'history', 'help', 'invalid', 'unknown'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------------------
// The properties every answer keeps

/** The target values a command names: user refs, the group, the search text. */
function targetValues(cmd: Command): { what: string; value: string; objectId: boolean }[] {
  const ref = (r: UserRef) => ({ what: r.kind, value: r.value, objectId: r.kind === 'objectId' });
  switch (cmd.kind) {
    case 'signout': {
      const t = cmd.target;
      if (t.kind === 'users') return t.refs.map(ref);
      if (t.kind === 'group') return [{ what: 'group', value: t.group, objectId: GUID.test(t.group) }];
      if (t.kind === 'search') return [{ what: 'search', value: t.query, objectId: false }];
      return [];
    }
    case 'unblock':
    case 'status':
      return [ref(cmd.user)];
    case 'history':
      return cmd.user ? [ref(cmd.user)] : [];
    default:
      return [];
  }
}

/**
 * Checks what must hold for any input. `text` is normalized message text, which is exactly what the
 * parser reads: normalizeMessageText ends with the same character clean-up (cleanText) that parseCommand
 * starts with, so the parser's view of the text is `text` itself.
 *
 * The containment rule, from the parser's code: every target value is a slice of that text (a word
 * without trailing sentence punctuation, without brackets or `mailto:` around an address or object id,
 * without a leading `@`; or the inside of quotes, trimmed), except that object ids (a user's, or a
 * group:'s) are lower-cased. So an object id appears in the text ignoring case, and every other value
 * (address, display name, group name, search text) appears exactly, case and all.
 */
function checkAnswer(text: string, cmd: Command): void {
  expect(KINDS).toContain(cmd.kind);
  const lower = text.toLowerCase();
  for (const t of targetValues(cmd)) {
    expect(t.value.length).toBeGreaterThan(0);
    if (t.objectId) {
      expect(t.value).toMatch(GUID);
      if (!lower.includes(t.value)) throw new Error(`object id ${t.value} is not in ${JSON.stringify(text)}`);
    } else if (!text.includes(t.value)) {
      throw new Error(`${t.what} ${JSON.stringify(t.value)} is not in ${JSON.stringify(text)}`);
    }
  }
  if (cmd.kind === 'signout') {
    // `all` is a token of its own: after a space, list separator or closing quote, optionally followed by
    // sentence punctuation, then a word end. Quoted "all" is a display name.
    if (cmd.target.kind === 'all') expect(lower).toMatch(/(?:^|[ ,;"'])all[.,;:!?]*(?=$|[ ,;])/);
    // a flag is `--name`, `-name` or a dash (– —) and the name, ending a word
    if (cmd.block) expect(lower).toMatch(/(?:--?|[\u2013\u2014])block[.,;:!?]*(?=$|[ ,;])/);
    if (cmd.self) expect(lower).toMatch(/(?:--?|[\u2013\u2014])self[.,;:!?]*(?=$|[ ,;])/);
    expect(['users', 'group', 'search', 'all']).toContain(cmd.target.kind);
  }
  if (cmd.kind === 'invalid') expect(cmd.problem.length).toBeGreaterThan(0);
}

/** The whole pipeline the bot runs on a message: normalize, then parse; plus parse of the raw text. */
function runPipeline(raw: string): void {
  const normalized = normalizeMessageText(raw, [BOT_NAME]);
  expect(typeof normalized).toBe('string');
  checkAnswer(normalized, parseCommand(normalized));
  // the parser on text nobody normalized must not throw or answer nonsense either
  expect(KINDS).toContain(parseCommand(raw).kind);
}

// ---------------------------------------------------------------------------------------------------------
// Arbitrary text

/** Any UTF-16 unit sequence, lone surrogates included, weighted towards what the parser cares about. */
const hostileUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      ' ',
      ' ',
      '\u00a0',
      '\u200b',
      '\u200d',
      '\u200e',
      '\u202e',
      '\u2066',
      '\ufeff',
      '\u00ad',
      '\u3164',
      '\u2028',
      '\n',
      '\t',
      '"',
      "'",
      '\u201c',
      '\u201d',
      '\u2018',
      '\u2019',
      '\u00ab',
      '\uff02',
      ',',
      ';',
      ':',
      '.',
      '@',
      '-',
      '--',
      '\u2014',
      '\u2013',
      '<',
      '>',
      '&',
      '{',
      '}',
      '(',
      ')',
      'a',
      'Z',
      '0',
      'e\u0301',
      '\ud83d\ude00',
    ),
  },
);

const FRAGMENTS = [
  'signout ',
  'sign out ',
  'Sign-Out ',
  'revoke ',
  '/signout ',
  'status ',
  'history ',
  'unblock ',
  'help',
  '?',
  '--block ',
  '--self ',
  '\u2014block ',
  '-self ',
  '-- ',
  ': ',
  'reason: ',
  'all ',
  'ALL',
  'all.',
  'group:',
  'group: ',
  'search:',
  'lester@contoso.com',
  '@contoso.com',
  'mailto:',
  '5a1c2e7f-9B3D-4086-a2c4-e6f8aabbccdd',
  '"Lester Smith"',
  '\u201cLester Smith\u201d',
  "'Dan O'Brien'",
  '<at>Sign-out Bot</at>',
  '<at>Lester</at>',
  '<at>',
  '</at>',
  '<p>',
  '</p>',
  '<br>',
  '<div>',
  '<!-- x -->',
  '<!--',
  '<img alt="all">',
  '<emoji alt="--block">',
  '&amp;',
  '&nbsp;',
  '&#x27;',
  '&#39;',
  '&quot;',
  '&lt;',
  '&gt;',
  '&#x200b;',
  '&#0;',
  '&#xD800;',
  '&#1114112;',
  '&zwsp;',
  '&',
  '&#',
  ',',
  ';',
  ' ',
];

const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 2, arbitrary: fc.string({ unit: hostileUnit, maxLength: 8 }) },
);

/** Long runs of one fragment: quadratic scans and the length limit live here. */
const longRun = fc
  .tuple(
    fc.constantFrom(...FRAGMENTS, 'a', '"', "'a ", '.', '\u200b', '&amp;'),
    fc.integer({ min: 100, max: 5000 }),
  )
  .map(([f, n]) => f.repeat(Math.ceil(n / Math.max(1, f.length))).slice(0, n));

const anyMessage = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: hostileUnit, maxLength: 200 }) },
  { weight: 4, arbitrary: fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join('')) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('', 'signout ', 'status ', '<p>'), longRun).map(([a, b]) => a + b),
  },
);

// ---------------------------------------------------------------------------------------------------------
// Well-formed commands

/** One target as the admin types it, and what the parser must read from it. */
interface TargetText {
  /** the plain text of the token(s) */
  text: string;
  /** when set, the token is sent as a Teams mention of this name instead of `text` */
  mention?: string;
  /** the quote characters of a quoted name, so they can be made typographic */
  quotes?: 'double' | 'single';
  /** an unquoted token a glued colon can end */
  bare: boolean;
}

const letters = fc.stringMatching(/^[A-Za-z]{1,9}$/);
// `at` after the targets starts a time (issue 13), so it cannot start an implicit reason
const RESERVED = new Set(['all', 'group', 'search', 'everyone', 'everybody', 'reason', 'at']);
const plainWord = letters.filter((w) => !RESERVED.has(w.toLowerCase()));
const unicodeWord = fc.constantFrom(
  'Zo\u00eb',
  'Jos\u00e9',
  '\u5f20\u4f1f',
  '\u0141ukasz',
  'S\u00f8ren',
  "O'Brien",
  'Anne-Marie',
  '\u00d3lafur',
  '\u0645\u062d\u0645\u062f',
);
const nameWord = fc.oneof({ weight: 3, arbitrary: plainWord }, { weight: 1, arbitrary: unicodeWord });
const displayName = fc.array(nameWord, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-fA-F]{${n}}$`));
const guid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((p) => p.join('-'));

const domainLabel = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
const upn = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._+'-]{0,15}$/),
    fc.array(domainLabel, { minLength: 1, maxLength: 3 }),
    fc.constantFrom('com', 'co', 'io', 'onmicrosoft.com', 'co.uk', '\u516c\u53f8'),
  )
  .map(([local, labels, tld]) => `${local}@${[...labels, tld].join('.')}`);

/** A user target: the text typed and the ref expected. */
const userTarget: fc.Arbitrary<{ t: TargetText; ref: UserRef }> = fc.oneof(
  upn.chain((u) =>
    fc
      .constantFrom(u, `<${u}>`, `mailto:${u}`, `(${u})`, `@${u}`, `${u}.`, `"${u}"`)
      .map((text) => ({ t: { text, bare: !text.startsWith('"') }, ref: { kind: 'upn' as const, value: u } })),
  ),
  guid.chain((g) =>
    fc.constantFrom(g, `{${g}}`, `"${g}"`, g.toUpperCase()).map((text) => ({
      t: { text, bare: !text.startsWith('"') },
      ref: { kind: 'objectId' as const, value: g.toLowerCase() },
    })),
  ),
  fc.tuple(displayName, fc.constantFrom('double', 'single', 'mention')).map(([n, how]) => ({
    t:
      how === 'mention'
        ? { text: `"${n}"`, mention: n, bare: false }
        : how === 'double'
          ? { text: `"${n}"`, quotes: 'double' as const, bare: false }
          : { text: `'${n}'`, quotes: 'single' as const, bare: false },
    ref: { kind: 'name' as const, value: n },
  })),
);

/** group:/search: with every spelling of the value, and the value expected. */
const specialTarget: fc.Arbitrary<{ t: TargetText; target: TargetSpec }> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('group', 'Group', 'GROUP', 'search', 'Search'),
      displayName,
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([prefix, value, how]) => {
      const group = prefix.toLowerCase() === 'group';
      const target: TargetSpec = group ? { kind: 'group', group: value } : { kind: 'search', query: value };
      const one = !value.includes(' ');
      // 0: prefix:"v", 1: prefix:'v', 2: prefix: "v" (space after the colon), 3: prefix:v (one word)
      if (how === 3 && one) return { t: { text: `${prefix}:${value}`, bare: true }, target };
      if (how === 1)
        return { t: { text: `${prefix}:'${value}'`, quotes: 'single' as const, bare: false }, target };
      if (how === 2)
        return { t: { text: `${prefix}: "${value}"`, quotes: 'double' as const, bare: false }, target };
      return { t: { text: `${prefix}:"${value}"`, quotes: 'double' as const, bare: false }, target };
    }),
  guid.map((g) => ({
    t: { text: `group:${g}`, bare: true },
    target: { kind: 'group' as const, group: g.toLowerCase() },
  })),
  fc
    .constantFrom('all', 'ALL', 'All')
    .map((w) => ({ t: { text: w, bare: true }, target: { kind: 'all' as const } })),
);

const FLAG_SPELLINGS = {
  block: ['--block', '-block', '\u2014block', '--BLOCK'],
  self: ['--self', '\u2013self', '-Self'],
};

/** Free reason words; the first word of an implicit reason is a plain word (see the generator). */
const reasonWord = fc.oneof(
  { weight: 4, arbitrary: plainWord },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'phished.',
      'laptop,',
      '#INC-123',
      '(stolen)',
      '"quoted"',
      '<script>',
      '&amp;',
      'a&b',
      '\u4ed6\u7684\u7535\u8111',
      '\ud83d\ude22',
      'bob@contoso.com',
      '1,000',
      '50%',
      '?',
      '--',
      'x:y',
    ),
  },
);
const FLAGGY_WORDS = ['--block', '-self', '--unknown', '\u2014x'];

type Separator = '--' | '-' | '\u2014' | ':' | 'reason:' | 'glued';

interface SignoutCase {
  verb: string;
  flags: { block: boolean; self: boolean };
  /** where the flags go: before the targets, or after the first target */
  flagsAfterFirst: boolean;
  flagText: string[];
  targets: TargetText[];
  listSeparators: string[];
  reason?: { words: string[]; separator?: Separator };
  expected: Command;
}

const verb = fc.constantFrom(
  'signout',
  'SignOut',
  'sign-out',
  'Sign Out',
  'sign out',
  'revoke',
  '/signout',
  'signout:',
);

const flagsArb = fc
  .tuple(fc.boolean(), fc.boolean(), fc.nat(), fc.nat(), fc.boolean())
  .map(([block, self, b, s, after]) => ({
    flags: { block, self },
    flagText: [
      ...(block ? [FLAG_SPELLINGS.block[b % FLAG_SPELLINGS.block.length]] : []),
      ...(self ? [FLAG_SPELLINGS.self[s % FLAG_SPELLINGS.self.length]] : []),
    ],
    flagsAfterFirst: after,
  }));

const listSeparator = fc.constantFrom(' ', ', ', ' , ', ';', '; ', ',');

const signoutCase: fc.Arbitrary<SignoutCase> = fc
  .tuple(
    verb,
    flagsArb,
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          first: fc.option(plainWord, { freq: 4 }),
          users: fc.array(userTarget, { minLength: 1, maxLength: 5 }),
          duplicate: fc.boolean(),
        }),
      },
      { weight: 2, arbitrary: specialTarget },
    ),
    fc.array(listSeparator, { minLength: 1, maxLength: 6 }),
    fc.option(
      fc.record({
        words: fc.array(reasonWord, { minLength: 0, maxLength: 8 }),
        separator: fc.option(fc.constantFrom<Separator>('--', '-', '\u2014', ':', 'reason:', 'glued'), {
          nil: undefined,
          freq: 2,
        }),
        flaggy: fc.option(fc.constantFrom(...FLAGGY_WORDS), { nil: undefined }),
        first: plainWord,
      }),
      { nil: undefined },
    ),
  )
  .map(([v, f, targetChoice, seps, r]) => {
    let targets: TargetText[];
    let spec: TargetSpec;
    if ('users' in targetChoice) {
      const chosen = [...targetChoice.users];
      if (targetChoice.duplicate) chosen.push(chosen[0]);
      targets = chosen.map((u) => u.t);
      const refs = chosen.map((u) => u.ref);
      if (targetChoice.first !== null) {
        // an unquoted word is a display name only as the first target
        targets.unshift({ text: targetChoice.first, bare: true });
        refs.unshift({ kind: 'name', value: targetChoice.first });
      }
      const seen = new Set<string>();
      spec = {
        kind: 'users',
        refs: refs.filter((ref) => {
          const key = `${ref.kind}:${ref.value.toLowerCase()}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        }),
      };
    } else {
      targets = [targetChoice.t];
      spec = targetChoice.target;
    }
    // Two mentions with only spaces between are one person in Teams' markup: keep them apart with commas.
    const listSeparators = targets.map((t, i) =>
      t.mention && targets[i + 1]?.mention && !seps[i % seps.length].includes(',')
        ? ', '
        : seps[i % seps.length],
    );

    let reason: SignoutCase['reason'];
    let reasonText = '';
    if (r) {
      // An implicit reason starts at a plain word and holds no flag-shaped word; `all` needs a separator.
      // An explicit reason is literal, flags and all, and starts with a word so no second separator is read.
      const separator = r.separator ?? (spec.kind === 'all' ? '--' : undefined);
      const usable = separator === 'glued' && !targets[targets.length - 1].bare ? ':' : separator;
      const words = [r.first, ...r.words, ...(usable && r.flaggy ? [r.flaggy] : [])];
      reason = { words, separator: usable };
      reasonText = words.join(' ');
    }
    const expected: Command = {
      kind: 'signout',
      target: spec,
      reason: reasonText,
      block: f.flags.block,
      self: f.flags.self,
    };
    // a colon glued to the last target must end it, so the flags then go before the targets
    const flagsAfterFirst = f.flagsAfterFirst && reason?.separator !== 'glued';
    return { verb: v, ...f, flagsAfterFirst, targets, listSeparators, reason, expected };
  });

/** The command as plain text, with each target as typed (mentions written as their quoted name). */
function plainParts(c: SignoutCase): { text: string; target?: TargetText }[] {
  const parts: { text: string; target?: TargetText }[] = [{ text: c.verb }];
  const flags = c.flagText.map((text) => ({ text }));
  if (!c.flagsAfterFirst) parts.push(...flags);
  c.targets.forEach((t, i) => {
    if (i > 0)
      parts.push({ text: c.listSeparators[i - 1].trim() === '' ? '' : c.listSeparators[i - 1].trim() });
    parts.push({ text: t.text, target: t });
    if (i === 0 && c.flagsAfterFirst) parts.push(...flags);
  });
  if (c.reason) {
    const sep = c.reason.separator;
    if (sep === 'glued')
      parts[parts.length - 1] = { ...parts[parts.length - 1], text: `${parts[parts.length - 1].text}:` };
    else if (sep) parts.push({ text: sep });
    parts.push({ text: c.reason.words.join(' ') });
  }
  return parts.filter((p) => p.text !== '' || p.target);
}

/** How a case is dressed as Teams markup: every choice keeps its meaning. */
interface Dressing {
  botMention: string;
  wrap: [string, string];
  /** per gap between parts: how the space is written */
  spaces: string[];
  /** per character of plain text: 0 = as is, 1 = numeric entity, 2 = hex entity, 3 = invisible before it */
  chars: number[];
  typographic: boolean;
}

const dressing: fc.Arbitrary<Dressing> = fc.record({
  botMention: fc.constantFrom(
    '<at>Sign-out Bot</at> ',
    '<at>Sign-out Bot</at>&nbsp;',
    '<at id="0">Sign-out Bot</at>&nbsp;',
    '<at>Sign-out</at> <at>Bot</at> ',
    '@Sign-out Bot ',
    'Sign-out Bot: ',
    '',
  ),
  wrap: fc.constantFrom<[string, string]>(
    ['', ''],
    ['<p>', '</p>'],
    ['<div><p>', '</p></div>'],
    ['<p>', '<br></p>'],
  ),
  spaces: fc.array(fc.constantFrom(' ', ' ', '&nbsp;', '\u00a0', '  ', ' \u200b ', '&#32;', '\t', ' <br> '), {
    minLength: 1,
    maxLength: 40,
  }),
  chars: fc.array(fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 1, 2, 3), { minLength: 1, maxLength: 200 }),
  typographic: fc.boolean(),
});

const INVISIBLES = [
  '\u200b',
  '\u200e',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\u00ad',
  '&zwsp;',
  '&#x200B;',
  '&lrm;',
];

function escapeChar(ch: string, how: number, i: number): string {
  if (how === 1) return `&#${ch.codePointAt(0)};`;
  if (how === 2) return `&#x${ch.codePointAt(0)!.toString(16)};`;
  const plain = ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch;
  return how === 3 ? INVISIBLES[i % INVISIBLES.length] + plain : plain;
}

/** Plain text → Teams HTML, character by character. */
function escapeText(text: string, d: Dressing, offset: number): string {
  let out = '';
  let i = 0;
  for (const ch of text) {
    out += escapeChar(ch, d.chars[(offset + i) % d.chars.length], offset + i);
    i++;
  }
  return out;
}

function dress(c: SignoutCase, d: Dressing): string {
  let out = d.wrap[0] + d.botMention;
  let offset = 0;
  plainParts(c).forEach((p, i) => {
    if (i > 0) out += d.spaces[i % d.spaces.length];
    const t = p.target;
    if (t?.mention) {
      out += `<at>${escapeText(t.mention, d, offset)}</at>`;
    } else {
      let text = p.text;
      if (t?.quotes && d.typographic) {
        text =
          t.quotes === 'double'
            ? text.replace(/"([^"]*)"$/, '\u201c$1\u201d')
            : text.replace(/'(.*)'$/, '\u2018$1\u2019');
      }
      out += escapeText(text, d, offset);
    }
    offset += p.text.length;
  });
  return out + d.wrap[1];
}

// ---------------------------------------------------------------------------------------------------------
// Mutations of plausible commands

type Edit =
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'upper'; at: number; length: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fragment }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('upper' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
);

function applyEdit(s: string, e: Edit): string {
  const at = s.length ? e.at % (s.length + 1) : 0;
  switch (e.op) {
    case 'delete':
      return s.slice(0, at) + s.slice(at + e.length);
    case 'insert':
      return s.slice(0, at) + e.text + s.slice(at);
    case 'duplicate':
      return s.slice(0, at) + s.slice(at, at + e.length) + s.slice(at);
    case 'upper':
      return s.slice(0, at) + s.slice(at, at + e.length).toUpperCase() + s.slice(at + e.length);
  }
}

// ---------------------------------------------------------------------------------------------------------

describe('normalizer and parser properties', () => {
  it('never throws and never names a target that is not in the text, for any message', () => {
    fc.assert(
      fc.property(anyMessage, (raw) => runPipeline(raw)),
      { numRuns: 3000 },
    );
  });

  it('reads a well-formed signout, however Teams dresses it, as exactly what was typed', () => {
    fc.assert(
      fc.property(signoutCase, dressing, (c, d) => {
        const html = dress(c, d);
        const normalized = normalizeMessageText(html, [BOT_NAME]);
        const cmd = parseCommand(normalized);
        checkAnswer(normalized, cmd);
        expect(cmd).toEqual(c.expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps its promises on mutated commands', () => {
    fc.assert(
      fc.property(
        signoutCase,
        dressing,
        fc.array(edit, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (c, d, edits, html) => {
          const base = html
            ? dress(c, d)
            : plainParts(c)
                .map((p) => p.text)
                .join(' ');
          runPipeline(edits.reduce(applyEdit, base));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('answers text over the length limit with invalid, never a target', () => {
    fc.assert(
      fc.property(signoutCase, fc.integer({ min: 1, max: 200 }), (c, extra) => {
        const text = plainParts(c)
          .map((p) => p.text)
          .join(' ');
        const long = `${text} -- ${'x'.repeat(Math.max(0, MAX_INPUT_LENGTH - text.length - 4) + extra)}`;
        expect(parseCommand(long).kind).toBe('invalid');
      }),
      { numRuns: 100 },
    );
  });
});
