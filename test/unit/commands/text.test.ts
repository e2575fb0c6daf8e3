import { parseCommand } from '../../../src/commands/parseCommand';
import { cleanText, show, stripTrailing } from '../../../src/commands/text';
import { expectInvalid } from '../../support/commandCases';

describe('cleanText', () => {
  it.each<[string, string, string]>([
    ['spaces made plain, collapsed and trimmed', '  a\u00a0\u2003b  \t', 'a b'],
    ['typographic quotes made plain', '\u201cx\u201d \u2018y\u2019 \u00abz\u00bb', '"x" \'y\' "z"'],
    ['invisible characters dropped', 'a\u200bb\u202e\u00adc\ufeff', 'abc'],
    ['NFC', 'Jose\u0301', 'Jos\u00e9'],
    ['only invisible', '\u200b\u202e', ''],
  ])('%s', (_label, raw, expected) => {
    expect(cleanText(raw)).toBe(expected);
  });
});

describe('stripTrailing', () => {
  it.each<[string, string]>([
    ['a@b.co.', 'a@b.co'],
    ['a.b..', 'a.b'],
    ['...', ''],
    ['', ''],
    ['x!?', 'x'],
  ])('%j → %j', (s, expected) => {
    expect(stripTrailing(s, '.!?')).toBe(expected);
  });
});

describe('show', () => {
  it('quotes typed text in backticks without the characters Teams or markdown would act on', () => {
    expect(show('lester')).toBe('`lester`');
    expect(show('<b>`x`\\')).toBe('`bx`');
  });

  it('cuts long text at 40 characters, never inside a surrogate pair', () => {
    expect(show('x'.repeat(41))).toBe(`\`${'x'.repeat(40)}…\``);
    expect(show('\ud83d\ude00'.repeat(41))).toBe(`\`${'\ud83d\ude00'.repeat(40)}…\``);
    expect(show('x'.repeat(40))).toBe(`\`${'x'.repeat(40)}\``);
  });

  it('echoes typed text inertly in problems', () => {
    const cmd = parseCommand('signout --b<i>`x`</i>');
    expectInvalid(cmd, 'signout', /option `--bix\/i`;/);
  });
});
