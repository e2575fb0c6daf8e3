import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Markdown } from '../domain/markdown';
import type { Logger } from '../log';
import { ConnectorTimeoutError, withinTimeout } from './connectorTimeout';
import type { ProactiveOrigin } from '../signout/teamsPort';
import { sendText } from './replies';

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
    if (!this.channelId || !origin?.serviceUrl) return;
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
      await withinTimeout(
        this.adapter.continueConversationAsync(this.botAppId, reference, async (ctx) => {
          await sendText(ctx, text);
        }),
        this.timeoutMs,
      );
    } catch (err) {
      this.log.error(
        { err: (err as Error).message, timedOut: err instanceof ConnectorTimeoutError },
        'security channel notification failed',
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
