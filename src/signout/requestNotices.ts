import { renderRequestNoticeCard } from '../cards/requestNotice';
import { noticeStateOf } from '../domain/requestNotice';
import { zoneFromString } from '../domain/storedZone';
import type { RequestStore } from '../store/requestStore';
import { originOfRequest } from './jobReporter';
import type { LiveCard, LiveCards } from './liveCards';

/**
 * Each request's one notice in the security channel: posted when the request is made, updated in place
 * as it moves, always drawn from the request as stored (see src/domain/requestNotice.ts for the stages).
 * The card's id is kept on the request (`notice`), so an update after a restart edits the same card.
 */
export class RequestNotices {
  constructor(private readonly d: { store: RequestStore; cards: LiveCards }) {}

  /** Brings the request's notice up to date; resolves once it shows the request as stored now. */
  show(requestId: string): Promise<void> {
    return this.d.cards.show(`request/${requestId}`, this.card(requestId));
  }

  /** The same without waiting: for card clicks, which Teams must get an answer to within about 5 s. */
  showInBackground(requestId: string): void {
    this.d.cards.showInBackground(`request/${requestId}`, this.card(requestId));
  }

  private card(requestId: string): LiveCard {
    const { store } = this.d;
    return {
      async load() {
        const req = await store.get(requestId);
        const state = req && noticeStateOf(req);
        if (!req || !state) return undefined;
        const card = renderRequestNoticeCard(req, { zone: zoneFromString(req.confirmerTimeZone) });
        return { version: state.version, card, notice: req.notice, origin: originOfRequest(req) };
      },
      async save(change) {
        const moved = await store.patch(requestId, (cur) => {
          const notice = change(cur.notice);
          return notice ? { notice } : undefined;
        });
        return moved.ok;
      },
    };
  }
}
