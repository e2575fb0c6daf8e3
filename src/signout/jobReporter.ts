import type { CsvLink } from '../cards/cardOptions';
import { bulkSummary, outcomeLines } from '../domain/outcomeMessages';
import { zoneFromString } from '../domain/storedZone';
import type { SignoutRequest } from '../domain/types';
import type { JobReports } from './jobEnd';
import { cardFor } from '../cards/cardFor';
import type { RequestNotices } from './requestNotices';
import type { ProactiveOrigin, TeamsPort } from './teamsPort';

/**
 * Tells Teams how a request goes once the job runner has it: the progress card of a bulk job, and the
 * end of every request (its card for everyone, for a job its lines in the thread, its notice in the
 * security channel). Its audit lines are already written (JobEnd); after a crash a report may be made
 * again, so a thread post may come twice but is never lost; the notice is updated, not posted again.
 */
export class JobReporter implements JobReports {
  constructor(
    private readonly d: {
      port: TeamsPort;
      /** the request's notice card in the security channel */
      notices: Pick<RequestNotices, 'show'>;
      /** a link to the CSV of a request's outcomes, and when it expires */
      csvLink: (requestId: string) => CsvLink;
      now?: () => Date;
    },
  ) {}

  /**
   * Progress of a bulk job: the card, updated in place, and the notice, drawn from the last checkpoint
   * (it moves once per whole percent; see noticeStateOf).
   */
  async progress(req: SignoutRequest): Promise<void> {
    // one does not wait for the other: a card update that hangs must not hold up the notice
    await Promise.all([
      this.d.port.replaceCard(
        req,
        cardFor(req, { zone: zoneFromString(req.confirmerTimeZone), now: this.now() }),
      ),
      this.d.notices.show(req.id),
    ]);
  }

  async finished(req: SignoutRequest): Promise<void> {
    if (!req.startedAt) return this.endedUnstarted(req);
    const zone = zoneFromString(req.confirmerTimeZone);
    const bulk = req.targets.length > 1;
    const inThread = async () => {
      await this.d.port.replaceCard(
        req,
        cardFor(req, { zone, csv: bulk ? this.d.csvLink(req.id) : undefined, now: this.now() }),
      );
      await this.d.port.postInThread(req, bulk ? bulkSummary(req) : outcomeLines(req, zone));
    };
    await Promise.all([inThread(), this.d.notices.show(req.id)]);
  }

  /** A request that ended before it ran: cancelled, expired or rejected. */
  private async endedUnstarted(req: SignoutRequest): Promise<void> {
    // a choice card was never announced, so it has no notice (see noticeStateOf)
    await Promise.all([
      this.d.port.replaceCard(req, cardFor(req, { now: this.now() })),
      this.d.notices.show(req.id),
    ]);
  }

  private now(): Date {
    return this.d.now?.() ?? new Date();
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
