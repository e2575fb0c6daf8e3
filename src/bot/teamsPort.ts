import type { TeamsPort } from '../signout/teamsPort';
import type { ConversationPoster } from './conversationPoster';
import type { SecurityNotifier } from './notifier';

/** The services' TeamsPort, through the adapter: a request's card and thread, and the security channel. */
export function teamsPort(poster: ConversationPoster, notifier: SecurityNotifier): TeamsPort {
  return {
    replaceCard: (req, card) => poster.updateCard(req, card),
    postInThread: (req, text) => poster.post(req, text),
    postCardInThread: (req, card) => poster.postCard(req, card),
    notifySecurity: (text, origin) => notifier.notify(text, origin),
    notifySecurityInBackground: (text, origin) => notifier.notifyInBackground(text, origin),
    securityChannelId: notifier.channelId,
    postSecurityCard: (card, origin) => notifier.postCard(card, origin),
    updateSecurityCard: (activityId, card, origin) => notifier.updateCard(activityId, card, origin),
    replaceSecurityCard: async (activityId, card, origin) => {
      await notifier.updateCard(activityId, card, origin);
    },
  };
}
