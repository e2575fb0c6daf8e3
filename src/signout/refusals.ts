import { renderRefusalTallyCard } from '../cards/refusalTally';
import { addRefusal, REFUSAL_HOUR_MS, refusalHourStart, refusedCaller } from '../domain/refusalTally';
import type { ThreadLabel } from '../domain/types';
import type { Logger } from '../log';
import type { AuditSink } from '../store/auditLog';
import { refusalTallyKey, type RefusalTallies } from '../store/refusalTallies';
import type { ActivityInfo } from './activityInfo';
import type { LiveCard, LiveCards } from './liveCards';
import type { ProactiveOrigin } from './teamsPort';

export interface Refusal {
  /** the message or click refused: its caller, tenant, conversation, and where to post from */
  info: ActivityInfo;
  /** what the caller tried, in words: "request a sign-out", "approve their own request" */
  what: string;
  /** why not: an authorization result ("notAdmin"), a guardrail's words, "two-person rule" */
  why: string;
  /** the request it was about, if any */
  requestId?: string;
  /** the thread named in the notice; default the activity's */
  thread?: ThreadLabel | string;
}

/**
 * The one way the bot records a refusal, whoever refuses (the guard, a guardrail, the two-person rule):
 * a log line, an audit line for every attempt, and the caller's card for the hour in the security
 * channel, posted at their first refusal and updated with each one after it (see refusalTally.ts). A
 * click's card goes out in the background: the click must be answered within about 5 s. Activities from
 * other tenants are counted apart (ForeignActivityRefusals).
 */
export class Refusals {
  private prunedAt = 0;

  constructor(
    private readonly d: {
      audit: Pick<AuditSink, 'append'>;
      tallies: RefusalTallies;
      cards: LiveCards;
      log: Logger;
      now?: () => Date;
    },
  ) {}

  async refuse(r: Refusal): Promise<void> {
    const { info } = r;
    this.d.log.warn(
      { caller: info.caller?.id, tenantId: info.tenantId, requestId: r.requestId, what: r.what, why: r.why },
      'refused',
    );
    await this.d.audit.append({
      event: 'refused',
      tenantId: info.tenantId,
      ...(r.requestId ? { requestId: r.requestId } : {}),
      actor: info.caller ?? {},
      detail: `${r.what}: ${r.why}`,
      conversationId: info.conversationId,
    });
    const now = this.now();
    const tenantId = info.tenantId ?? '';
    const caller = refusedCaller(info.caller, info.senderId);
    const key = refusalTallyKey(tenantId, caller.id, refusalHourStart(now));
    const attempt = { what: r.what, why: r.why, thread: r.thread ?? info.thread, requestId: r.requestId };
    try {
      await this.d.tallies.change(key, (cur) => addRefusal(cur, tenantId, caller, attempt, now));
    } catch (err) {
      // audited already; the card is what is lost
      this.d.log.error({ err: (err as Error).message }, 'refusal not counted on its card');
      return;
    }
    const card = this.card(key, info.origin);
    if (info.click) this.d.cards.showInBackground(key, card);
    else await this.d.cards.show(key, card);
  }

  /**
   * Deletes the tallies of hours that ended more than an hour ago, at most once an hour (the sweep calls
   * it): their cards stay in the channel.
   */
  async prune(): Promise<void> {
    const now = this.now();
    if (now.getTime() - this.prunedAt < REFUSAL_HOUR_MS) return;
    this.prunedAt = now.getTime();
    const deleted = await this.d.tallies.prune(new Date(now.getTime() - REFUSAL_HOUR_MS));
    if (deleted) this.d.log.info({ deleted }, 'old refusal tallies deleted');
  }

  private card(key: string, origin: ProactiveOrigin | undefined): LiveCard {
    const { tallies } = this.d;
    return {
      async load() {
        const tally = await tallies.get(key);
        if (!tally) return undefined;
        return { version: tally.count, card: renderRefusalTallyCard(tally), notice: tally.notice, origin };
      },
      async save(change) {
        const saved = await tallies.change(key, (cur) => {
          const notice = cur && change(cur.notice);
          return cur && notice ? { ...cur, notice } : undefined;
        });
        return saved !== undefined;
      },
    };
  }

  private now(): Date {
    return this.d.now?.() ?? new Date();
  }
}
