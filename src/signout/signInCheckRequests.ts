import { jobFollowUpText } from '../domain/jobSignInsText';
import { paragraphs, plain } from '../domain/markdown';
import { isMultiTarget } from '../domain/requestSize';
import type { LocalZone } from '../domain/timeFormat';
import { actionOf, type SignoutRequest } from '../domain/types';
import type { Logger } from '../log';
import type { RequestStore } from '../store/requestStore';
import type { ActivityInfo } from './activityInfo';
import { loadClicked, type ClickAnswer } from './clickedRequest';
import type { SignInChecker } from './signInChecker';
import type { TeamsPort } from './teamsPort';

const NOTHING_TO_CHECK = plain('Nobody was signed out by this request, so there are no sign-ins to check.');
const CHECKING = plain('Reading the sign-in logs: the answer comes in this thread in a moment.');

/**
 * "Check sign-ins" on an outcome card: answers the click at once (Teams wants an answer within about
 * 5 s) and posts what the logs show in the request's thread when Graph has answered.
 */
export class SignInCheckRequests {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly d: {
      store: RequestStore;
      checker: Pick<SignInChecker, 'user' | 'job'>;
      port: TeamsPort;
      log: Logger;
    },
  ) {}

  async check(info: ActivityInfo, requestId: string): Promise<ClickAnswer> {
    const loaded = await loadClicked(this.d, requestId, info);
    if ('message' in loaded) return loaded;
    const req = loaded.req;
    if (actionOf(req) !== 'signout' || !req.outcomes.some((o) => o.kind === 'revoked' && o.validFrom)) {
      return { message: NOTHING_TO_CHECK };
    }
    const work = this.post(req, info.zone)
      .catch((err: unknown) =>
        this.d.log.error({ requestId, err: (err as Error).message }, 'sign-in check failed'),
      )
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    return { message: CHECKING };
  }

  /** Waits for checks still running (shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async post(req: SignoutRequest, zone: LocalZone | undefined): Promise<void> {
    const revoked = req.outcomes.filter((o) => o.kind === 'revoked' && o.validFrom);
    if (!isMultiTarget(req)) {
      const user = req.targets.find((t) => t.id === revoked[0].userId);
      if (!user) return;
      const checked = await this.d.checker.user(user, new Date(revoked[0].validFrom!), {
        zone,
        requestId: req.id,
      });
      if ('problem' in checked) return this.d.port.postInThread(req, paragraphs(checked.problem));
      return this.d.port.postCardInThread(req, checked.card);
    }
    const checked = await this.d.checker.job(revoked.map((o) => ({ id: o.userId, validFrom: o.validFrom! })));
    if ('problem' in checked) return this.d.port.postInThread(req, paragraphs(checked.problem));
    await this.d.port.postInThread(
      req,
      jobFollowUpText(checked, req.targets, { heading: 'Sign-ins since the sign-out', zone }),
    );
  }
}
