import { followUpHeading, jobFollowUp, userFollowUps, type FollowUp } from '../domain/followUps';
import { jobSignInCheck } from '../domain/jobSignIns';
import { jobFollowUpText } from '../domain/jobSignInsText';
import { msg, paragraphs } from '../domain/markdown';
import { isMultiTarget } from '../domain/requestSize';
import { zoneFromString } from '../domain/storedZone';
import { actionOf, type SignoutRequest } from '../domain/types';
import { displayNameOf, principalNameOf } from '../domain/userNames';
import { verdictText } from '../domain/verifyReport';
import type { FollowUpStore } from '../store/followUpStore';
import type { RequestStore } from '../store/requestStore';
import type { Logger } from '../log';
import { originOfRequest } from './jobReporter';
import type { SignInChecker } from './signInChecker';
import type { TeamsPort } from './teamsPort';

export interface FollowUpDeps {
  followUps: FollowUpStore;
  store: Pick<RequestStore, 'get' | 'patch'>;
  checker: Pick<SignInChecker, 'user' | 'job'>;
  port: TeamsPort;
  /** FOLLOW_UP_MINUTES; empty: none */
  offsets: readonly number[];
  instance: string;
  /** a claim older than this is taken over (JOB_LEASE_SECONDS) */
  leaseMs: number;
  log: Logger;
  now: () => Date;
}

/**
 * Posts what the sign-in logs show at FOLLOW_UP_MINUTES after each sign-out, in the request's thread, and
 * to the security channel when someone signed in again. Follow-ups are stored when a sign-out ends, so
 * they survive restarts; each is claimed before it is posted, so with several instances one posts it.
 */
export class FollowUpService {
  private running?: Promise<void>;

  constructor(private readonly d: FollowUpDeps) {}

  /** Stores the follow-ups of a sign-out that ended (again after a crash: ids already stored stay). */
  async schedule(req: SignoutRequest): Promise<void> {
    if (this.d.offsets.length === 0 || actionOf(req) !== 'signout') return;
    const revoked = req.outcomes.filter((o) => o.kind === 'revoked' && o.validFrom);
    if (revoked.length === 0) return;
    const ups = !isMultiTarget(req)
      ? userFollowUps(req.id, revoked[0].userId, revoked[0].validFrom!, this.d.offsets)
      : [
          jobFollowUp(
            req.id,
            revoked.map((o) => o.validFrom!),
            this.d.offsets,
          ),
        ].filter((f): f is FollowUp => !!f);
    await this.d.followUps.add(ups);
  }

  /** Posts every follow-up that is due and that this instance claims; one run at a time. */
  postDue(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Waits for a run in flight (shutdown). */
  async settle(): Promise<void> {
    await this.running;
  }

  private async run(): Promise<void> {
    for (const f of await this.d.followUps.pending()) {
      const claimed = await this.d.followUps.claim(f.id, this.d.instance, this.d.now(), this.d.leaseMs);
      if (!claimed) continue;
      try {
        await this.post(claimed);
      } catch (err) {
        // posted at most partly: left claimed, so another run takes it over after the lease
        this.d.log.error({ followUp: f.id, err: (err as Error).message }, 'follow-up failed');
        continue;
      }
      await this.d.followUps.markPosted(f.id, this.d.instance, this.d.now());
    }
  }

  private async post(f: FollowUp): Promise<void> {
    const req = await this.d.store.get(f.requestId);
    if (!req) return;
    const zone = zoneFromString(req.confirmerTimeZone);
    const heading = followUpHeading(f.offsetMinutes);
    const origin = originOfRequest(req);
    if (f.userId) {
      const user = req.targets.find((t) => t.id === f.userId);
      if (!user) return;
      const checked = await this.d.checker.user(user, new Date(f.validFrom), {
        zone,
        heading,
        requestId: req.id,
      });
      if ('problem' in checked) {
        await this.d.port.postInThread(req, paragraphs(`${heading}: ${checked.problem}`));
        return;
      }
      await this.d.port.postCardInThread(req, checked.card);
      if (checked.report.newSignIns.length) {
        await this.d.port.notifySecurity(
          msg`${heading} of ${displayNameOf(user)} (${principalNameOf(user)}): ${verdictText(checked.report)}`,
          origin,
        );
      }
      return;
    }
    const users = req.outcomes
      .filter((o) => o.kind === 'revoked' && o.validFrom)
      .map((o) => ({ id: o.userId, validFrom: o.validFrom! }));
    const checked = await this.d.checker.job(users);
    if ('problem' in checked) {
      await this.d.port.postInThread(req, paragraphs(`${heading}: ${checked.problem}`));
      return;
    }
    await this.d.store.patch(req.id, () => ({ signInCheck: jobSignInCheck(checked, this.d.now()) }));
    const text = jobFollowUpText(checked, req.targets, { heading, zone });
    await this.d.port.postInThread(req, text);
    if (checked.usersWithNewSignIns) await this.d.port.notifySecurity(text, origin);
  }
}
