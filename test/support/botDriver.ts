import { allText } from './cardReader';
import type { RecordedActivity } from './connectorStandIn';
import { shown } from './markdownReader';
import type { Sandbox } from './sandbox';
import { invokeActivity, messageActivity, postActivity, type TeamsActivity } from './teamsActivity';

export interface Actor {
  id: string;
  name: string;
}

export interface PostedCard {
  requestId: string;
  cardActivityId: string;
  conversationId: string;
  card: AdaptiveCardJson;
}

export type AdaptiveCardJson = Record<string, any>;

/** Talks to the bot in a sandbox like Teams would, and reads what it posted through the connector. */
export class BotDriver {
  constructor(
    readonly sb: Sandbox,
    readonly tenantId: string,
  ) {}

  get connector() {
    if (!this.sb.connector) throw new Error('sandbox has no connector stand-in');
    return this.sb.connector;
  }

  /** Posts an activity as the Bot Connector does: with a channel token when the bot requires one. */
  async post(activity: TeamsActivity): Promise<{ status: number; body: any }> {
    const auth = this.sb.channelAuth;
    const headers: Record<string, string> = auth
      ? { Authorization: `Bearer ${await auth.token({ serviceUrl: activity.serviceUrl })}` }
      : {};
    return postActivity(this.sb.botUrl, activity, headers);
  }

  /** Posts a channel message mentioning the bot; returns the activity sent. */
  async say(
    text: string,
    from: Actor,
    o: Partial<{ tenantId: string; localTimezone: string; conversationId: string }> = {},
  ): Promise<TeamsActivity> {
    const activity = messageActivity({
      text,
      from: { aadObjectId: from.id, name: from.name },
      tenantId: o.tenantId ?? this.tenantId,
      serviceUrl: this.sb.serviceUrl!,
      localTimezone: o.localTimezone,
      conversationId: o.conversationId,
    });
    const res = await this.post(activity);
    if (res.status >= 300) throw new Error(`bot answered ${res.status}`);
    return activity;
  }

  /** Everything the bot posted into a conversation (any thread of it) after `since`. */
  postedIn(conversationId: string, since = 0): RecordedActivity[] {
    return this.connector.activities.filter((a) => a.conversationId === conversationId && a.at >= since);
  }

  /** Waits for the bot's next text reply in the conversation whose text, as a reader sees it, matches. */
  async waitForText(conversationId: string, pattern: RegExp, timeoutMs = 15_000): Promise<RecordedActivity> {
    return this.connector.waitFor(
      (a) =>
        a.conversationId === conversationId &&
        typeof a.body?.text === 'string' &&
        pattern.test(shown(a.body.text)),
      timeoutMs,
    );
  }

  /**
   * Waits for a post or an update in the security channel whose text, or card, as a reader sees it,
   * matches.
   */
  async waitForSecurityNotice(pattern: RegExp, timeoutMs = 15_000): Promise<RecordedActivity> {
    return this.connector.waitFor(
      (a) => a.conversationId === this.sb.env.SECURITY_CHANNEL_ID && pattern.test(noticeText(a)),
      timeoutMs,
    );
  }

  /** The posts and updates of one request's notice card in the security channel, in order. */
  noticeOf(requestId: string): RecordedActivity[] {
    return this.connector.activities.filter((a) => this.isNoticeOf(a, requestId));
  }

  /**
   * A request's notice card as the security channel got it, checked to be one card: posted once, then
   * only updated (same activity id). Its headlines, in order.
   */
  noticeCardHistory(requestId: string): { activityId: string; headlines: string[] } {
    const calls = this.noticeOf(requestId);
    if (!calls.length)
      throw new Error(`no notice card for request ${requestId}:\n${this.connector.describe()}`);
    const [first, ...later] = calls;
    expect(['send', 'reply']).toContain(first.op);
    for (const a of later)
      expect({ op: a.op, activityId: a.activityId }).toEqual({ op: 'update', activityId: first.activityId });
    return { activityId: first.activityId, headlines: calls.map((a) => noticeText(a).split('\n')[0]) };
  }

  /** Waits for a post or an update of a request's notice card that reads as `pattern`. */
  async waitForNotice(requestId: string, pattern: RegExp, timeoutMs = 15_000): Promise<RecordedActivity> {
    return this.connector.waitFor(
      (a) => this.isNoticeOf(a, requestId) && pattern.test(noticeText(a)),
      timeoutMs,
    );
  }

