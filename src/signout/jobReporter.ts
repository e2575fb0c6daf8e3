import type { CsvLink } from '../cards/cardOptions';
import { joinMarkdown, msg, plain } from '../domain/markdown';
import { multiTargetSummary, outcomeLines } from '../domain/outcomeMessages';
import { requestOutEverywhereByText } from '../domain/outEverywhereByText';
import { isMultiTarget } from '../domain/requestSize';
import { scheduleNotRun, scheduleNotRunNotice, withLateStart } from '../domain/scheduleMessages';
import { zoneFromString } from '../domain/storedZone';
import type { SignoutRequest } from '../domain/types';
import type { JobReports } from './jobEnd';
import { cardFor } from '../cards/cardFor';
import type { RequestNotices } from './requestNotices';
import type { ProactiveOrigin, TeamsPort } from './teamsPort';

/**
 * Tells Teams how a request goes once the job runner has it: the progress card of a multi-target job,
 * and the end of every request (its card for everyone, for a job its lines in the thread, its notice in
 * the security channel). Its audit lines are already written (JobEnd); after a crash a report may be
 * made again, so a thread post may come twice but is never lost; the notice is updated, not posted again.
 */
export class JobReporter implements JobReports {
  constructor(
    private readonly d: {
      port: TeamsPort;
      /** the request's notice card in the security channel */
      notices: Pick<RequestNotices, 'show'>;
      /** a link to the CSV of a request's outcomes, and when it expires */
      csvLink: (requestId: string) => CsvLink;
      /** SCHEDULE_GRACE_MINUTES, named when a scheduled sign-out was missed */
      scheduleGraceMinutes?: number;
      now: () => Date;
    },
  ) {}

  /**
   * Progress of a multi-target job: the card, updated in place, and the notice, drawn from the last
   * checkpoint (it moves once per whole percent; see noticeStateOf).
   */
  async progress(req: SignoutRequest): Promise<void> {
    // one does not wait for the other: a card update that hangs must not hold up the notice
    await Promise.all([
      this.d.port.replaceCard(
        req,
        cardFor(req, { zone: zoneFromString(req.confirmerTimeZone), now: this.d.now() }),
      ),
      this.d.notices.show(req.id),
    ]);
  }

  async finished(req: SignoutRequest): Promise<void> {
    if (!req.startedAt) return this.endedUnstarted(req);
    const zone = zoneFromString(req.confirmerTimeZone);
    const multi = isMultiTarget(req);
    // a scheduled job that started late says so first
    const lines = multi ? multiTargetSummary(req) : outcomeLines(req, zone);
    const outBy = requestOutEverywhereByText(req, zone);
    const inThread = async () => {
      await this.d.port.replaceCard(
        req,
        cardFor(req, { zone, csv: multi ? this.d.csvLink(req.id) : undefined, now: this.d.now() }),
      );
      await this.d.port.postInThread(
        req,
        withLateStart(req, outBy ? joinMarkdown([lines, plain(outBy)], msg`\n\n`) : lines),
      );
    };
    await Promise.all([inThread(), this.d.notices.show(req.id)]);
  }

  /** A request that ended before it ran: cancelled, expired or rejected. */
  private async endedUnstarted(req: SignoutRequest): Promise<void> {
    // a choice card was never announced, so it has no notice (see noticeStateOf)
    await Promise.all([
      this.d.port.replaceCard(req, cardFor(req, { now: this.d.now() })),
      this.d.notices.show(req.id),
    ]);
    const notRun = scheduleNotRun(req, this.d.scheduleGraceMinutes);
    if (notRun) {
      // a schedule that did not run: an admin has to decide what to do instead, in the thread too
      await this.d.port.postInThread(req, notRun);
      await this.d.port.notifySecurity(
        scheduleNotRunNotice(req, this.d.scheduleGraceMinutes)!,
        originOfRequest(req),
      );
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
