import type { Person } from './types';

/**
 * What an admin can do from an alert card (a risky user's episode or a webhook alert), and the record of
 * each click that the card shows to everyone afterwards. Pure.
 */

export type AlertActionKind = 'signout' | 'block' | 'confirmCompromised' | 'dismiss';

export const ALERT_ACTION_WORDS: Record<AlertActionKind, string> = {
  signout: 'Sign out',
  block: 'Block and sign out',
  confirmCompromised: 'Confirm compromised',
  dismiss: 'Dismiss',
};

export interface AlertActionEntry {
  kind: AlertActionKind;
  by: Person;
  /** ISO, UTC */
  at: string;
  /** true when the action took effect (for sign-out and block: the request was created) */
  ok: boolean;
  /** the bot's words for the outcome, e.g. "Identity Protection now holds the user compromised" */
  outcome: string;
  /** dismiss: the admin's reason */
  reason?: string;
  /** sign-out and block: the request the click created */
  requestId?: string;
}

/** The longest dismissal reason kept, as for every other reason the bot stores. */
export const MAX_DISMISS_REASON = 500;
