import { msg } from './markdown';

/** Answers in the chat that are about the bot itself, not about a request. */

/** The store refused a write (a read-only or full disk, storage refusing the bot): nothing was done. */
export const STORE_UNAVAILABLE = msg`Sorry, the bot cannot save anything right now, so it did nothing. Try again in a few minutes; if it keeps happening, tell whoever runs the bot (its log and /healthz say why).`;

export const NOT_UNDERSTOOD = msg`Sorry, I didn't understand that. Here is what I can do:`;

/** A failure the bot cannot explain better: the log has the reason. */
export const SOMETHING_WRONG = msg`Sorry, something went wrong on my side. Nothing was changed.`;
