/** The free-text reason at the end of signout and unblock. */

import { FLAG_PREFIX, FLAG_SHAPE } from './classifier';
import { refuse, type Refusal } from './grammar';
import { MAX_REASON_LENGTH } from './limits';
import { show } from './text';

/**
 * The reason text from `start`; `explicit` when a separator (`--`, `:`, `reason:`) introduced it, which
 * makes it literal. Otherwise a flag-shaped word in it is a mistake worth pointing out: one of the verb's
 * `knownFlags` was put after the reason, any other is an option the verb does not have.
 */
export function readReason(
  args: string,
  start: number,
  explicit: boolean,
  knownFlags: readonly string[] = [],
): string | Refusal {
  let reason = args.slice(start).replace(/^[ ,;]+/, '');
  if (explicit) reason = reason.replace(/^(?:reason *:|--|[-:|\u2013\u2014\u2015]) */i, '');
  reason = reason.trim();
  if (!explicit) {
    const flag = reason.split(' ').find((w) => FLAG_SHAPE.test(w));
    if (flag) {
      const name = flag.replace(FLAG_PREFIX, '').toLowerCase();
      return refuse(
        knownFlags.includes(name)
          ? `Put ${show(`--${name}`)} before the reason; I found it inside the reason. ` +
              '(If the reason really contains it, start the reason with --.)'
          : `I don't know the option ${show(flag)}.`,
      );
    }
  }
  if (reason.length > MAX_REASON_LENGTH) {
    return refuse(
      `The reason is ${reason.length} characters long; keep it to ${MAX_REASON_LENGTH} or fewer.`,
    );
  }
  return reason;
}
