import {
  CardFactory,
  type Activity,
  type Attachment,
  type ResourceResponse,
  type TurnContext,
} from 'botbuilder';
import type { Markdown } from '../domain/markdown';

/**
 * The only ways the bot posts (lint forbids `sendActivity` elsewhere). Text is Markdown built with
 * `msg` or `plain` (src/domain/markdown.ts), so nothing a user typed or named reaches Teams as markup.
 */
export function textActivity(text: Markdown): Partial<Activity> {
  return { type: 'message', text: text.text, textFormat: 'markdown' };
}

export function sendText(ctx: TurnContext, text: Markdown): Promise<ResourceResponse | undefined> {
  return ctx.sendActivity(textActivity(text));
}

/** Adaptive Cards bind user text into TextRuns, which are never read as markdown. */
export function sendCard(ctx: TurnContext, card: object): Promise<ResourceResponse | undefined> {
  return ctx.sendActivity({ type: 'message', attachments: [cardAttachment(card)] });
}

/** An Adaptive Card as a message attachment. */
export function cardAttachment(card: object): Attachment {
  return CardFactory.adaptiveCard(card);
}
