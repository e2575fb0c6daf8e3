/**
 * A multi-target job's follow-up, from one read of the tenant's sign-in logs in the job's window: per signed-out
 * user, refused attempts with old sessions and new sign-ins after their own valid-from; the users who
 * signed in again from the most unusual places first. Pure.
 */

import { kindOf, placeOf, type SignInEntry } from './signIns';
import type { SignoutRequest } from './types';
import { knownPlaces, unusualness, unusualSignIns, type UnusualSignIn } from './unusualPlaces';

/** How many users with new sign-ins the follow-up names. */
export const JOB_TOP_USERS = 20;

export interface UserSignInCheck {
  userId: string;
  refused: number;
  newSignIns: number;
  lastNewSignInAt?: string;
  /** the most unusual of their new sign-ins; undefined when none is unusual or the week before is unknown */
  unusual?: UnusualSignIn;
}

export interface JobSignInSummary {
  /** refused attempts with old sessions, all users together */
  refused: number;
  usersRefused: number;
  usersWithNewSignIns: number;
  /** up to JOB_TOP_USERS users with new sign-ins, most unusual place first, then most sign-ins */
  top: UserSignInCheck[];
  /** every signed-out user, in the order given */
  users: UserSignInCheck[];
  newestEntryAt?: string;
  nonInteractiveMissing: boolean;
}

export function summarizeJobSignIns(input: {
  /** each signed-out user and the valid-from their revoke set */
  users: readonly { id: string; validFrom: string }[];
  /** the tenant's entries in the window (both logs) */
  entries: readonly SignInEntry[];
  /** successful interactive sign-ins of the week before; undefined when it could not be read */
  before?: readonly SignInEntry[];
  nonInteractiveMissing: boolean;
}): JobSignInSummary {
  const byUser = groupBy(input.entries);
  const beforeByUser = input.before ? groupBy(input.before) : undefined;
  const seen = new Set<string>();
  const users = input.users.map(({ id, validFrom }) => {
    const from = Date.parse(validFrom);
    const mine = (byUser.get(id.toLowerCase()) ?? []).filter((e) => {
      if (seen.has(e.id) || Date.parse(e.at) < from) return false;
      seen.add(e.id);
      return true;
    });
    const fresh = mine.filter((e) => kindOf(e) === 'newSession');
    const check: UserSignInCheck = {
      userId: id,
      refused: mine.filter((e) => kindOf(e) === 'refusedOldSession').length,
      newSignIns: fresh.length,
      lastNewSignInAt: fresh
        .map((e) => e.at)
        .sort()
        .at(-1),
    };
    if (beforeByUser) {
      // strictly before their sign-out: a sign-in at its very second is new, not usual
      const usual = (beforeByUser.get(id.toLowerCase()) ?? []).filter((e) => Date.parse(e.at) < from);
      check.unusual = unusualSignIns(fresh, knownPlaces(usual))[0];
    }
    return check;
  });
  const withNew = users.filter((u) => u.newSignIns > 0);
  const top = [...withNew]
    .sort(
      (a, b) =>
        (b.unusual ? unusualness(b.unusual) : 0) - (a.unusual ? unusualness(a.unusual) : 0) ||
        b.newSignIns - a.newSignIns,
    )
    .slice(0, JOB_TOP_USERS);
  const newest = input.entries
    .map((e) => e.at)
    .sort()
    .at(-1);
  return {
    refused: users.reduce((n, u) => n + u.refused, 0),
    usersRefused: users.filter((u) => u.refused > 0).length,
    usersWithNewSignIns: withNew.length,
    top,
    users,
    newestEntryAt: newest,
    nonInteractiveMissing: input.nonInteractiveMissing,
  };
}

function groupBy(entries: readonly SignInEntry[]): Map<string, SignInEntry[]> {
  const map = new Map<string, SignInEntry[]>();
  for (const e of entries) {
    const key = e.userId.toLowerCase();
    const list = map.get(key);
    if (list) list.push(e);
    else map.set(key, [e]);
  }
  return map;
}

/** What a job's request keeps of its follow-up, for its CSV. */
export function jobSignInCheck(s: JobSignInSummary, at: Date): NonNullable<SignoutRequest['signInCheck']> {
  return {
    at: at.toISOString(),
    users: s.users.map((u) => {
      const e = u.unusual?.entry;
      const place = e && placeOf(e);
      return {
        userId: u.userId,
        refused: u.refused,
        newSignIns: u.newSignIns,
        lastNewSignInAt: u.lastNewSignInAt,
        newPlace: e ? `${e.ipAddress ?? 'unknown address'}${place ? ` (${place})` : ''}` : undefined,
      };
    }),
  };
}
