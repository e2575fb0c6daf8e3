/**
 * Every target of a sign-out request and what happened to it, as CSV: the download behind a
 * multi-target job's result card. Pure. Same quoting and formula guard as the audit export (csvRecord).
 */

import { csvRecord, UTF8_BOM } from './auditCsv';
import type { DirectoryUser, SignoutRequest, TargetOutcome } from './types';

export const OUTCOMES_CSV_COLUMNS = [
  'userId',
  'displayName',
  'userPrincipalName',
  'userType',
  'privilegedRoles',
  'outcome',
  'validFrom',
  'graphCode',
  'graphRequestId',
  'message',
] as const;

/** Added once a multi-target job's follow-up read the sign-in logs (issue 12). */
export const SIGN_IN_CSV_COLUMNS = [
  'refusedOldSessions',
  'newSignInsSinceSignOut',
  'lastNewSignIn',
  'newSignInFromNewPlace',
] as const;

/**
 * One record per target, in the request's order, then any outcome whose user is not among the targets
 * (which should not happen, but must not vanish). A target without an outcome is `pending` while the job
 * has not ended and `notSignedOut` once it ended (cancelled, failed). Roles are joined by `;`.
 */
export function outcomesToCsv(req: SignoutRequest, o: { bom?: boolean } = {}): string {
  const outcomes = new Map(req.outcomes.map((x) => [x.userId, x]));
  const known = new Set(req.targets.map((t) => t.id));
  const missing = ['pending', 'approved', 'running'].includes(req.status) ? 'pending' : 'notSignedOut';
  const checks = req.signInCheck && new Map(req.signInCheck.users.map((u) => [u.userId, u]));
  const signIns = (userId: string) => {
    if (!checks) return [];
    const c = checks.get(userId);
    return [c?.refused, c?.newSignIns, c?.lastNewSignInAt, c?.newPlace];
  };
  const row = (user: DirectoryUser | undefined, userId: string, x: TargetOutcome | undefined) =>
    csvRecord([
      userId,
      user?.displayName,
      user?.userPrincipalName,
      user?.userType,
      (user?.privilegedRoles ?? []).join(';'),
      x?.kind ?? missing,
      x?.validFrom,
      x?.code,
      x?.requestId,
      x?.message,
      ...signIns(userId),
    ]);
  const columns = checks ? [...OUTCOMES_CSV_COLUMNS, ...SIGN_IN_CSV_COLUMNS] : OUTCOMES_CSV_COLUMNS;
  let out = (o.bom ? UTF8_BOM : '') + csvRecord(columns);
  for (const t of req.targets) out += row(t, t.id, outcomes.get(t.id));
  for (const x of req.outcomes) if (!known.has(x.userId)) out += row(undefined, x.userId, x);
  return out;
}
