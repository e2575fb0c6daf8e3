/**
 * Teams message text (HTML-ish) → the plain text the parser reads (see the tests for each rule):
 * - Mentions of the bot (its default name or the names given) are removed, wherever they stand, and so is
 *   the bot's name typed as plain text at the start.
 * - A mention of another person (`<at>Lester Smith</at>`) becomes the quoted name "Lester Smith"; mentions
 *   with only spaces between them are one person (new Teams splits a name into several).
 * - Block tags become spaces, other tags vanish; an emoji or image keeps its alt text.
 */

import { decodeEntities } from './htmlEntities';
import { cleanText } from './text';

const DEFAULT_BOT_NAME = 'Sign-out Bot';

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'tr',
  'td',
  'th',
  'table',
  'blockquote',
  'pre',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
]);

type Segment = { kind: 'text'; value: string } | { kind: 'mention'; value: string };

/**
 * Teams message text (HTML-ish) → plain text: bot mentions and tags removed, entities decoded,
 * typographic quotes made plain, invisible characters dropped, whitespace collapsed, NFC.
 */
export function normalizeMessageText(raw: string, botNames: string[] = []): string {
  if (typeof raw !== 'string') return '';
  const names = [DEFAULT_BOT_NAME, ...botNames]
    .filter((n): n is string => typeof n === 'string')
    .map((n) => cleanText(n).replace(/^@/, '').toLowerCase())
    .filter((n) => n.length > 0);
  const isBot = (text: string) => names.includes(text.toLowerCase());

  const segments: Segment[] = [];
  let seenContent = false; // any visible text or kept mention so far
  let mention: string[] | undefined;
  const emitText = (t: string) => {
    if (!t) return;
    const decoded = decodeEntities(t);
    if (mention) {
      mention.push(decoded);
      return;
    }
    segments.push({ kind: 'text', value: decoded });
    if (!seenContent && cleanText(decoded) !== '') seenContent = true;
  };

  const n = raw.length;
  let i = 0;
  while (i < n) {
    const lt = raw.indexOf('<', i);
    if (lt < 0) {
      emitText(raw.slice(i));
      break;
    }
    const next = raw.charCodeAt(lt + 1);
    const isTagStart =
      (next >= 65 && next <= 90) || (next >= 97 && next <= 122) || next === 47 /* / */ || next === 33; /* ! */
    if (!isTagStart) {
      emitText(raw.slice(i, lt + 1));
      i = lt + 1;
      continue;
    }
    emitText(raw.slice(i, lt));
    if (raw.startsWith('<!--', lt)) {
      const end = raw.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    const gt = raw.indexOf('>', lt + 1);
    if (gt < 0) {
      // No tag can close after this point: the rest is text.
      emitText(raw.slice(lt));
      break;
    }
    const tag = raw.slice(lt, gt + 1);
    i = gt + 1;
    const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/.exec(tag);
    if (!m) continue;
    const closing = m[1] === '/';
    const name = m[2].toLowerCase();
    if (name === 'at') {
      if (!closing) {
        mention ??= [];
        continue;
      }
      if (!mention) continue;
      const text = cleanText(mention.join('')).replace(/^@/, '');
      mention = undefined;
      if (!text || !seenContent || isBot(text)) continue;
      segments.push({ kind: 'mention', value: text });
      seenContent = true;
    } else if (BLOCK_TAGS.has(name)) {
      emitText(' ');
    } else if ((name === 'img' || name === 'emoji') && !closing) {
      const alt = /\balt="([^"]*)"/i.exec(tag);
      if (alt) emitText(alt[1]);
    }
  }
  // an <at> that never closes: keep what it held as text (already decoded)
  if (mention) segments.push({ kind: 'text', value: mention.join('') });

  // Adjacent mentions with only whitespace between are one person: new Teams splits "Lester Smith".
  const out: string[] = [];
  let pending: string[] | undefined;
  let gap = '';
  const flush = () => {
    if (pending) out.push(`"${pending.join(' ').replace(/"/g, '')}"`);
    pending = undefined;
  };
  for (const seg of segments) {
    if (seg.kind === 'mention') {
      if (!pending) pending = [];
      pending.push(seg.value);
      gap = '';
    } else if (pending && cleanText(seg.value) === '') {
      gap += seg.value;
    } else {
      flush();
      out.push(gap, seg.value);
      gap = '';
    }
  }
  flush();
  out.push(gap);

  let text = cleanText(out.join(''));
  for (const botName of [...names].sort((a, b) => b.length - a.length)) {
    const skip = text.startsWith('@') ? 1 : 0;
    const end = skip + botName.length;
    if (text.slice(skip, end).toLowerCase() !== botName) continue;
    const after = text.charAt(end);
    if (after === '' || after === ' ' || after === ':' || after === ',') {
      text = text.slice(end).replace(/^[ :,]+/, '');
      break;
    }
  }
  return text;
}
