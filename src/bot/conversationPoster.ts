import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { cardAttachment } from '../cards/render';
import type { Markdown } from '../core/markdown';
import type { SignoutRequest } from '../core/types';
import type { Logger } from '../log';
import { ConnectorTimeoutError, DEFAULT_CONNECTOR_TIMEOUT_MS, withinTimeout } from './connectorTimeout';
import { sendText } from './replies';

/**
 * Proactive posts into a request's conversation: replacing its card for everyone and writing in its
 * thread. Failures are logged, never thrown: the sign-out they report has already happened. A post the
 * Bot Connector does not answer within `timeoutMs` is dropped, so a hanging connector never holds up a job.
 */
export class ConversationPoster {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly log: Logger,
    private readonly timeoutMs = DEFAULT_CONNECTOR_TIMEOUT_MS,
  ) {}

  async updateCard(req: SignoutRequest, card: object): Promise<void> {
    const id = req.conversation.cardActivityId;
    if (!id) return;
    await this.within(req, (ctx) =>
      ctx.updateActivity({ type: 'message', id, attachments: [cardAttachment(card)] }),
    );
  }

  async post(req: SignoutRequest, text: Markdown): Promise<void> {
    await this.within(req, (ctx) => sendText(ctx, text));
  }

  private async within(req: SignoutRequest, logic: (ctx: TurnContext) => Promise<unknown>): Promise<void> {
    try {
      await withinTimeout(
        this.adapter.continueConversationAsync(
          this.botAppId,
          req.conversation.reference as Partial<ConversationReference>,
          async (ctx) => {
            await logic(ctx);
          },
        ),
        this.timeoutMs,
      );
    } catch (err) {
      this.log.error(
        { requestId: req.id, err: (err as Error).message, timedOut: err instanceof ConnectorTimeoutError },
        'could not post to the conversation',
      );
    }
  }
}
