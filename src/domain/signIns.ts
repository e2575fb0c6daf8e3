/**
 * One entry of the Entra sign-in log, as the verify report needs it (read from Graph's signIn resource
 * by src/graph/signInLogs.ts). Every text field comes from the log and is user-controlled: an app name,
 * a device name or a city can be anything, so cards bind them into TextRuns and messages escape them.
 */
export interface SignInEntry {
  id: string;
  /** createdDateTime, ISO UTC */
  at: string;
  userId: string;
  userPrincipalName?: string;
  userDisplayName?: string;
  /** appDisplayName, else the appId, else 'Unknown app' */
  app: string;
  ipAddress?: string;
  city?: string;
  countryOrRegion?: string;
  device?: string;
  clientApp?: string;
  /** status.errorCode: 0 is a success */
  errorCode: number;
  failureReason?: string;
  /** false for the non-interactive log (token refreshes) */
  interactive: boolean;
  /** authenticationRequirement was multiFactorAuthentication; undefined when the log does not say */
  mfa?: boolean;
}

/**
 * Errors that mean an old session or refresh token was refused: the proof that a revocation bit.
 * 50173: the grant was revoked; 50133 and 50132: the session is invalid after a password change or a
 * revocation; 70008 and 70043: the refresh token expired or was revoked, or sign-in frequency ran out.
 */
export const OLD_SESSION_ERRORS: ReadonlySet<number> = new Set([50173, 50133, 50132, 70008, 70043]);

export type SignInKind = 'refusedOldSession' | 'newSession' | 'otherFailure';

export function kindOf(e: Pick<SignInEntry, 'errorCode'>): SignInKind {
  if (e.errorCode === 0) return 'newSession';
  return OLD_SESSION_ERRORS.has(e.errorCode) ? 'refusedOldSession' : 'otherFailure';
}

/** "Berlin, DE", "DE", or undefined when the log has no place. */
export function placeOf(e: Pick<SignInEntry, 'city' | 'countryOrRegion'>): string | undefined {
  const parts = [e.city, e.countryOrRegion].map((p) => p?.trim()).filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

/** Newest first, ties by id so the order never depends on how Graph paged. */
export function newestFirst<T extends Pick<SignInEntry, 'at' | 'id'>>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) =>
    a.at === b.at ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : Date.parse(b.at) - Date.parse(a.at),
  );
}
