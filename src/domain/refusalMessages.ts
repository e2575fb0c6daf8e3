import { msg, type Markdown } from './markdown';
import { threadText } from './noticeMessages';
import type { Person, ThreadLabel } from './types';

/** Answers to callers the bot refuses, and the security-channel notice of a refusal. */

export const REFUSED = msg`Sorry, you aren't allowed to use Sign-out Bot. It is limited to the IT and security admins your organization has named. If you need a sign-out, ask your security team.`;

/** No admin group or list: said to everyone without naming settings (the log and the help card say more). */
export const UNCONFIGURED = msg`Sorry, nobody can use Sign-out Bot yet: the bot has no admins configured, so it refuses every request. Ask whoever deployed it.`;

/** The admin check failed (Graph or the bot's credential): the reason is in the log, not told to callers. */
export const CHECK_FAILED = msg`Sorry, the bot cannot check who is an admin right now, so it won't act. Try again in a few minutes; if it keeps happening, tell whoever runs the bot (the reason is in its log).`;

export function refusedNotice(
  caller: Person | undefined,
  what: string,
  why: string,
  thread: ThreadLabel | string | undefined,
): Markdown {
  const who = caller ? msg`${caller.name} (${caller.id})` : msg`an unidentified caller`;
  return msg`Refused: ${who} tried to ${what} (${why}). In ${threadText(thread)}.`;
}
