/** How much the parser reads: the caps on a message, its targets, reason, values and history count. */

export const MAX_INPUT_LENGTH = 4000;
export const MAX_TARGETS = 1000;
export const MAX_REASON_LENGTH = 500;
/** Longest display name, group name or search text (Entra's displayName limit is 256). */
export const MAX_VALUE_LENGTH = 256;
/** Longest address (RFC 5321 path limit). */
export const MAX_ADDRESS_LENGTH = 254;
export const DEFAULT_HISTORY_COUNT = 10;
export const MAX_HISTORY_COUNT = 50;

/** The limits a grammar is given; they exist so tests can reach the target cap, which MAX_INPUT_LENGTH hides. */
export interface ParseLimits {
  maxTargets: number;
}

export const DEFAULT_LIMITS: Readonly<ParseLimits> = Object.freeze({ maxTargets: MAX_TARGETS });
