import { Lexer, type Token } from '../../../src/commands/lexer';

/** Every token of `s`, read the way the grammars read: each from the end of the one before. */
function tokens(s: string): Token[] {
  const lex = new Lexer(s);
  const out: Token[] = [];
  for (let pos = 0; ;) {
    const tok = lex.read(pos);
    if (!tok) return out;
    out.push(tok);
    pos = tok.end;
  }
}

describe('Lexer', () => {
  it('splits words at spaces, commas and semicolons, with their positions', () => {
    expect(tokens('a@b.co c@d.co')).toEqual([
      { start: 0, end: 6, raw: 'a@b.co' },
      { start: 7, end: 13, raw: 'c@d.co' },
    ]);
    expect(tokens('a,b;c , d').map((t) => t.raw)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('answers nothing at the end, or where only separators are left', () => {
    expect(tokens('')).toEqual([]);
    expect(tokens('  , ; ')).toEqual([]);
    expect(new Lexer('a b').read(3)).toBeUndefined();
  });

  it('reads from any position', () => {
    expect(new Lexer('status lester').read(6)).toEqual({ start: 7, end: 13, raw: 'lester' });
  });

  it('keeps a colon glued to a word, so the grammar can see it ends the targets', () => {
    expect(tokens('lester@contoso.com: phished').map((t) => t.raw)).toEqual([
      'lester@contoso.com:',
      'phished',
    ]);
  });

  it('reads a double-quoted text as one token with its inside', () => {
    expect(tokens(' "Lester Smith" x')).toEqual([
      { start: 1, end: 15, raw: '"Lester Smith"', quoted: 'Lester Smith' },
      { start: 16, end: 17, raw: 'x' },
    ]);
    expect(tokens('"a, b; c"')).toEqual([{ start: 0, end: 9, raw: '"a, b; c"', quoted: 'a, b; c' }]);
  });

  it("closes a single quote only before a word end or sentence punctuation, so O'Brien stays whole", () => {
    expect(tokens("'Dan O'Brien' left")).toEqual([
      { start: 0, end: 13, raw: "'Dan O'Brien'", quoted: "Dan O'Brien" },
      { start: 14, end: 18, raw: 'left' },
    ]);
    expect(tokens("'a' b'").map((t) => t.quoted ?? t.raw)).toEqual(['a', "b'"]);
    expect(tokens("it's fine").map((t) => t.raw)).toEqual(["it's", 'fine']);
  });

  it('reads an unclosed single quote as a plain word', () => {
    expect(tokens("'abc")).toEqual([{ start: 0, end: 4, raw: "'abc" }]);
  });

  it('marks an unclosed double quote as an error that takes the rest of the text', () => {
    expect(tokens('"Lester Smith')).toEqual([{ start: 0, end: 13, raw: '"Lester Smith', error: 'unclosed' }]);
    expect(tokens('"a" "b c')).toEqual([
      { start: 0, end: 3, raw: '"a"', quoted: 'a' },
      { start: 4, end: 8, raw: '"b c', error: 'unclosed' },
    ]);
  });

  it('reads group: and search: with their value, quoted or not, in any case', () => {
    expect(tokens('group:"Wave 1" x')[0]).toEqual({
      start: 0,
      end: 14,
      raw: 'group:"Wave 1"',
      prefix: 'group',
      value: 'Wave 1',
      valueQuoted: true,
    });
    expect(tokens("search:'x y'")[0]).toMatchObject({ prefix: 'search', value: 'x y', valueQuoted: true });
    expect(tokens('Group:Sales.')[0]).toMatchObject({ prefix: 'group', value: 'Sales.', valueQuoted: false });
    expect(tokens('SEARCH:a,b').map((t) => t.raw)).toEqual(['SEARCH:a', 'b']);
  });

  it('leaves the value of a bare group: to the next token', () => {
    expect(tokens('group: "Wave 1"')).toEqual([
      { start: 0, end: 6, raw: 'group:', prefix: 'group', value: '', valueQuoted: false },
      { start: 7, end: 15, raw: '"Wave 1"', quoted: 'Wave 1' },
    ]);
  });

  it('marks group: with an unclosed double quote as an error', () => {
    expect(tokens('group:"unclosed')).toEqual([
      { start: 0, end: 15, raw: 'group:"unclosed', error: 'unclosed' },
    ]);
  });

  it('reads only group and search as prefixes', () => {
    expect(tokens('groups:x')).toEqual([{ start: 0, end: 8, raw: 'groups:x' }]);
    expect(tokens('reason:x')).toEqual([{ start: 0, end: 8, raw: 'reason:x' }]);
  });

  it('finds no closing quote again after it learned there is none', () => {
    // the second read starts after the first unclosed quote: the answer must not change
    const lex = new Lexer("'a 'b 'c");
    expect(lex.read(0)).toEqual({ start: 0, end: 2, raw: "'a" });
    expect(lex.read(2)).toEqual({ start: 3, end: 5, raw: "'b" });
    expect(lex.read(5)).toEqual({ start: 6, end: 8, raw: "'c" });
  });
});
