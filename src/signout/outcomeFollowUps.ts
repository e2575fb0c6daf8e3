import { actionOf, type SignoutRequest } from '../domain/types';
import type { TokenLifetimeSource } from '../graph/tokenLifetime';
import type { RequestStore } from '../store/requestStore';
import type { FollowUpService } from './followUpService';
import type { JobReports } from './jobEnd';

/**
 * Before a sign-out's end is reported: stores the tenant's access-token lifetime with the request (so its
 * card and thread say "out everywhere by") and its follow-ups. Both are idempotent, so a report made
 * again after a crash changes nothing.
 */
export class OutcomeFollowUps implements JobReports {
  constructor(
    private readonly inner: JobReports,
    private readonly d: {
      store: Pick<RequestStore, 'patch'>;
      lifetime: TokenLifetimeSource;
      followUps: Pick<FollowUpService, 'schedule'>;
    },
  ) {}

  progress(req: SignoutRequest): Promise<void> {
    return this.inner.progress(req);
  }

  async finished(req: SignoutRequest): Promise<void> {
    let current = req;
    if (req.startedAt && actionOf(req) === 'signout' && req.outcomes.some((o) => o.kind === 'revoked')) {
      if (!req.tokenLifetime) {
        const tokenLifetime = await this.d.lifetime.lifetime();
        const patched = await this.d.store.patch(req.id, (cur) =>
          cur.tokenLifetime ? undefined : { tokenLifetime },
        );
        current = patched.request ?? { ...req, tokenLifetime };
      }
      await this.d.followUps.schedule(current);
    }
    await this.inner.finished(current);
  }
}
