/** HTML character references in Teams message text, decoded once. */

const NAMED_ENTITIES: Record<string, string> = {
  nbsp: '\u00a0',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  ldquo: '\u201c',
  rdquo: '\u201d',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ndash: '\u2013',
  mdash: '\u2014',
  hellip: '\u2026',
  zwsp: '',
  zwj: '',
  zwnj: '',
  shy: '',
  lrm: '',
  rlm: '',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
};

/**
 * `&amp;`, `&#39;`, `&#x27;` and the named references above decoded; unknown names stay as typed; numeric
 * references to NUL, surrogates or past U+10FFFF vanish.
 */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(
    /&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{0,31}));/g,
    (whole, dec?: string, hex?: string, name?: string) => {
      if (name !== undefined) {
        // own keys only: `&constructor;` must not find Object.prototype's
        const key = name.toLowerCase();
        return Object.hasOwn(NAMED_ENTITIES, key) ? NAMED_ENTITIES[key] : whole;
      }
      const cp = dec !== undefined ? parseInt(dec, 10) : parseInt(hex as string, 16);
      if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '';
      return String.fromCodePoint(cp);
    },
  );
}
