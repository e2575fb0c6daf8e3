import { renderVerifyCard } from '../cards/verify';
import type { GraphFailure } from '../domain/graphErrors';
import { summarizeJobSignIns, type JobSignInSummary } from '../domain/jobSignIns';
import { explainSignInLogFailure, missingRefreshesText } from '../domain/signInLogErrors';
import type { LocalZone } from '../domain/timeFormat';
import type { DirectoryUser } from '../domain/types';
import { BASELINE_DAYS } from '../domain/unusualPlaces';
import { buildVerifyReport, type VerifyReport } from '../domain/verifyReport';
import { GraphCallError, type GraphApi } from '../graph/client';
import {
  readTenantSignIns,
  readTenantUsualSignIns,
  readUserSignIns,
  readUsualSignIns,
} from '../graph/signInLogs';
import type { Logger } from '../log';

const DAY_MS = 86_400_000;

/** A check the logs answered, or why they could not (plain words with Graph's reference). */
export type Checked<T> = T | { problem: string };

/**
 * Reads the sign-in logs for `verify`, "Check sign-ins" and the follow-ups: what happened since a
 * sign-out, compared with the week before.
 */
export class SignInChecker {
  constructor(private readonly d: { graph: GraphApi; log: Logger; now: () => Date }) {}

  /** One user since `since`: the report and its card. */
  async user(
    user: DirectoryUser,
    since: Date,
    o: { zone?: LocalZone; heading?: string; requestId?: string } = {},
  ): Promise<Checked<{ report: VerifyReport; card: object }>> {
    try {
      const baseline = readUsualSignIns(this.d.graph, user.id, {
        from: new Date(since.getTime() - BASELINE_DAYS * DAY_MS),
        to: since,
      }).catch((err: unknown) => this.unread(err, 'the week before'));
      const read = await readUserSignIns(this.d.graph, user.id, { from: since });
      const before = await baseline;
      if (read.nonInteractiveFailure) this.unread(read.nonInteractiveFailure, 'token refreshes (beta)');
      const report = buildVerifyReport({
        since: since.toISOString(),
        entries: read.entries,
        nonInteractiveMissing: !!read.nonInteractiveFailure,
        before,
      });
      const card = renderVerifyCard(user, report, {
        zone: o.zone,
        heading: o.heading,
        requestId: o.requestId,
        missingRefreshes: read.nonInteractiveFailure
          ? missingRefreshesText(failureOf(read.nonInteractiveFailure))
          : undefined,
      });
      return { report, card };
    } catch (err) {
      return { problem: this.explain(err) };
    }
  }

  /**
   * A multi-target job's users, from one paged read of the tenant's logs since the first valid-from (never one
   * query per user), compared with everyone's successful sign-ins of the week before.
   */
  async job(users: readonly { id: string; validFrom: string }[]): Promise<Checked<JobSignInSummary>> {
    const from = new Date(users.reduce((min, u) => Math.min(min, Date.parse(u.validFrom)), Infinity));
    try {
      const baseline = readTenantUsualSignIns(this.d.graph, {
        from: new Date(from.getTime() - BASELINE_DAYS * DAY_MS),
        to: from,
      }).catch((err: unknown) => this.unread(err, 'the week before'));
      const read = await readTenantSignIns(this.d.graph, { from });
      const before = await baseline;
      if (read.nonInteractiveFailure) this.unread(read.nonInteractiveFailure, 'token refreshes (beta)');
      return summarizeJobSignIns({
        users,
        entries: read.entries,
        before,
        nonInteractiveMissing: !!read.nonInteractiveFailure,
      });
    } catch (err) {
      return { problem: this.explain(err) };
    }
  }

  private unread(err: unknown, what: string): undefined {
    const f = err instanceof GraphCallError ? failureOf(err) : undefined;
    this.d.log.warn(
      { what, code: f?.code, status: f?.status, requestId: f?.requestId },
      'sign-in log not read',
    );
    return undefined;
  }

  private explain(err: unknown): string {
    if (!(err instanceof GraphCallError)) throw err;
    const f = failureOf(err);
    this.d.log.warn({ code: f.code, status: f.status, requestId: f.requestId }, 'sign-in logs not read');
    return explainSignInLogFailure(f);
  }
}

function failureOf(e: GraphCallError): GraphFailure {
  return { status: e.status, code: e.code, message: e.message, requestId: e.requestId };
}
