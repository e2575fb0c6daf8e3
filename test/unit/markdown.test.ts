import fc from 'fast-check';
import {
  bareUrl,
  collapseLineBreaks,
  escapeMarkdown,
  isMarkdown,
  joinMarkdown,
  msg,
  paragraphs,
  plain,
  unescapeMarkdown,
  type Markdown,
} from '../../src/domain/markdown';
import { liveMarkup, shown } from '../support/markdownReader';

/** The characters that open inline markup in CommonMark, GFM or Teams, anywhere in a line. */
const INLINE_META = '\\`*_~[]|&<>';
/** Characters that mean something only at the start of a line (or next to the ones above). */
const OTHER_PUNCTUATION = '(){}#+-.!=^$';
const LINE_BREAKS = '\n\r\v\f\u0085\u2028\u2029';

/**
 * What is left of an escaped text once its escape sequences are taken out, left to right: it must hold
 * no inline markup character and no line break, so nothing in it can be read as inline markup.
 */
function unescapedLeft(escaped: string): string {
  const rest = escaped.replace(/\\[\\`*_~[\]|#+\-=.)]|&(?:amp|lt|gt);/g, '');
  return [...rest].filter((c) => INLINE_META.includes(c) || LINE_BREAKS.includes(c)).join('');
}

/** A block marker that a value could start a line with: heading, list, setext underline, ordered list. */
const LIVE_BLOCK_START = /^\s*(?:[#+\-=]|\d+[.)])/;

describe('escapeMarkdown', () => {
  it.each<[string, string, string]>([
    [
      'a markdown link (phishing in a display name)',
      '[Re-verify your MFA](https://evil.example)',
      '\\[Re-verify your MFA\\](https://evil.example)',
    ],
    ['an image', '![x](https://evil.example/p.png)', '!\\[x\\](https://evil.example/p.png)'],
    [
      'an HTML link',
      '<a href="https://evil.example">MFA</a>',
      '&lt;a href="https://evil.example"&gt;MFA&lt;/a&gt;',
    ],
    ['a mention', '<at>Lester</at>', '&lt;at&gt;Lester&lt;/at&gt;'],
    ['an autolink', '<https://evil.example>', '&lt;https://evil.example&gt;'],
    ['a heading', '# Urgent', '\\# Urgent'],
    ['a list', '- item', '\\- item'],
    ['a list after spaces', '  + item', '  \\+ item'],
    ['an ordered list', '1. item', '1\\. item'],
    ['an ordered list with a parenthesis', '12) item', '12\\) item'],
    ['a quote', '> quoted', '&gt; quoted'],
    ['a code fence', '```js\nalert(1)\n```', '\\`\\`\\`js alert(1) \\`\\`\\`'],
    ['emphasis', '**bold** _it_ ~~gone~~', '\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~'],
    ['a backslash before markup', '\\[x](y)', '\\\\\\[x\\](y)'],
    ['entities', '&lt;b&gt; &amp; &#60;', '&amp;lt;b&amp;gt; &amp;amp; &amp;#60;'],
    ['a table row', '| a | b |', '\\| a \\| b \\|'],
    ['a setext underline', 'Title\n===', 'Title ==='],
    ['a heading after a line break', 'Ada\r\n\r\n# Admin', 'Ada # Admin'],
    ['Unicode line separators', 'a\u2028b\u2029c\u0085d', 'a b c d'],
    ['plain words', 'Lester Lee', 'Lester Lee'],
    [
      'an address and a Graph request-id read as they are',
      'lester@contoso.com, request-id c441fe4b-0bcb',
      'lester@contoso.com, request-id c441fe4b-0bcb',
    ],
  ])('%s', (_what, input, escaped) => {
    expect(escapeMarkdown(input)).toBe(escaped);
    expect(liveMarkup(escapeMarkdown(input))).toEqual([]);
    expect(unescapedLeft(escapeMarkdown(input))).toBe('');
    expect(escapeMarkdown(input)).not.toMatch(LIVE_BLOCK_START);
    expect(shown(escapeMarkdown(input))).toBe(collapseLineBreaks(input));
  });

  it('keeps spaces and tabs that are not around a line break', () => {
    expect(collapseLineBreaks('a  b\tc \n \n d')).toBe('a  b\tc d');
  });

  it('for any text: no markup character is left unescaped, no line break, and unescaping gives it back', () => {
    const markupHeavy = fc.string({
      unit: fc.constantFrom(
        ...(INLINE_META + OTHER_PUNCTUATION + LINE_BREAKS + ' aZ09@:/"\'').split(''),
        'é',
        '\u200b',
        '😀',
      ),
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.oneof(markupHeavy, fc.string({ unit: 'grapheme', maxLength: 60 })), (s) => {
        const escaped = escapeMarkdown(s);
        expect(unescapedLeft(escaped)).toBe('');
        expect(escaped).not.toMatch(LIVE_BLOCK_START);
        expect(escaped).not.toMatch(/[\n\r\v\f\u0085\u2028\u2029]/);
        expect(unescapeMarkdown(escaped)).toBe(collapseLineBreaks(s));
        expect(shown(escaped)).toBe(collapseLineBreaks(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('unescaping is exact on text without line breaks', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const oneLine = collapseLineBreaks(s);
        expect(unescapeMarkdown(escapeMarkdown(oneLine))).toBe(oneLine);
      }),
    );
  });
});

describe('msg', () => {
  it("escapes every value and keeps the bot's own markdown", () => {
    const name = '[Re-verify your MFA](https://evil.example)';
    const m = msg`Refused: ${name} tried ${3} times.\n\n- next line`;
    expect(m.text).toBe(
      'Refused: \\[Re-verify your MFA\\](https://evil.example) tried 3 times.\n\n- next line',
    );
  });

  it('inserts Markdown values as they are, so nothing is escaped twice', () => {
    const inner = msg`${'a_b'} (${'c'})`;
    expect(msg`x ${inner} y`.text).toBe('x a\\_b (c) y');
    expect(joinMarkdown([inner, plain('-d')], msg`\n`).text).toBe('a\\_b (c)\n\\-d');
  });

  it('is the only way to a Markdown value', () => {
    expect(isMarkdown(msg`x`)).toBe(true);
    expect(isMarkdown('x')).toBe(false);
    expect(isMarkdown({ text: 'x' })).toBe(false);
    // @ts-expect-error a string is not Markdown
    const fromString: Markdown = '[x](y)';
    // @ts-expect-error nor is an object that looks like one
    const fromObject: Markdown = { text: '[x](y)' };
    expect([fromString, fromObject].some(isMarkdown)).toBe(false);
  });
});

describe('plain and paragraphs', () => {
  it('plain escapes a whole text onto one line', () => {
    expect(plain('Graph said: <b>no</b>\n# really').text).toBe('Graph said: &lt;b&gt;no&lt;/b&gt; # really');
  });

  it('paragraphs keeps blank-line breaks and escapes each paragraph', () => {
    expect(paragraphs('The name "a_b" is odd.\n\nUsage: signout [--block] WHO').text).toBe(
      'The name "a\\_b" is odd.\n\nUsage: signout \\[--block\\] WHO',
    );
    expect(paragraphs('one\n  \n\n- two').text).toBe('one\n\n\\- two');
  });
});

describe('bareUrl', () => {
  it("keeps the bot's own Teams link clickable", () => {
    const link = 'https://teams.microsoft.com/l/message/19%3Aabc%40thread.tacv2/1700000000000';
    expect(bareUrl(link).text).toBe(link);
  });

  it.each([
    'https://teams.microsoft.com/l/message/a_b/(x)',
    'https://evil.example/[x](https://evil.example)',
    'javascript:alert(1)',
    'http://teams.microsoft.com/l/message/a/b',
    'https://teams.microsoft.com/l/message/a\n# b',
  ])('escapes anything else like a value: %j', (url) => {
    expect(bareUrl(url).text).toBe(escapeMarkdown(url));
  });
});
