import { odataString, searchPhrase } from '../../src/domain/odata';

describe('odataString', () => {
  it.each([
    ['lester@contoso.com', "'lester@contoso.com'"],
    ["x' or 1 eq 1", "'x'' or 1 eq 1'"],
    ["O'Brien", "'O''Brien'"],
    ["'", "''''"],
    ["''", "''''''"],
    ["'); DROP", "'''); DROP'"],
    ['', "''"],
    ['Zhāng 张伟 😀', "'Zhāng 张伟 😀'"],
    ['a"b\\c', "'a\"b\\c'"],
    ['$filter=x&$top=1', "'$filter=x&$top=1'"],
  ])('%j → %s', (value, expected) => {
    expect(odataString(value)).toBe(expected);
  });

  it('cannot be closed early: the literal has an even number of quotes between its ends', () => {
    for (const v of ["a'", "'a", "a''b", "x' or 1 eq 1 or 'y"]) {
      const inner = odataString(v).slice(1, -1);
      expect(inner.replace(/''/g, '')).not.toContain("'");
    }
  });
});

describe('searchPhrase', () => {
  it.each([
    ['Test', '"displayName:Test"'],
    ['Migration Wave 1', '"displayName:Migration Wave 1"'],
    ['a"b', '"displayName:a\\"b"'],
    ['a\\b', '"displayName:a\\\\b"'],
    ['\\"', '"displayName:\\\\\\""'],
    ['x" OR "mail:admin', '"displayName:x\\" OR \\"mail:admin"'],
    ["O'Brien", '"displayName:O\'Brien"'],
    ['', '"displayName:"'],
  ])('%j → %s', (value, expected) => {
    expect(searchPhrase(value)).toBe(expected);
  });

  it('takes another property', () => {
    expect(searchPhrase('lester', 'mail')).toBe('"mail:lester"');
  });
});
