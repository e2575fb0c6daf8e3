import { normalizeMessageText } from '../../../src/commands/normalizer';
import { CONTROL } from '../../support/commandCases';

describe('normalizeMessageText', () => {
  it.each<[string, string, string]>([
    [
      'channel message with mention, nbsp and mailto link',
      '<p><at>Sign-out Bot</at>&nbsp;signout <a href="mailto:lester@contoso.com">lester@contoso.com</a></p>',
      'signout lester@contoso.com',
    ],
    ['mention with an id attribute', '<at id="0">Sign-out Bot</at> status lester', 'status lester'],
    ['bot mention in any case', '<at>SIGN-OUT BOT</at> help', 'help'],
    ['leading mention of a renamed bot', '<at>IT Helper</at> help', 'help'],
    ['several leading mentions (split bot name)', '<at>Sign-out</at> <at>Bot</at> help', 'help'],
    [
      'person mention becomes a quoted name',
      '<at>Sign-out Bot</at> signout <at>Lester Smith</at> phished',
      'signout "Lester Smith" phished',
    ],
    [
      'a person split into two mentions is one name',
      '<at>Sign-out Bot</at> signout <at>Lester</at>&nbsp;<at>Smith</at>',
      'signout "Lester Smith"',
    ],
    [
      'mentions separated by a comma stay apart',
      '<at>Sign-out Bot</at> signout <at>Lester</at>, <at>Bob</at>',
      'signout "Lester", "Bob"',
    ],
    [
      'a quote inside a mention is dropped',
      '<at>Bot</at> status <at>Lester "Les" Smith</at>',
      'status "Lester Les Smith"',
    ],
    ['bot mention in the middle is removed', 'signout <at>Sign-out Bot</at> lester', 'signout lester'],
    [
      'div, br and span',
      '<div>signout<br>lester@contoso.com</div><span class="x">now</span>',
      'signout lester@contoso.com now',
    ],
    ['paragraphs become spaces', '<p>signout a@b.co</p><p>reason</p>', 'signout a@b.co reason'],
    ['inline tags join', 'lester@<b>contoso</b>.com', 'lester@contoso.com'],
    ['named entities', 'a&amp;b &lt;c&gt; &quot;d&quot; &#39;e&#39; &apos;f&apos;', "a&b <c> \"d\" 'e' 'f'"],
    ['numeric entities', '&#123;&#x7B;&#X7d;&#65;', '{{}A'],
    ['entities are decoded once', '&amp;lt;at&amp;gt;', '&lt;at&gt;'],
    ['decoded tags stay text', '&lt;at&gt;Sign-out Bot&lt;/at&gt; help', '<at>Sign-out Bot</at> help'],
    ['unknown entity kept', '&bogus; &#xZZ;', '&bogus; &#xZZ;'],
    ['invalid code points dropped', 'a&#0;b&#xD800;c&#1114112;d', 'abcd'],
    [
      'typographic double quotes',
      'signout \u201cLester Smith\u201d \u201eWave\u201c \u00abX\u00bb',
      'signout "Lester Smith" "Wave" "X"',
    ],
    ['typographic single quotes', '\u2018Dan O\u2019Brien\u2019', "'Dan O'Brien'"],
    ['nbsp and other spaces', 'signout\u00a0\u2003lester\u202f\u3000x', 'signout lester x'],
    ['zero-width characters vanish', 'sign\u200bout le\u200cst\u200der\u2060\ufeff', 'signout lester'],
    [
      'bidi controls vanish',
      'signout \u202elester\u202c \u2066x\u2069 \u200f\u200e\u061c',
      'signout lester x',
    ],
    [
      'control characters vanish, newlines are spaces',
      'signout\u0000\u0007 lester\r\n\tphished\u007f\u0085x',
      'signout lester phished x',
    ],
    ['lone surrogates vanish', 'a\ud800b\udc00c', 'abc'],
    ['emoji kept, whitespace collapsed', '  status   \ud83d\ude00  ', 'status \ud83d\ude00'],
    ['NFC', 'signout Jose\u0301', 'signout Jos\u00e9'],
    ['plain-text bot name with @', '@Sign-out Bot signout lester', 'signout lester'],
    ['plain-text bot name without @', 'Sign-out Bot: signout lester', 'signout lester'],
    ['bot name only as a whole word', 'Sign-out Botany', 'Sign-out Botany'],
    ['a "<" that starts no tag stays', 'a < b and c > d', 'a < b and c > d'],
    ['an unclosed tag is text', 'signout lester <b', 'signout lester <b'],
    ['comments removed', 'sign<!-- x > y -->out', 'signout'],
    [
      'emoji image keeps its alt',
      'status <emoji id="smile" alt="\ud83d\ude04"></emoji>',
      'status \ud83d\ude04',
    ],
    [
      'an unclosed mention keeps its text',
      '<at>Sign-out Bot</at> status <at>Lester &amp;amp; Co',
      'status Lester &amp; Co',
    ],
    ['empty', '', ''],
    ['only markup', '<p><at>Sign-out Bot</at>&nbsp;</p>', ''],
    // found by the property test: the entity table answered Object.prototype's `constructor`
    ['an entity named like an Object member stays text', 'a &constructor; b', 'a &constructor; b'],
  ])('%s', (_label, raw, expected) => {
    expect(normalizeMessageText(raw)).toBe(expected);
  });

  it('removes the bot names it is given, anywhere', () => {
    expect(normalizeMessageText('signout <at>IT Helper</at> lester', ['IT Helper'])).toBe('signout lester');
    expect(normalizeMessageText('IT Helper status x', ['IT Helper'])).toBe('status x');
    expect(normalizeMessageText('signout <at>IT Helper</at> lester')).toBe('signout "IT Helper" lester');
  });

  it('returns no control characters for any input', () => {
    let all = '';
    for (let c = 0; c < 0x10000; c++) all += String.fromCharCode(c);
    expect(normalizeMessageText(all)).not.toMatch(CONTROL);
  });

  it('tolerates a non-string', () => {
    expect(normalizeMessageText(undefined as unknown as string)).toBe('');
  });
});
