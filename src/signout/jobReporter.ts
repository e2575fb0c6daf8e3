import type { CsvLink } from '../cards/cardOptions';
import { approvalNotice, endedNotice } from '../domain/noticeMessages';
import { joinMarkdown, msg, plain } from '../domain/markdown';
import { multiTargetSummary, outcomeLines } from '../domain/outcomeMessages';
import { requestOutEverywhereByText } from '../domain/outEverywhereByText';
import { isMultiTarget } from '../domain/requestSize';
import { scheduleNotRun, scheduleNotRunNotice, withLateStart } from '../domain/scheduleMessages';
import { zoneFromString } from '../domain/storedZone';
import type { SignoutRequest } from '../domain/types';
import type { JobReports } from './jobEnd';
import { cardFor } from '../cards/cardFor';
import type { ProactiveOrigin, TeamsPort } from './teamsPort';

/**
 * Tells Teams how a request goes once the job runner has it: the progress card of a multi-target job, and the
 * end of every request (its card for everyone, for a job its lines in the thread, the security channel).
 * Its audit lines are already written (JobEnd); after a crash a report may be made again, so a post may
 * come twice but is never lost.
 */
export class JobReporter implements JobReports {
  constructor(
    private readonly d: {
      port: TeamsPort;
      /** a link to the CSV of a request's outcomes, and when it expires */
      csvLink: (requestId: string) => CsvLink;
      /** SCHEDULE_GRACE_MINUTES, named when a scheduled sign-out was missed */
      scheduleGraceMinutes?: number;
      now: () => Date;
    },
  ) {}

  /** Progress of a multi-target job: the card, updated in place. */
  async progress(req: SignoutRequest): Promise<void> {
    await this.d.port.replaceCard(
      req,
      cardFor(req, { zone: zoneFromString(req.confirmerTimeZone), now: this.d.now() }),
    );
  }

  async finished(req: SignoutRequest): Promise<void> {
    if (!req.startedAt) return this.endedUnstarted(req);
    const zone = zoneFromString(req.confirmerTimeZone);
    const multi = isMultiTarget(req);
    await this.d.port.replaceCard(
      req,
      cardFor(req, { zone, csv: multi ? this.d.csvLink(req.id) : undefined, now: this.d.now() }),
    );
    // a scheduled job that started late says so first
    const lines = multi ? multiTargetSummary(req) : outcomeLines(req, zone);
    const outBy = requestOutEverywhereByText(req, zone);
    await this.d.port.postInThread(
      req,
      withLateStart(req, outBy ? joinMarkdown([lines, plain(outBy)], msg`\n\n`) : lines),
    );
    await this.d.port.notifySecurity(
      withLateStart(req, endedNotice(req, req.thread, zone)),
      originOfRequest(req),
    );
  }

  /** A request that ended before it ran: cancelled, expired or rejected. */
  private async endedUnstarted(req: SignoutRequest): Promise<void> {
    await this.d.port.replaceCard(req, cardFor(req, { now: this.d.now() }));
    const origin = originOfRequest(req);
    const notRun = scheduleNotRun(req, this.d.scheduleGraceMinutes);
    if (notRun) {
      // a schedule that did not run: an admin has to decide what to do instead, in the thread too
      await this.d.port.postInThread(req, notRun);
      await this.d.port.notifySecurity(scheduleNotRunNotice(req, this.d.scheduleGraceMinutes)!, origin);
      return;
    }
    if (req.status === 'rejected' && req.rejectedBy) {
      await this.d.port.notifySecurity(approvalNotice(req, 'rejected', req.rejectedBy, req.thread), origin);
    } else if (!req.choices) {
      // a choice card was never announced: its end is not either
      await this.d.port.notifySecurity(endedNotice(req, req.thread), origin);
    }
  }
}

/** The parts of botbuilder's ConversationReference, as stored with a request, that the services read. */
export interface StoredReference {
  serviceUrl?: string;
  bot?: { id?: string; name?: string };
  conversation?: { id?: string };
}

/** Where to post about a request from when no activity is at hand: the serviceUrl it was asked through. */
export function originOfRequest(req: Pick<SignoutRequest, 'conversation'>): ProactiveOrigin | undefined {
  const ref = req.conversation.reference as StoredReference;
  if (!ref.serviceUrl || !ref.bot?.id) return undefined;
  return { serviceUrl: ref.serviceUrl, bot: { id: ref.bot.id, name: ref.bot.name } };
}
