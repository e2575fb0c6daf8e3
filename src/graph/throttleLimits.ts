/**
 * Microsoft Entra (identity and access) throttling model, shared by the bulk scheduler, which paces
 * itself against it, and the Graph stand-in, which enforces it.
 *
 * Graph meters a token bucket of resource units (RU) per app and tenant, refilled over 10 s, whose size
 * depends on the tenant's user count, plus a separate budget of write requests per 150 s.
 * Request costs are modelled on the published table: reading one user costs 2 RU, 1 with $select;
 * list and search queries cost 2; a write (POST/PATCH/DELETE) costs 1 RU and one write.
 */

export interface ThrottleLimits {
  /** resource units per `ruWindowMs` */
  resourceUnits: number;
  ruWindowMs: number;
  /** write requests per `writeWindowMs` */
  writes: number;
  writeWindowMs: number;
}

export function limitsForTenantSize(userCount: number): ThrottleLimits {
  const resourceUnits = userCount < 50 ? 3500 : userCount <= 500 ? 5000 : 8000;
  return { resourceUnits, ruWindowMs: 10_000, writes: 3000, writeWindowMs: 150_000 };
}

/** Same limits with time compressed by `factor` (windows shortened), so benchmarks fit in minutes. */
export function compressLimits(limits: ThrottleLimits, factor: number): ThrottleLimits {
  return { ...limits, ruWindowMs: limits.ruWindowMs / factor, writeWindowMs: limits.writeWindowMs / factor };
}

export interface RequestCost {
  resourceUnits: number;
  writes: number;
}

/** Read-only POST actions that Graph does not count as writes. */
const READ_ACTIONS = /\/(checkMemberGroups|getMemberGroups|checkMemberObjects|getMemberObjects)$/i;

export function requestCost(method: string, url: string): RequestCost {
  const m = method.toUpperCase();
  const path = url.split('?')[0];
  if (m !== 'GET' && !READ_ACTIONS.test(path)) return { resourceUnits: 1, writes: 1 };
  if (m !== 'GET') return { resourceUnits: 1, writes: 0 };
  const single = /\/users\/[^/]+$/i.test(path);
  const hasSelect = /[?&]\$select=/i.test(url);
  return { resourceUnits: single && hasSelect ? 1 : 2, writes: 0 };
}

/**
 * The most users per second that limits allow, when each user costs one revoke (a write) and one
 * read of the user with $select.
 */
export function usersPerSecondCeiling(limits: ThrottleLimits): number {
  const revoke = requestCost('POST', '/users/x/revokeSignInSessions');
  const read = requestCost('GET', '/users/x?$select=signInSessionsValidFromDateTime');
  const ruPerUser = revoke.resourceUnits + read.resourceUnits;
  const byRu = limits.resourceUnits / ruPerUser / (limits.ruWindowMs / 1000);
  const byWrites = limits.writes / (limits.writeWindowMs / 1000);
  return Math.min(byRu, byWrites);
}