  private isNoticeOf(a: RecordedActivity, requestId: string): boolean {
    return (
      a.conversationId === this.sb.env.SECURITY_CHANNEL_ID &&
      !!cardOf(a) &&
      noticeText(a).includes(`Request ${requestId} `)
    );
  }

  /** Asks for a sign-out and returns the confirmation card the bot posted. */
  async requestSignout(
    text: string,
    from: Actor,
    o: Partial<{ localTimezone: string }> = {},
  ): Promise<PostedCard> {
    const activity = await this.say(text, from, o);
    const posted = await this.connector.waitFor(
      (a) => a.conversationId === activity.conversation.id && !!cardOf(a),
      15_000,
    );
    const card = cardOf(posted)!;
    const confirm = findAction(card, 'signout.confirm') ?? findAction(card, 'signout.approve');
    if (!confirm) throw new Error(`no confirm or approve button on ${JSON.stringify(card).slice(0, 500)}`);
    return {
      requestId: confirm.data.requestId,
      cardActivityId: posted.activityId,
      conversationId: activity.conversation.id,
      card,
    };
  }

  /** Clicks an Action.Execute button; returns the invoke's HTTP answer. */
  async click(
    verb: string,
    card: Pick<PostedCard, 'requestId' | 'cardActivityId' | 'conversationId'>,
    from: Actor,
    o: Partial<{ tenantId: string; localTimezone: string; data: Record<string, unknown> }> = {},
  ): Promise<{ status: number; body: any }> {
    const activity = invokeActivity({
      verb,
      data: o.data ?? { requestId: card.requestId },
      from: { aadObjectId: from.id, name: from.name },
      tenantId: o.tenantId ?? this.tenantId,
      serviceUrl: this.sb.serviceUrl!,
      conversationId: card.conversationId,
      replyToId: card.cardActivityId,
      localTimezone: o.localTimezone,
    });
    return this.post(activity);
  }

  /** The latest version of a card: the last update of that activity, else the card as first posted. */
  currentCard(cardActivityId: string): AdaptiveCardJson | undefined {
    const versions = this.connector.activities.filter((a) => a.activityId === cardActivityId && cardOf(a));
    return versions.length ? cardOf(versions[versions.length - 1]) : undefined;
  }

  async waitForCardText(
    cardActivityId: string,
    pattern: RegExp,
    timeoutMs = 15_000,
  ): Promise<AdaptiveCardJson> {
    const a = await this.connector.waitFor(
      (x) =>
        x.activityId === cardActivityId && x.op === 'update' && pattern.test(JSON.stringify(cardOf(x) ?? {})),
      timeoutMs,
    );
    return cardOf(a)!;
  }
}

export function cardOf(a: RecordedActivity): AdaptiveCardJson | undefined {
  const att = a.body?.attachments?.find(
    (x: { contentType?: string }) => x.contentType === 'application/vnd.microsoft.card.adaptive',
  );
  return att?.content;
}

/** What a reader sees of a post: its card's text (a RichTextBlock's runs joined), else its text. */
export function noticeText(a: RecordedActivity): string {
  const card = cardOf(a);
  return card ? allText(card) : shown(a.body?.text);
}

/** All Action.Execute buttons anywhere in a card. */
export function actionsOf(card: AdaptiveCardJson): { verb: string; title: string; data: any }[] {
  const found: { verb: string; title: string; data: any }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.Execute')
      found.push({ verb: String(n.verb), title: String(n.title), data: n.data });
    Object.values(n).forEach(walk);
  };
  walk(card);
  return found;
}

export function findAction(card: AdaptiveCardJson, verb: string) {
  return actionsOf(card).find((a) => a.verb === verb);
}

/** The card as text, for matching what a person would read. */
export function cardText(card: AdaptiveCardJson | undefined): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    for (const key of ['text', 'title', 'value'])
      if (typeof n[key] === 'string') parts.push(n[key] as string);
    Object.values(n).forEach(walk);
  };
  walk(card);
  return parts.join('\n');
}

/** The CSV download link on a bulk job's card, pointed at this sandbox's bot. */
export function csvLinkOn(card: unknown, botUrl: string): string {
  const link = JSON.stringify(card).match(/https?:\/\/[^"]+\/exports\/[^"]+/)?.[0];
  if (!link) throw new Error('no CSV link on the card');
  return link.replace(/^https?:\/\/[^/]+/, botUrl);
}
