import { randomUUID } from 'node:crypto';
import { gone, planNotice, posted, released, shown, type PostedNotice } from '../domain/postedNotice';
import type { Logger } from '../log';
import type { ProactiveOrigin, TeamsPort } from './teamsPort';

/** The security channel's cards, as TeamsPort offers them. */
export type SecurityCards = Pick<TeamsPort, 'securityChannelId' | 'postSecurityCard' | 'updateSecurityCard'>;

/** One card's subject: its current version and card, and its stored record (see PostedNotice). */
export interface LiveCard {
  load(): Promise<
    { version: number; card: object; notice?: PostedNotice; origin?: ProactiveOrigin } | undefined
  >;
  /** applies `change` to the stored record, compare-and-swap; false when it wrote nothing */
  save(change: (current: PostedNotice | undefined) => PostedNotice | undefined): Promise<boolean>;
}

/** rounds a card asks for itself (catch up after a post, post again when gone); more means something loops */
const MAX_FOLLOW_UPS = 5;

/**
 * Security-channel cards that are posted once and then updated in place (a request's notice, a caller's
 * refusals in an hour). The card always shows its subject's latest stored state: a show() while one is
 * under way for the same key runs once more after it, so bursts collapse into one update (latest only).
 * The card's activity id is stored with its subject, so after a restart the same card is updated.
 * Failures are logged, never thrown: a notice must not undo or block what it reports.
 */
export class LiveCards {
  private readonly queues = new Map<string, { again: boolean; card: LiveCard; done: Promise<void> }>();
  private readonly inBackground = new Set<Promise<void>>();
  private readonly holder: string;

  constructor(
    private readonly d: {
      cards: SecurityCards;
      /** a post claim older than this is from a process that died or hung: taken over */
      claimMs: number;
      log: Logger;
      now?: () => Date;
      /** this process, in post claims; default a fresh UUID */
      holder?: string;
    },
  ) {
    this.holder = d.holder ?? randomUUID();
  }

  /** Brings the card of `key` up to date with its subject; resolves once it shows what was asked. */
  show(key: string, card: LiveCard): Promise<void> {
    const queued = this.queues.get(key);
    if (queued) {
      queued.again = true;
      queued.card = card;
      return queued.done;
    }
    const entry = { again: true, card, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        let followUps = 0;
        while (entry.again) {
          entry.again = false;
          // a round it asked for itself (after a post, a card gone) counts; a show() by a caller does not
          if ((await this.showOnce(key, entry.card)) && followUps++ < MAX_FOLLOW_UPS) entry.again = true;
        }
      } finally {
        this.queues.delete(key);
      }
    })();
    this.queues.set(key, entry);
    return entry.done;
  }

  /** The same without waiting: for card clicks, which Teams must get an answer to within about 5 s. */
  showInBackground(key: string, card: LiveCard): void {
    const shown = this.show(key, card).finally(() => this.inBackground.delete(shown));
    this.inBackground.add(shown);
  }

  /** At shutdown: the cards still being shown (each call bounded by the connector's time-out). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inBackground, ...[...this.queues.values()].map((q) => q.done)]);
  }

  /** One step towards the card showing its subject; true when another round is needed. */
  private async showOnce(key: string, subject: LiveCard): Promise<boolean> {
    const channel = this.d.cards.securityChannelId;
    if (!channel) return false;
    try {
      const current = await subject.load();
      if (!current) return false;
      const now = this.d.now?.() ?? new Date();
      const plan = planNotice(current.notice, channel, current.version, this.holder, now, this.d.claimMs);
      switch (plan.kind) {
        case 'nothing':
        case 'wait':
          return false;
        case 'update': {
          const result = await this.d.cards.updateSecurityCard(plan.activityId, current.card, current.origin);
          const mine = (n: PostedNotice | undefined) =>
            n?.channelId === channel && n.activityId === plan.activityId;
          if (result === 'updated')
            await subject.save((n) => (n && mine(n) ? shown(n, current.version) : undefined));
          if (result !== 'gone') return false;
          this.d.log.warn(
            { key, activityId: plan.activityId },
            'security-channel card is gone; posting it again',
          );
          return subject.save((n) => (n && mine(n) ? gone(n) : undefined));
        }
        case 'post': {
          const claimed = await subject.save((n) => {
            const again = planNotice(n, channel, current.version, this.holder, now, this.d.claimMs);
            return again.kind === 'post' ? again.claim : undefined;
          });
          // someone else posted or is posting meanwhile: plan again from what they stored
          if (!claimed) return true;
          const id = await this.d.cards.postSecurityCard(current.card, current.origin);
          if (!id) {
            await subject.save((n) => (n ? released(n, this.holder) : undefined));
            return false;
          }
          await subject.save(() => posted(channel, id, current.version));
          // whatever changed while it was posting shows in the next round
          return true;
        }
      }
    } catch (err) {
      this.d.log.error({ key, err: (err as Error).message }, 'security-channel card not brought up to date');
      return false;
    }
  }
}
