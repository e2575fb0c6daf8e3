import { OTHER_CONVERSATION, UNKNOWN_CARD } from '../domain/clickMessages';
import type { Markdown } from '../domain/markdown';
import { isMultiTarget } from '../domain/requestSize';
import type { LocalZone } from '../domain/timeFormat';
import type { SignoutRequest } from '../domain/types';
import type { ActivityInfo } from './activityInfo';
import type { StoredReference } from './jobReporter';
import type { RequestDeps } from './requestDeps';
import { cardFor } from '../cards/cardFor';

/** A card click answered at once: the card to show everyone, or a private message to the clicker. */
export type ClickAnswer = { card: object } | { message: Markdown };

/** The request a click is about, if it exists and its card was posted in the conversation clicked in. */
export async function loadClicked(
  d: Pick<RequestDeps, 'store'>,
  requestId: string,
  info: Pick<ActivityInfo, 'conversationId'>,
): Promise<{ req: SignoutRequest } | { message: Markdown }> {
  const req = await d.store.get(requestId);
  if (!req) return { message: UNKNOWN_CARD };
  if (!sameConversation(req, info.conversationId)) return { message: OTHER_CONVERSATION };
  return { req };
}

/** A card's clicks must come from the conversation the card was posted in (thread suffix aside). */
export function sameConversation(req: Pick<SignoutRequest, 'conversation'>, conversationId: string): boolean {
  const ref = req.conversation.reference as StoredReference;
  const base = (id: string | undefined) => (id ?? '').split(';')[0];
  return base(ref.conversation?.id) === base(conversationId);
}

/**
 * The request's card as it stands, for the clicker's time zone; with `csv`, and several users, the link
 * to the CSV of its outcomes (shown once it has ended).
 */
export function currentCard(
  d: Pick<RequestDeps, 'csvLink' | 'now'>,
  req: SignoutRequest,
  zone: LocalZone | undefined,
  o: { csv: boolean } = { csv: true },
): { card: object } {
  const csv = o.csv && isMultiTarget(req) ? d.csvLink(req.id) : undefined;
  return { card: cardFor(req, { zone, now: d.now(), csv }) };
}
