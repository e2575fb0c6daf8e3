import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { Markdown } from '../domain/markdown';
import type { Logger } from '../log';
import { ConnectorTimeoutError, withinTimeout } from './connectorTimeout';
import type { ProactiveOrigin } from '../signout/teamsPort';
import { sendCard, sendText } from './replies';

/**
 * Posts to the security channel (SECURITY_CHANNEL_ID). A failure to notify is logged, never thrown:
 * it must not undo or block the sign-out it reports. A post the Bot Connector does not answer within
 * `timeoutMs` is dropped.
 */
export class SecurityNotifier {
  private readonly inBackground = new Set<Promise<void>>();

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly channelId: string | undefined,
    private readonly tenantId: string,
    private readonly log: Logger,
    private readonly timeoutMs: number,
  ) {}

  async notify(text: Markdown, origin: ProactiveOrigin | undefined): Promise<void> {
    await this.send(origin, 'security channel notification failed', (ctx) => sendText(ctx, text));
  }

  /** Posts a card (an alert card); its activity id, or undefined when it was not posted. */
  async postCard(card: object, origin: ProactiveOrigin | undefined): Promise<string | undefined> {
    let id: string | undefined;
    await this.send(origin, 'security channel card not posted', async (ctx) => {
      id = (await sendCard(ctx, card))?.id;
    });
    return id;
  }

  /** The security channel as a conversation reference, for posts from `origin`; none without either. */
  reference(origin: ProactiveOrigin | undefined): Partial<ConversationReference> | undefined {
    if (!this.channelId || !origin?.serviceUrl) return undefined;
    return {
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
  }

  private async send(
    origin: ProactiveOrigin | undefined,
    failure: string,
    logic: (ctx: TurnContext) => Promise<unknown>,
  ): Promise<void> {
    const reference = this.reference(origin);
    if (!reference) return;
    try {
      await withinTimeout(
        this.adapter.continueConversationAsync(this.botAppId, reference, async (ctx) => {
          await logic(ctx);
        }),
        this.timeoutMs,
      );
    } catch (err) {
      this.log.error(
        { err: (err as Error).message, timedOut: err instanceof ConnectorTimeoutError },
        failure,
      );
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
