/**
 * What a person reads of a markdown text the bot posted, for tests that match words: CommonMark's
 * backslash escapes and the entities the bot uses are resolved. Written apart from src/domain/markdown.ts
 * on purpose, after CommonMark (any ASCII punctuation may be backslash-escaped), so the bot's escaper is
 * checked against a reader it did not write.
 */
export function shown(markdown: unknown): string {
  return String(markdown ?? '').replace(
    /\\([!-/:-@[-`{-~])|&(amp|lt|gt|quot|#\d+);/g,
    (_m, punct: string | undefined, entity: string | undefined) => {
      if (punct !== undefined) return punct;
      if (entity!.startsWith('#')) return String.fromCodePoint(Number(entity!.slice(1)));
      return { amp: '&', lt: '<', gt: '>', quot: '"' }[entity as 'amp' | 'lt' | 'gt' | 'quot'];
    },
  );
}

/**
 * Inline markup in a text the bot posted that a renderer would act on: a link or image (`[`, `](`,
 * `![`) or an HTML tag, mention or autolink (`<`). The bot's own wording has none, so any is injected.
 * A character is escaped when an odd number of backslashes precedes it.
 */
export function liveMarkup(markdown: string): string[] {
  const found: string[] = [];
  for (const m of markdown.matchAll(/\]\(|!\[|\[|</g)) {
    const backslashes = /\\*$/.exec(markdown.slice(0, m.index))![0].length;
    if (backslashes % 2 === 0) found.push(JSON.stringify(markdown.slice(m.index, m.index + 40)));
  }
  return found;
}
