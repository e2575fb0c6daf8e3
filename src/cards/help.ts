import helpTemplate from './help.json';
import { renderTemplate } from './template';

/** What the bot does, its commands, who may use it, and (when `authorized` is false) that the reader may not. */
export function renderHelpCard(o: { authorized: boolean; whoMayUse: string }): object {
  return renderTemplate(helpTemplate, { whoMayUse: o.whoMayUse, notAuthorized: !o.authorized });
}
