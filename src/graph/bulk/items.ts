/**
 * The JSON $batch items a bulk sign-out sends, and what it reads from their answers. Every batch is
 * fully parallel (no dependsOn): Graph accepts a batch only if it is fully sequential or fully parallel.
 */

/** Graph's limit of requests in one $batch. */
export const MAX_BATCH_ITEMS = 20;

export interface BatchItem {
  id: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  dependsOn?: string[];
}

export interface BatchItemResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body?: any;
}

const SELECT = 'signInSessionsValidFromDateTime,userType';

function userPath(userId: string): string {
  return `/users/${encodeURIComponent(userId)}`;
}

/** Disables the user's sign-in (`signout --block`). */
export function blockItem(userId: string, itemId: string): BatchItem {
  return {
    id: itemId,
    method: 'PATCH',
    url: userPath(userId),
    body: { accountEnabled: false },
    headers: { 'Content-Type': 'application/json' },
  };
}

/** A POST inside $batch needs a body and a Content-Type, even for an action that takes none. */
export function revokeItem(userId: string, itemId: string): BatchItem {
  return {
    id: itemId,
    method: 'POST',
    url: `${userPath(userId)}/revokeSignInSessions`,
    body: {},
    headers: { 'Content-Type': 'application/json' },
  };
}

/** Reads what shows whether a revoke took effect, and whether the user is a guest. */
export function readItem(userId: string, itemId: string): BatchItem {
  return { id: itemId, method: 'GET', url: `${userPath(userId)}?$select=${SELECT}` };
}

interface ReadBackBody {
  signInSessionsValidFromDateTime?: string | null;
  userType?: string | null;
}

/** The 2xx answer to a readItem. */
export function readBack(r: BatchItemResponse): { validFrom?: string; guest: boolean } {
  const body = (r.body ?? {}) as ReadBackBody;
  return { validFrom: body.signInSessionsValidFromDateTime ?? undefined, guest: body.userType === 'Guest' };
}

/** A response header, by case-insensitive name. */
export function headerOf(r: BatchItemResponse, name: string): string | undefined {
  if (!r.headers) return undefined;
  const wanted = name.toLowerCase();
  const key = Object.keys(r.headers).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : String(r.headers[key]);
}

/** Graph's request-id: from the header, else from an error body's innerError. */
export function requestIdOf(r: BatchItemResponse): string | undefined {
  const inner = r.body?.error?.innerError ?? r.body?.error?.innererror;
  return headerOf(r, 'request-id') ?? inner?.['request-id'] ?? undefined;
}
