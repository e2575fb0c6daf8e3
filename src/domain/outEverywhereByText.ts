import {
  CAE_REACTION_MINUTES,
  outEverywhereBy,
  type AccessTokenLifetime,
  type OutEverywhereBy,
} from './outEverywhereBy';
import { isMultiTarget } from './requestSize';
import { formatShortTime, type LocalZone } from './timeFormat';
import { actionOf, type SignoutRequest } from './types';

/** The apps Microsoft lists as acting on a revocation through Continuous Access Evaluation. */
export const CAE_APPS = 'Exchange Online, SharePoint Online, Teams, Microsoft Graph';

/** "30 minutes, the tenant's token lifetime policy", and the other two sources. */
export function lifetimeText(l: AccessTokenLifetime): string {
  const minutes = `${l.minutes} minutes`;
  switch (l.source) {
    case 'policy':
      return `${minutes}, set by the tenant's token lifetime policy`;
    case 'default':
      return `${minutes}, Microsoft's default (the tenant sets no token lifetime policy)`;
    case 'assumed':
      return `${minutes}: the bot assumed the default, as it could not read the tenant's token lifetime policy (Policy.Read.All)`;
  }
}

/**
 * "Out everywhere by 15:32 UTC (16:32 Europe/Berlin) at the latest: apps with Continuous Access
 * Evaluation (…) within about 15 minutes, by 14:17 UTC (…); other apps when the access tokens they
 * already hold expire (90 minutes, …)."
 */
export function outEverywhereByText(by: OutEverywhereBy, zone?: LocalZone): string {
  return `Out everywhere by ${formatShortTime(by.allAppsBy.toISOString(), zone)} at the latest: apps with Continuous Access Evaluation (${CAE_APPS}) within about ${CAE_REACTION_MINUTES} minutes, by ${formatShortTime(by.caeAppsBy.toISOString(), zone)}; other apps when the access tokens they already hold expire (${lifetimeText(by.lifetime)}).`;
}

/** The same for a multi-target job: one time for everyone, counted from the last valid-from. */
export function multiTargetOutEverywhereByText(by: OutEverywhereBy, zone?: LocalZone): string {
  return `Everyone signed out is out everywhere by ${formatShortTime(by.allAppsBy.toISOString(), zone)} at the latest (apps with Continuous Access Evaluation by ${formatShortTime(by.caeAppsBy.toISOString(), zone)}; access tokens: ${lifetimeText(by.lifetime)}).`;
}

/**
 * "Out everywhere by …" for a sign-out that ended, from the latest valid-from it set and the lifetime
 * stored with it; undefined before the lifetime was stored, for an unblock, or when nobody was revoked.
 */
export function requestOutEverywhereByText(req: SignoutRequest, zone?: LocalZone): string | undefined {
  if (!req.tokenLifetime || actionOf(req) !== 'signout') return undefined;
  const times = req.outcomes
    .filter((x) => x.kind === 'revoked' && x.validFrom)
    .map((x) => Date.parse(x.validFrom!))
    .filter(Number.isFinite);
  if (times.length === 0) return undefined;
  const by = outEverywhereBy(new Date(times.reduce((a, b) => Math.max(a, b))), req.tokenLifetime);
  return isMultiTarget(req) ? multiTargetOutEverywhereByText(by, zone) : outEverywhereByText(by, zone);
}
