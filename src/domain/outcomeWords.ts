import type { TargetOutcomeKind } from './types';

/** What one target's outcome is called, on its own line: the result card's row, history's one-user line. */
export const OUTCOME_WORDS: Readonly<Record<TargetOutcomeKind, string>> = {
  revoked: 'Signed out',
  guestSkipped: 'Guest: nothing changed in this organization',
  notFound: 'Not found in the directory',
  denied: 'Not allowed',
  failed: 'Failed',
  unblocked: 'Sign-in allowed again',
};
