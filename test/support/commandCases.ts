import { USAGE } from '../../src/commands/verbs';
import { type Command, type TargetSpec, type UserRef } from '../../src/domain/command';

/** Builders for the Commands the parser's tests expect, and the check of an `invalid` answer. */

export const upn = (value: string): UserRef => ({ kind: 'upn', value });
export const oid = (value: string): UserRef => ({ kind: 'objectId', value });
export const name = (value: string): UserRef => ({ kind: 'name', value });
export const users = (...refs: UserRef[]): TargetSpec => ({ kind: 'users', refs });
export const signout = (target: TargetSpec, reason = '', block = false, self = false): Command => ({
  kind: 'signout',
  target,
  reason,
  block,
  self,
});

export const GUID = '5a1c2e7f-9b3d-4086-a2c4-e6f8aabbccdd';
export const CONTROL = /[\p{Cc}\p{Cf}\p{Cs}]/u;

/** `cmd` is `invalid` for `verb`, its problem matches, and it ends with the verb's usage line. */
export function expectInvalid(cmd: Command, verb: string, problem: RegExp) {
  expect(cmd).toMatchObject({ kind: 'invalid', verb });
  if (cmd.kind !== 'invalid') return;
  expect(cmd.problem).toMatch(problem);
  if (verb in USAGE) expect(cmd.problem.endsWith(USAGE[verb as keyof typeof USAGE])).toBe(true);
}
