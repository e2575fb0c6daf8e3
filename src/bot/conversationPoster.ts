import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { cardAttachment } from './replies';
import type { Markdown } from '../domain/markdown';
import type { PostedRequest } from '../signout/teamsPort';
import type { Logger } from '../log';
import { ConnectorTimeoutError, withinTimeout } from './connectorTimeout';
import { sendCard, sendText } from './replies';

type Reference = Partial<ConversationReference>;

/** The newest update waiting for a card, and everyone waiting for an update of it. */
interface Waiting {
  reference: Reference;
  card: object;
  fields: Record<string, unknown>;
  done: (() => void)[];
}

/**
 * Proactive posts into a request's conversation: replacing its card for everyone and writing in its
 * thread. Failures are logged, never thrown: the sign-out they report has already happened. A post the
 * Bot Connector does not answer within `timeoutMs` is dropped, so a hanging connector never holds up a job.
 *
 * Updates of one card go out one at a time, in the order they were asked for, and an update still
 * waiting is replaced by a newer one: a slow update never overwrites a later state of the card.
 */
export class ConversationPoster {
  /** per card: undefined while an update is in flight and none waits */
  private readonly lanes = new Map<string, Waiting | undefined>();
  private readonly draining = new Set<Promise<void>>();

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly log: Logger,
    private readonly timeoutMs: number,
  ) {}

  async updateCard(req: PostedRequest, card: object): Promise<void> {
    const id = req.conversation.cardActivityId;
    if (!id) return;
    await this.replaceCard(req.conversation.reference as Reference, id, card, { requestId: req.id });
  }

  /**
   * Replaces the card a click came from, for everyone, without waiting: the clicker already has it in
   * the invoke's answer, which Teams needs within about 5 s.
   */
  replaceCardInBackground(reference: Reference, activityId: string, card: object): void {
    void this.replaceCard(reference, activityId, card, { cardActivityId: activityId });
  }

  /** Replaces a card the bot posted in a conversation it knows only by reference (the security channel). */
  replaceCardAt(reference: Reference, activityId: string, card: object): Promise<void> {
    return this.replaceCard(reference, activityId, card, { cardActivityId: activityId });
  }

  /** At shutdown: the card updates still going out (each bounded by `timeoutMs`). */
  async settle(): Promise<void> {
    while (this.draining.size) await Promise.allSettled([...this.draining]);
  }

  async post(req: PostedRequest, text: Markdown): Promise<void> {
    await this.within(req.conversation.reference as Reference, { requestId: req.id }, (ctx) =>
      sendText(ctx, text),
    );
  }

  async postCard(req: PostedRequest, card: object): Promise<void> {
    await this.within(req.conversation.reference as Reference, { requestId: req.id }, (ctx) =>
      sendCard(ctx, card),
    );
  }

  private replaceCard(
    reference: Reference,
    activityId: string,
    card: object,
    fields: Record<string, unknown>,
  ): Promise<void> {
    const key = `${reference.conversation?.id ?? ''}|${activityId}`;
    return new Promise((resolve) => {
      if (this.lanes.has(key)) {
        const superseded = this.lanes.get(key)?.done ?? [];
        this.lanes.set(key, { reference, card, fields, done: [...superseded, resolve] });
        return;
      }
      this.lanes.set(key, undefined);
      const drained = this.drain(key, activityId, { reference, card, fields, done: [resolve] }).finally(() =>
        this.draining.delete(drained),
      );
      this.draining.add(drained);
    });
  }

  private async drain(key: string, activityId: string, first: Waiting): Promise<void> {
    for (let next: Waiting | undefined = first; next;) {
      const { reference, card, fields, done } = next;
      await this.within(reference, fields, (ctx) =>
        ctx.updateActivity({ type: 'message', id: activityId, attachments: [cardAttachment(card)] }),
      );
      for (const resolve of done) resolve();
      next = this.lanes.get(key);
      if (next) this.lanes.set(key, undefined);
    }
    this.lanes.delete(key);
  }

  private async within(
    reference: Reference,
    fields: Record<string, unknown>,
    logic: (ctx: TurnContext) => Promise<unknown>,
  ): Promise<void> {
    try {
      await withinTimeout(
        this.adapter.continueConversationAsync(this.botAppId, reference, async (ctx) => {
          await logic(ctx);
        }),
        this.timeoutMs,
      );
    } catch (err) {
      this.log.error(
        { ...fields, err: (err as Error).message, timedOut: err instanceof ConnectorTimeoutError },
        'could not post to the conversation',
      );
    }
  }
}
