import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Markdown } from '../core/markdown';
import type { Logger } from '../log';
import { sendText } from './replies';

/** Where a proactive post can be sent from: the serviceUrl and bot account of a recent activity. */
export interface ProactiveOrigin {
  serviceUrl: string;
  bot: { id: string; name?: string };
}

/**
 * Posts to the security channel (SECURITY_CHANNEL_ID). A failure to notify is logged, never thrown:
 * it must not undo or block the sign-out it reports.
 */
export class SecurityNotifier {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly channelId: string | undefined,
    private readonly tenantId: string,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return !!this.channelId;
  }

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
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (ctx) => {
        await sendText(ctx, text);
      });
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'security channel notification failed');
    }
  }
}
