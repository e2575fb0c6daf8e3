import type { SinceSpec } from './since';

/** A command an admin typed, as the parser (src/commands/) reads it. */

export type TargetSpec =
  | { kind: 'users'; refs: UserRef[] }
  | { kind: 'group'; group: string }
  | { kind: 'search'; query: string }
  | { kind: 'all' };

export type UserRef =
  { kind: 'objectId'; value: string } | { kind: 'upn'; value: string } | { kind: 'name'; value: string };

/**
 * `verify WHO [since TIME]`: what the sign-in logs show since a sign-out. Without `since`, since the
 * user's current signInSessionsValidFromDateTime.
 */
export interface VerifyCommand {
  kind: 'verify';
  user: UserRef;
  since?: SinceSpec;
}

export type Command =
  | { kind: 'signout'; target: TargetSpec; reason: string; block: boolean; self: boolean }
  | { kind: 'unblock'; user: UserRef; reason: string }
  | { kind: 'status'; user: UserRef }
  | { kind: 'history'; user?: UserRef; count: number }
  | VerifyCommand
  | { kind: 'help' }
  | { kind: 'invalid'; verb: string; problem: string }
  | { kind: 'unknown' };
