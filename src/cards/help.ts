import helpTemplate from './help.json';
import { renderTemplate } from './template';

/**
 * The help card depends only on the configuration (who may use the bot) and on whether the reader is an
 * admin: two cards in practice, so each is rendered once and then shared, frozen so that no sender can
 * change it for the next. Expanding the template for every `help` cost more than the rest of the turn.
 */
const rendered = new Map<string, object>();
/** Only tests pass other texts than the configuration's; a full map starts again. */
const MAX_RENDERED = 8;

/** What the bot does, its commands, who may use it, and (when `authorized` is false) that the reader may not. */
export function renderHelpCard(o: { authorized: boolean; whoMayUse: string }): object {
  const key = `${o.authorized}\n${o.whoMayUse}`;
  let card = rendered.get(key);
  if (!card) {
    card = deepFreeze(renderTemplate(helpTemplate, { whoMayUse: o.whoMayUse, notAuthorized: !o.authorized }));
    if (rendered.size >= MAX_RENDERED) rendered.clear();
    rendered.set(key, card);
  }
  return card;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
