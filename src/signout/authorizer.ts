import { BoundedCache } from '../domain/boundedCache';
import { credentialProblem, type GraphFailure } from '../domain/graphErrors';
import { isListedAdmin, isPolicyConfigured, type AdminPolicy } from '../domain/policy';
import type { Directory } from '../graph/directory';
import type { Logger } from '../log';

export type AuthorizationResult =
  | { allowed: true; via: 'list' | 'group' }
  | { allowed: false; why: 'unconfigured' | 'notAdmin' | 'unknownCaller' }
  | { allowed: false; why: 'checkFailed'; failure: GraphFailure };

const CACHE_MS = 60_000;
/** Callers whose answer is remembered at once; beyond it the oldest are asked again. */
export const MAX_CACHED_CALLERS = 10_000;

/**
 * Decides whether a caller may use the bot: listed in ADMIN_USER_IDS, or a transitive member of
 * ADMIN_GROUP_ID. Group answers are cached for a minute at most, so a removed admin loses access fast.
 * Any doubt (no policy, no caller id, Graph failing) means no.
 */
export class Authorizer {
  private readonly cache: BoundedCache<boolean>;

  constructor(
    private readonly policy: AdminPolicy,
    private readonly directory: Directory,
    private readonly log: Logger,
    now: () => number = Date.now,
  ) {
    this.cache = new BoundedCache(CACHE_MS, MAX_CACHED_CALLERS, now);
  }

  async check(callerId: string | undefined): Promise<AuthorizationResult> {
    if (!isPolicyConfigured(this.policy)) return { allowed: false, why: 'unconfigured' };
    if (!callerId) return { allowed: false, why: 'unknownCaller' };
    if (isListedAdmin(this.policy, callerId)) return { allowed: true, via: 'list' };
    const groupId = this.policy.adminGroupId;
    if (!groupId) return { allowed: false, why: 'notAdmin' };
    const cached = this.cache.get(callerId);
    if (cached !== undefined) {
      return cached ? { allowed: true, via: 'group' } : { allowed: false, why: 'notAdmin' };
    }
    try {
      const member = await this.directory.isMemberOf(callerId, groupId);
      this.cache.set(callerId, member);
      return member ? { allowed: true, via: 'group' } : { allowed: false, why: 'notAdmin' };
    } catch (err) {
      const e = err as Partial<GraphFailure>;
      const failure = {
        status: e.status ?? 0,
        code: e.code ?? 'Unknown',
        message: e.message,
        requestId: e.requestId,
      };
      // the caller is told only that the check failed; what to fix goes to the log
      const credential = failure.code === 'AuthenticationFailed' || failure.status === 401;
      this.log.warn(
        {
          callerId,
          status: failure.status,
          code: failure.code,
          graphRequestId: failure.requestId,
          ...(credential ? { fix: credentialProblem(failure) } : {}),
        },
        'admin group check failed; refusing',
      );
      return { allowed: false, why: 'checkFailed', failure };
    }
  }
}
