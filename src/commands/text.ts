/** Character-level helpers shared by the normalizer, the classifier and the grammars. */

const SPACE_LIKE = /[\t\n\v\f\r\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;
// Controls, format characters (zero-width, bidi, soft hyphen, BOM), lone surrogates, and letters that
// render as nothing (Hangul fillers, braille blank, combining grapheme joiner).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\u034f\u115f\u1160\u2800\u3164\uffa0]/gu;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201a\u201b\u2032\uff07]/g;

/**
 * Spaces made plain, invisible characters dropped, typographic quotes made plain, NFC, runs of spaces
 * collapsed, trimmed. normalizeMessageText ends with it and parseCommand starts with it.
 */
export function cleanText(s: string): string {
  return s
    .replace(SPACE_LIKE, ' ')
    .replace(INVISIBLE, '')
    .replace(DOUBLE_QUOTES, '"')
    .replace(SINGLE_QUOTES, "'")
    .normalize('NFC')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Punctuation that may follow a word at the end of a sentence without being part of it. */
export const SENTENCE_END = '.,;:!?';

/** `s` without trailing characters from `chars` (a loop: `/[…]+$/` is quadratic on long runs). */
export function stripTrailing(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1])) end--;
  return s.slice(0, end);
}

/** A short, inert rendering of typed text for a chat reply. */
export function show(s: string): string {
  const chars = Array.from(s);
  const cut = chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : s;
  return `\`${cut.replace(/[`<>\\]/g, '')}\``;
}
