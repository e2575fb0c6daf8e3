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

/**
 * When a scheduled sign-out is to start, as typed (`at …`); src/domain/scheduleTime.ts resolves it
 * against the clock and the requester's time zone. `zone` is a canonical IANA name or 'UTC'; without
 * one, the requester's Teams time zone is meant.
 */
export type WhenSpec =
  | { kind: 'date'; year: number; month: number; day: number; hour: number; minute: number; zone?: string }
  | { kind: 'clock'; hour: number; minute: number; zone?: string }
  | { kind: 'relative'; minutes: number };

export type Command =
  | {
      kind: 'signout';
      target: TargetSpec;
      reason: string;
      block: boolean;
      self: boolean;
      /** `at <when>`: a scheduled sign-out */
      at?: WhenSpec;
    }
  | { kind: 'unblock'; user: UserRef; reason: string }
  | { kind: 'status'; user: UserRef }
  | { kind: 'history'; user?: UserRef; count: number }
  | VerifyCommand
  | { kind: 'schedule' }
  | { kind: 'help' }
  | { kind: 'invalid'; verb: string; problem: string }
  | { kind: 'unknown' };
