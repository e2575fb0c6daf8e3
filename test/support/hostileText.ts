/**
 * Hostile and random message text, shared by the parser's tests (which check the answers) and
 * `npm run bench` (which times them): the parser must stay linear on all of it.
 */

/** [label, text]: worst cases for the parser's patterns, each within MAX_INPUT_LENGTH */
export const NEAR_LIMIT_TEXTS: [string, string][] = [
  ['single quotes without closers', 'signout ' + "'a ".repeat(1300)],
  ['double quotes', 'signout ' + '"'.repeat(3990)],
  ['quoted names', 'signout ' + '"a" '.repeat(990)],
  ['trailing punctuation', 'signout ' + '.'.repeat(3990) + 'x'],
  ['colons', 'signout ' + 'group:'.repeat(660)],
  ['at signs', 'signout ' + '@'.repeat(3990) + 'a'],
  ['dots in a domain', 'signout a@' + 'b.'.repeat(1990)],
  ['dashes', 'signout ' + '-'.repeat(3990) + 'x'],
  ['digits', 'history ' + '1'.repeat(3990) + 'x'],
  ['digits and dots', 'history ' + '1.'.repeat(1995) + 'x'],
  ['braces', 'signout ' + '{'.repeat(3990)],
  ['angle brackets', 'signout ' + '<'.repeat(1995) + '>'.repeat(1995)],
  ['many flags', 'signout ' + '--block '.repeat(495)],
  ['many targets', 'signout ' + 'a@b.co '.repeat(570)],
  ['reason full of flags', 'signout a@b.co ' + 'x --y '.repeat(600)],
];

/** [label, raw]: 100,000 characters of markup that the message normalizer must strip in linear time */
export const HUGE_MARKUP_TEXTS: [string, string][] = [
  ['"<at"', '<at'.repeat(33_000)],
  ['"<a "', '<a '.repeat(33_000)],
  ['"&#"', '&#'.repeat(50_000)],
  ['"&amp"', '&amp'.repeat(25_000)],
  ['"<at>x</at> "', '<at>x</at> '.repeat(9_000)],
  ['"<img alt=\\""', '<img alt="'.repeat(10_000)],
  ['"<!--"', '<!--'.repeat(25_000)],
  ['"<p>"', '<p>'.repeat(33_000)],
  ['"\u200b"', '\u200b '.repeat(50_000)],
];

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GUID = '5a1c2e7f-9b3d-4086-a2c4-e6f8aabbccdd';

const FRAGMENTS = [
  'signout ',
  'sign out ',
  'revoke ',
  'status ',
  'history ',
  'unblock ',
  'help ',
  '?',
  ' ',
  ' ',
  ' ',
  '--block ',
  '--self ',
  '--',
  '-',
  '\u2014',
  ':',
  'reason:',
  'all',
  'group:',
  'search:',
  '"',
  "'",
  '\u201c',
  ',',
  ';',
  '.',
  '@',
  'lester',
  '@contoso.com',
  'a@b.co',
  GUID,
  '{',
  '}',
  '<',
  '>',
  '<at>',
  '</at>',
  '&amp;',
  '&#',
  'x',
  'Z',
  '0',
  '5',
  '51',
  '张伟',
  '😀',
  '\ud83d',
  '\u202e',
  '\u200b',
  '\u0000',
  '\n',
  '\t',
  '\u00a0',
  "' or 1 eq 1",
  "'); DROP",
  '$filter=',
  '../',
  '<script>',
  '#EXT#',
  '+',
  '\\',
  '%',
  'e',
];

const VERB_FRAGMENTS = ['signout ', 'sign out ', 'revoke ', 'status ', 'history ', 'unblock ', 'help', '?'];

function randomText(next: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const short = next() < 0.5;
  const parts = Math.floor(next() * (short ? 4 : 40));
  let s = next() < 0.6 ? pick(VERB_FRAGMENTS) : '';
  for (let i = 0; i < parts; i++) {
    if (next() < 0.15) s += String.fromCharCode(Math.floor(next() * 0x10000));
    else s += pick(FRAGMENTS);
  }
  if (next() < 0.02) s = s.repeat(Math.ceil(5000 / Math.max(1, s.length)));
  return s;
}

/** `count` random messages from a fixed seed, so a failure can be replayed. */
export function randomMessages(seed: number, count: number): string[] {
  const next = rng(seed);
  return Array.from({ length: count }, () => randomText(next));
}
