import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { Markdown } from '../domain/markdown';
import type { Logger } from '../log';
import { ConnectorTimeoutError, withinTimeout } from './connectorTimeout';
import type { CardUpdate, ProactiveOrigin } from '../signout/teamsPort';
import { cardAttachment, sendCard, sendText } from './replies';

/**
 * Posts to the security channel (SECURITY_CHANNEL_ID): texts, and cards that are later updated in place
 * (see LiveCards). A failure to notify is logged, never thrown:
 * it must not undo or block the sign-out it reports. A post the Bot Connector does not answer within
 * `timeoutMs` is dropped.
 */
export class SecurityNotifier {
  private readonly inBackground = new Set<Promise<void>>();

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    readonly channelId: string | undefined,
    private readonly tenantId: string,
    private readonly log: Logger,
    private readonly timeoutMs: number,
  ) {}

  async notify(text: Markdown, origin: ProactiveOrigin | undefined): Promise<void> {
    await this.inChannel(origin, 'security channel notification failed', (ctx) => sendText(ctx, text));
  }

  /** Posts a card; its activity id, for later updates. Undefined when not posted (logged). */
  async postCard(card: object, origin: ProactiveOrigin | undefined): Promise<string | undefined> {
    let id: string | undefined;
    await this.inChannel(origin, 'security channel card not posted', async (ctx) => {
      id = (await sendCard(ctx, card))?.id;
    });
    return id;
  }

  /**
   * Replaces a card posted before. 'gone' when Teams answers 404 (no such message) or 403 (what it
   * answers for a message deleted since): the caller posts a new one.
   */
  async updateCard(
    activityId: string,
    card: object,
    origin: ProactiveOrigin | undefined,
  ): Promise<CardUpdate> {
    let status: number | undefined;
    const ok = await this.inChannel(
      origin,
      'security channel card not updated',
      (ctx) => ctx.updateActivity({ type: 'message', id: activityId, attachments: [cardAttachment(card)] }),
      (err) => {
        status = (err as { statusCode?: unknown }).statusCode as number | undefined;
        return status === 404 || status === 403;
      },
    );
    if (ok) return 'updated';
    if (status === 404 || status === 403) {
      this.log.warn({ activityId, status }, 'security channel card is gone');
      return 'gone';
    }
    return 'failed';
  }

  /** Runs `logic` in the security channel within the time-out; false (logged unless `expected`) on failure. */
  private async inChannel(
    origin: ProactiveOrigin | undefined,
    failure: string,
    logic: (ctx: TurnContext) => Promise<unknown>,
    expected: (err: unknown) => boolean = () => false,
  ): Promise<boolean> {
    if (!this.channelId || !origin?.serviceUrl) return false;
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl: origin.serviceUrl,
      bot: { id: origin.bot.id, name: origin.bot.name ?? '' },
      conversation: {
        id: this.channelId,
        isGroup: true,
        conversationType: 'channel',
        tenantId: this.tenantId,
        name: '',
      },
    };
    try {
      // the adapter hands an error inside the turn to its onTurnError, which logs it and returns:
      // kept here, so the caller learns that the card was not posted or updated, and why
      let failed: { err: unknown } | undefined;
      await withinTimeout(
        this.adapter.continueConversationAsync(this.botAppId, reference, async (ctx) => {
          try {
            await logic(ctx);
          } catch (err) {
            failed = { err };
          }
        }),
        this.timeoutMs,
      );
      if (failed) throw failed.err;
      return true;
    } catch (err) {
      if (!expected(err))
        this.log.error(
          { err: (err as Error).message, timedOut: err instanceof ConnectorTimeoutError },
          failure,
        );
      return false;
    }
  }

  /**
   * Sends without waiting for the Bot Connector: for card clicks, which Teams must get an answer to
   * within about 5 seconds, whatever the connector does.
   */
  notifyInBackground(text: Markdown, origin: ProactiveOrigin | undefined): void {
    const sent = this.notify(text, origin).finally(() => this.inBackground.delete(sent));
    this.inBackground.add(sent);
  }

  /** At shutdown: the notices still being sent in the background (each bounded by `timeoutMs`). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inBackground]);
  }
}
