import { ActivityTypes } from 'botbuilder';
import {
  AdaptiveCardActionExecuteResponseType,
  Application,
  TurnState,
  type TeamsAdapter,
} from '@microsoft/teams-ai';
import { SOMETHING_WRONG, STORE_UNAVAILABLE } from '../domain/chatMessages';
import type { Logger } from '../log';
import { StoreUnavailableError } from '../store/storeHealth';
import { CARD_ACTIONS } from './actions/table';
import { clickRoute, type ClickDeps } from './clickRoute';
import { messageRoute, type MessageDeps } from './messageRoute';
import { sendText } from './replies';

export interface BotDeps extends MessageDeps, ClickDeps {
  adapter: TeamsAdapter;
  botAppId: string;
  guard: MessageDeps['guard'] & ClickDeps['guard'];
  requests: MessageDeps['requests'] & ClickDeps['requests'];
  log: Logger;
}

/**
 * The teams-ai Application: one message route that runs the command a message holds
 * (src/bot/commands/), and one route per card verb (src/bot/actions/). The tenant and the caller are
 * checked on every message and every click (Guard).
 */
export function createBot(d: BotDeps): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter: d.adapter,
    botAppId: d.botAppId,
    removeRecipientMention: false,
    startTypingTimer: false,
    // the clicker gets the new card in the invoke's answer; everyone else through clickRoute
    adaptiveCards: {
      actionExecuteResponseType: AdaptiveCardActionExecuteResponseType.REPLACE_FOR_INTERACTOR,
    },
  });
  app.activity(ActivityTypes.Message, messageRoute(d));
  // the raw data is whatever the client sent: each verb checks it before its handler sees it
  for (const action of CARD_ACTIONS)
    app.adaptiveCards.actionExecute<unknown>(action.verb, clickRoute(action, d));
  app.error(async (ctx, err) => {
    d.log.error({ err: err.message }, 'unhandled turn error');
    if (ctx.activity.type === ActivityTypes.Message) {
      await sendText(ctx, err instanceof StoreUnavailableError ? STORE_UNAVAILABLE : SOMETHING_WRONG);
    }
  });
  return app;
}
