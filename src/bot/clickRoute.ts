import { TurnContext } from 'botbuilder';
import type { AdaptiveCard, TurnState } from '@microsoft/teams-ai';
import { STORE_UNAVAILABLE } from '../domain/chatMessages';
import { UNKNOWN_CARD } from '../domain/clickMessages';
import { FOREIGN_TENANT } from '../domain/foreignMessages';
import type { Markdown } from '../domain/markdown';
import type { Logger } from '../log';
import type { DeferredNotices } from '../signout/deferredNotices';
import { describeFailure } from '../signout/describeFailure';
import type { TeamsPort } from '../signout/teamsPort';
import type { ActionDeps, RegisteredAction } from './actions/action';
import { activityInfo } from './activityInfo';
import type { ConversationPoster } from './conversationPoster';
import type { Guard } from './guard';

export interface ClickDeps extends ActionDeps {
  guard: ActionDeps['guard'] & Pick<Guard, 'foreignTenant' | 'admit'>;
  /** whether the store accepts writes: every click writes (a transition, an audit line) */
  storeHealth: { readonly problem: string | undefined };
  deferredNotices: DeferredNotices;
  port: Pick<TeamsPort, 'notifySecurity'>;
  /** replaces the clicked card for everyone */
  poster: Pick<ConversationPoster, 'replaceCardInBackground'>;
  log: Logger;
}

/**
 * The route of one card verb: the tenant, the store, the click's data (checked by the verb), the
 * caller; then the verb's handler. A private answer to the clicker is text like any other: escaped
 * Markdown, sent as its text. A card goes to the clicker in the invoke's answer, and replaces the
 * message for everyone in the background (teams-ai's REPLACE_FOR_ALL updates it before answering: a
 * hanging connector left clicks unanswered).
 */
export function clickRoute(action: RegisteredAction, d: ClickDeps) {
  return async (ctx: TurnContext, _state: TurnState, raw: unknown): Promise<AdaptiveCard | string> => {
    const answer = await answerClick(ctx, action, raw, d);
    if ('message' in answer) return answer.message.text;
    if (ctx.activity.replyToId) {
      const reference = TurnContext.getConversationReference(ctx.activity);
      d.poster.replaceCardInBackground(reference, ctx.activity.replyToId, answer.card);
    }
    return answer.card as AdaptiveCard;
  };
}

async function answerClick(
  ctx: TurnContext,
  action: RegisteredAction,
  raw: unknown,
  d: ClickDeps,
): Promise<{ card: object } | { message: Markdown }> {
  // the invoke's answer is its HTTP response: every foreign click gets it, at no cost
  if ((await d.guard.foreignTenant(ctx.activity)).refused) return { message: FOREIGN_TENANT };
  const info = activityInfo(ctx.activity);
  void d.deferredNotices.deliver(d.port, info.origin);
  if (d.storeHealth.problem) return { message: STORE_UNAVAILABLE };
  const handle = action.bind(raw);
  if (!handle) return { message: UNKNOWN_CARD };
  const admission = await d.guard.admit(info, action.what);
  if (!admission.ok) return { message: admission.answer };
  try {
    return await handle({ info, caller: admission.caller }, d);
  } catch (err) {
    return { message: describeFailure(err, d.log, 'lookup') };
  }
}
