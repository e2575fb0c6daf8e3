import { msg, type Markdown } from './markdown';
import { person } from './outcomeMessages';
import { threadText } from './noticeMessages';
import type { DirectoryUser, Person, ThreadLabel } from './types';

/** The words of `unblock`: nothing to unblock, not the bot's block, and its notice. */

/** The audit log's outcome of an unblock that found sign-in already allowed. */
export const NOT_BLOCKED_OUTCOME = 'Sign-in was not blocked; nothing changed';

export function notBlocked(user: DirectoryUser): Markdown {
  return msg`Sign-in is not blocked for ${person(user)}, so there was nothing to unblock and nothing changed.`;
}

export function unblockedNotice(
  by: Person,
  user: DirectoryUser,
  thread: ThreadLabel | string | undefined,
  changed = true,
): Markdown {
  return changed
    ? msg`Unblocked: ${by.name} allowed ${person(user)} to sign in again. In ${threadText(thread)}.`
    : msg`Unblock asked: ${by.name} asked to unblock ${person(user)}, whose sign-in was not blocked; nothing changed. In ${threadText(thread)}.`;
}

const ENTRA_HINT =
  "The bot only reverses blocks it made itself, so that it never re-enables an account someone disabled on purpose (a leaver, an account under investigation). If this account should sign in again, check why it was blocked and enable it in the Microsoft Entra admin center (the user's properties, Account enabled).";

/** `unblock` of a disabled account whose current block the bot's audit log does not show as its own. */
export function notBlockedByBot(user: DirectoryUser): Markdown {
  return msg`I won't unblock ${person(user)}, and I changed nothing: their sign-in is blocked, but not by this bot (its audit log has no block of theirs that is still in force). ${ENTRA_HINT}`;
}

/**
 * The same check when the unblock was confirmed: something changed since the request was made. Plain
 * words, kept as the outcome's message and escaped wherever it is shown.
 */
export function noLongerBlockedByBot(user: DirectoryUser): string {
  return `By the time this was confirmed, the bot's audit log no longer showed a block of ${person(user)} by the bot that is still in force (it was unblocked since this request was made), so nothing was changed. ${ENTRA_HINT}`;
}
