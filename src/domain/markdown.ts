/**
 * Text the bot posts to Teams, which renders message text as markdown with some HTML. Pure.
 *
 * Display names, team and channel names, reasons, typed values and Graph's messages are chosen by
 * people the bot does not trust: a user named `[Re-verify your MFA](https://evil.example)` must show
 * as those characters, never as a link. So every text the bot sends is a `Markdown` value, and the only
 * ways to make one are:
 * - the `msg` template, whose literal parts are the bot's own and whose every `${value}` is escaped
 *   (a `Markdown` value is inserted as it is: it was escaped when it was made);
 * - `plain(text)` and `paragraphs(text)`, a whole text escaped (words composed elsewhere, e.g. a
 *   Graph failure explained in src/domain/graphErrors.ts);
 * - `bareUrl(url)`, a link the bot built itself, kept as a bare URL only if it holds no markup.
 *
 * Escaping is as small as safety allows, because every backslash is a character some Teams surface
 * may show as it is: inside a line, only the characters that open inline markup get a backslash
 * (``\ ` * _ ~ [ ] |``: no link, image, emphasis, code span or table cell can start without one of
 * them), and `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;` (so no HTML tag, `<at>` mention, autolink
 * or entity survives, whichever of markdown and HTML Teams reads first). Line breaks inside a value
 * become one space, and a value that begins like a block (`#`, `+`, `-`, `=`, `1.`, `1)`) has that
 * marker escaped, so a value cannot start a heading, list, quote or code block of its own. `.`, `-`,
 * `(`, `)` and `!` elsewhere mean nothing without the characters above, so a UPN or a Graph request-id
 * reads as it is. Teams still turns a bare URL in a value into a link that shows that URL (see
 * docs/decisions.md); it can never be disguised.
 */

/** Escaped with a backslash anywhere in a value: the characters that open inline markup. */
const INLINE = '\\`*_~[]|';
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const FROM_ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>' };

const classOf = (chars: string) => chars.replace(/[\\\]^-]/g, '\\$&');
const ESCAPE = new RegExp(`[${classOf(INLINE)}&<>]`, 'g');
/** A block marker at the start of a value (after spaces): heading, list, setext underline, ordered list. */
const BLOCK_START = /^(\s*)(?:([#+\-=])|(\d{1,9})([.)]))/;
const UNESCAPE = /\\([\\`*_~[\]|#+\-=.)])|&(amp|lt|gt);/g;
/** JavaScript's \s lacks NEL (U+0085), which some renderers read as a line break. */
const WHITESPACE_RUN = /[\s\u0085]+/g;
const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/;

/** A text ready to send as Teams markdown; only the functions of this module make one. */
class MarkdownText {
  /** makes the type nominal: no object literal with a `text` passes for Markdown */
  declare private readonly brand: 'Markdown';
  constructor(readonly text: string) {}
}
export type Markdown = MarkdownText;

export type MarkdownValue = string | number | Markdown;

/** Line breaks (with the spaces around them) become one space; other whitespace is kept. */
export function collapseLineBreaks(text: string): string {
  return text.replace(WHITESPACE_RUN, (run) => (LINE_BREAK.test(run) ? ' ' : run));
}

/** `text` as markdown that renders as exactly that text (its line breaks collapsed to spaces). */
export function escapeMarkdown(text: string): string {
  return collapseLineBreaks(text)
    .replace(ESCAPE, (c) => ENTITIES[c] ?? `\\${c}`)
    .replace(BLOCK_START, (_m, space: string, marker?: string, digits?: string, dot?: string) =>
      marker !== undefined ? `${space}\\${marker}` : `${space}${digits}\\${dot}`,
    );
}

/** The inverse of escapeMarkdown: what a reader sees of an escaped value. */
export function unescapeMarkdown(escaped: string): string {
  return escaped.replace(UNESCAPE, (_m, char: string | undefined, entity: string | undefined) =>
    char !== undefined ? char : FROM_ENTITY[entity!],
  );
}

/**
 * A message whose literal parts are markdown written by the bot and whose values are escaped. (Not
 * named `md`: Prettier reformats templates tagged `md` as markdown, which would change the message.)
 */
export function msg(literals: TemplateStringsArray, ...values: MarkdownValue[]): Markdown {
  let text = literals[0];
  values.forEach((v, i) => {
    text += (v instanceof MarkdownText ? v.text : escapeMarkdown(String(v))) + literals[i + 1];
  });
  return new MarkdownText(text);
}

/** A whole plain-words text, escaped: it reads the same and carries no markup. */
export function plain(text: string): Markdown {
  return new MarkdownText(escapeMarkdown(text));
}

/** A plain-words text whose paragraphs are separated by blank lines: each escaped, the breaks kept. */
export function paragraphs(text: string): Markdown {
  return joinMarkdown(text.split(/\n[^\S\n]*\n\s*/).map(plain), msg`\n\n`);
}

/** Whether `x` is Markdown (made by this module) rather than a string or a card. */
export function isMarkdown(x: unknown): x is Markdown {
  return x instanceof MarkdownText;
}

/** Markdown texts one after another with `separator` (the bot's own, e.g. msg`\n\n`) between them. */
export function joinMarkdown(parts: readonly Markdown[], separator: Markdown): Markdown {
  return new MarkdownText(parts.map((p) => p.text).join(separator.text));
}

/**
 * A link the bot built (e.g. to a Teams message), shown as a bare URL that Teams makes clickable. Only a
 * URL of inert characters passes as it is; anything else is escaped like any value.
 */
const INERT_URL = /^https:\/\/[A-Za-z0-9.-]+(?:\/[A-Za-z0-9%./-]*)?$/;
export function bareUrl(url: string): Markdown {
  return new MarkdownText(INERT_URL.test(url) ? url : escapeMarkdown(url));
}
