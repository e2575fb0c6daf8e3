/**
 * Splits the arguments after the verb into tokens: words, "quoted" or 'quoted' texts, and group:/search:
 * with their value. Spaces, `,` and `;` separate tokens. What a token means is the classifier's job.
 *
 * Linear in the input: the lexer never rescans, and the quote searches remember where a closing quote is
 * known to be missing.
 */

export interface Token {
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

export class Lexer {
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
