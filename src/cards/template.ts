import { Template } from 'adaptivecards-templating';

/*
 * Cards are Adaptive Card 1.5 templates bound to display-ready data: every string is computed in the
 * card's module, the template only places it. User-controlled text (names, UPNs, reasons, Graph
 * messages) is bound into TextRun elements, which Adaptive Cards never read as markdown, so `**`,
 * `[link](…)` or the `_` and `#` of a guest UPN show literally; data binding never evaluates `${…}` inside
 * bound values. FactSets, whose values Teams reads as markdown, only ever carry numbers and times
 * computed by the bot.
 */

const templates = new WeakMap<object, Template>();

/** Expands an Adaptive Card template with `data` as `$root`. Every field a template uses must be defined. */
export function renderTemplate(template: object, data: object): object {
  let t = templates.get(template);
  if (!t) {
    t = new Template(template);
    templates.set(template, t);
  }
  return t.expand({ $root: data }) as object;
}
