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
}
