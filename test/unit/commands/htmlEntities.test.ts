import { decodeEntities } from '../../../src/commands/htmlEntities';

describe('decodeEntities', () => {
  it.each<[string, string]>([
    ['no entities', 'no entities'],
    ['&amp; &lt; &gt; &quot; &apos;', '& < > " \''],
    ['&AMP; &Nbsp;', '& \u00a0'],
    ['&#39;&#x27;&#X27;', "'''"],
    ['&ldquo;x&rdquo; &mdash;', '\u201cx\u201d \u2014'],
    ['a&zwsp;b&shy;c&lrm;d', 'abcd'],
    ['&amp;lt;', '&lt;'],
    ['&bogus; &#xZZ; &', '&bogus; &#xZZ; &'],
    ['&constructor; &__proto__; &toString;', '&constructor; &__proto__; &toString;'],
    ['a&#0;b&#xD800;c&#xDFFF;d&#1114112;e', 'abcde'],
    ['&#128512;', '\ud83d\ude00'],
  ])('%j → %j', (raw, expected) => {
    expect(decodeEntities(raw)).toBe(expected);
  });
});
