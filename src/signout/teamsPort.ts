import type { Markdown } from '../domain/markdown';
import type { ConversationPointer } from '../domain/types';

/** Where a proactive post can be sent from: the serviceUrl and bot account of a recent activity. */
export interface ProactiveOrigin {
  serviceUrl: string;
  bot: { id: string; name?: string };
}

/** A request as far as posting about it goes: its id (for the log) and where its card and thread are. */
export interface PostedRequest {
  id: string;
  conversation: ConversationPointer;
}

/** How an update of a card in the security channel went. */
export type CardUpdate =
  | 'updated'
  /** Teams no longer has the message, or will not let the bot edit it (404, 403): post a new one */
  | 'gone'
  /** any other failure, logged: a time-out, a 5xx, a 429 after botbuilder's retries */
  | 'failed';

/**
 * Everything the application services say in Teams outside the answer to the activity they handle.
 * src/bot/ implements it with the adapter. Every method logs its own failure and never throws: what it
 * reports has happened already, and a Bot Connector that hangs is dropped after its time-out.
 */
export interface TeamsPort {
  /** Replaces the request's card for everyone (nothing when its card's id is unknown). */
  replaceCard(req: PostedRequest, card: object): Promise<void>;
  /** Writes in the request's thread. */
  postInThread(req: PostedRequest, text: Markdown): Promise<void>;
  /** Posts a card in the request's thread (a verify result). */
  postCardInThread(req: PostedRequest, card: object): Promise<void>;
  /** Posts to the security channel (SECURITY_CHANNEL_ID), from `origin`; nothing without either. */
  notifySecurity(text: Markdown, origin: ProactiveOrigin | undefined): Promise<void>;
  /** The same without waiting: for card clicks, which Teams must get an answer to within about 5 s. */
  notifySecurityInBackground(text: Markdown, origin: ProactiveOrigin | undefined): void;
  /** SECURITY_CHANNEL_ID; undefined: no security channel, nothing is posted there */
  readonly securityChannelId: string | undefined;
  /**
   * Posts a card to the security channel (a request notice, an alert card); its activity id, or
   * undefined when it could not be posted (no channel or origin, or the Bot Connector failed or did not
   * answer in time; logged).
   */
  postSecurityCard(card: object, origin: ProactiveOrigin | undefined): Promise<string | undefined>;
  /** Replaces a card in the security channel with `card`; 'gone' when Teams no longer has it. */
  updateSecurityCard(
    activityId: string,
    card: object,
    origin: ProactiveOrigin | undefined,
  ): Promise<CardUpdate>;
  /** The same for callers that need no answer (an alert card redrawn). */
  replaceSecurityCard(activityId: string, card: object, origin: ProactiveOrigin | undefined): Promise<void>;
}
