import { createHash, randomInt } from 'node:crypto';

/** Ids of the team and channels the builders default to. */
export const TEAMS = {
  teamId: '19:Kq8sT2vWnYc4d1aLr3PzQe7uBo9XjHf5MgN6iDk0@thread.tacv2',
  channelId: '19:it-operations-5a1c2e7f9b3d4086a2c4e6f8@thread.tacv2',
  securityChannelId: '19:security-alerts@thread.tacv2',
  botId: '6d1b8f3e-2c4a-4e7b-9f10-3a5c7e9b1d24',
  botName: 'Sign-out Bot',
  locale: 'en-US',
  timezone: 'Europe/Berlin',
} as const;

export interface TeamsUser {
  aadObjectId: string;
  name: string;
}

export interface ChannelAccount {
  id: string;
  name?: string;
  aadObjectId?: string;
}

/** What Teams posts to /api/messages (the fields Teams fills for channel, chat and invoke activities). */
export interface TeamsActivity {
  type: 'message' | 'invoke' | 'conversationUpdate';
  id: string;
  name?: string;
  timestamp: string;
  localTimestamp: string;
  localTimezone: string;
  locale: string;
  channelId: 'msteams';
  serviceUrl: string;
  from: ChannelAccount;
  conversation: {
    id: string;
    conversationType: 'channel' | 'personal' | 'groupChat';
    tenantId: string;
    isGroup?: boolean;
  };
  recipient: ChannelAccount;
  text?: string;
  textFormat?: 'plain';
  attachments?: { contentType: string; content: unknown }[];
  entities: Record<string, unknown>[];
  channelData: Record<string, unknown>;
  replyToId?: string;
  value?: unknown;
}

interface Common {
  from: TeamsUser;
  tenantId: string;
  serviceUrl: string;
  /** IANA zone, default Europe/Berlin */
  localTimezone?: string;
  /** ISO with the zone's offset; default now in localTimezone */
  localTimestamp?: string;
  botId?: string;
  botName?: string;
  locale?: string;
}

export interface MessageOptions extends Common {
  text: string;
  /** default: a new thread in the channel, `{channel};messageid={id}` */
  conversationId?: string;
  channelIdTeams?: string;
  teamId?: string;
  /** @-mention the bot, as Teams requires in a channel; default true */
  mention?: boolean;
  eventType?: string;
  id?: string;
}

export interface PersonalMessageOptions extends Common {
  text: string;
  /** default: the user's 1:1 chat with the bot, `a:…` */
  conversationId?: string;
  id?: string;
}

export interface InvokeOptions extends Common {
  verb: string;
  data: Record<string, unknown>;
  /** where the card is: a channel thread `19:…;messageid=…` or a 1:1 chat `a:…` */
  conversationId: string;
  /** id of the message that carries the card */
  replyToId: string;
  /** the button's title */
  title?: string;
  channelIdTeams?: string;
  teamId?: string;
}

/** A channel message from a user, @-mentioning the bot by default. */
export function messageActivity(o: MessageOptions): TeamsActivity {
  const id = o.id ?? nextMessageId();
  const channel = o.channelIdTeams ?? o.conversationId?.split(';')[0] ?? TEAMS.channelId;
  const team = o.teamId ?? TEAMS.teamId;
  const bot = botAccount(o);
  const mentionTag = `<at>${bot.name}</at>`;
  const mention = o.mention ?? true;
  const text = mention ? `${mentionTag} ${o.text}` : o.text;
  const html = mention
    ? `<p><span itemscope="" itemtype="http://schema.skype.com/Mention" itemid="0">${escapeHtml(bot.name)}</span>&nbsp;${escapeHtml(o.text)}</p>`
    : `<p>${escapeHtml(o.text)}</p>`;
  return {
    ...timing(o),
    type: 'message',
    id,
    channelId: 'msteams',
    serviceUrl: o.serviceUrl,
    from: userAccount(o.from),
    conversation: {
      isGroup: true,
      conversationType: 'channel',
      tenantId: o.tenantId,
      id: o.conversationId ?? `${channel};messageid=${id}`,
    },
    recipient: bot,
    text,
    textFormat: 'plain',
    attachments: [{ contentType: 'text/html', content: html }],
    entities: [
      ...(mention ? [{ type: 'mention', text: mentionTag, mentioned: { id: bot.id, name: bot.name } }] : []),
      clientInfo(o),
    ],
    channelData: {
      teamsChannelId: channel,
      teamsTeamId: team,
      channel: { id: channel },
      team: { id: team },
      tenant: { id: o.tenantId },
      ...(o.eventType ? { eventType: o.eventType } : {}),
    },
  };
}

/** A message in the user's 1:1 chat with the bot (no mention needed). */
export function personalMessage(o: PersonalMessageOptions): TeamsActivity {
  return {
    ...timing(o),
    type: 'message',
    id: o.id ?? nextMessageId(),
    channelId: 'msteams',
    serviceUrl: o.serviceUrl,
    from: userAccount(o.from),
    conversation: {
      conversationType: 'personal',
      tenantId: o.tenantId,
      id: o.conversationId ?? personalConversationId(o.from),
    },
    recipient: botAccount(o),
    text: o.text,
    textFormat: 'plain',
    attachments: [{ contentType: 'text/html', content: `<p>${escapeHtml(o.text)}</p>` }],
    entities: [clientInfo(o)],
    channelData: { tenant: { id: o.tenantId } },
  };
}

/** The invoke Teams sends when someone clicks an Action.Execute button on the bot's card. */
export function invokeActivity(o: InvokeOptions): TeamsActivity {
  const personal = o.conversationId.startsWith('a:');
  const groupChat = !personal && o.conversationId.includes('@thread.v2');
  const channel = o.channelIdTeams ?? o.conversationId.split(';')[0];
  const team = o.teamId ?? TEAMS.teamId;
  const action: Record<string, unknown> = { type: 'Action.Execute', verb: o.verb, data: o.data };
  if (o.title) action.title = o.title;
  return {
    ...timing(o),
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `f:${randomInt(1e9, 1e10 - 1)}${randomInt(1e9, 1e10 - 1)}`,
    channelId: 'msteams',
    serviceUrl: o.serviceUrl,
    from: userAccount(o.from),
    conversation: personal
      ? { conversationType: 'personal', tenantId: o.tenantId, id: o.conversationId }
      : {
          isGroup: true,
          conversationType: groupChat ? 'groupChat' : 'channel',
          tenantId: o.tenantId,
          id: o.conversationId,
        },
    recipient: botAccount(o),
    entities: [clientInfo(o)],
    channelData:
      personal || groupChat
        ? { tenant: { id: o.tenantId }, source: { name: 'message' }, legacy: { replyToId: o.replyToId } }
        : {
            channel: { id: channel },
            team: { id: team },
            tenant: { id: o.tenantId },
            source: { name: 'message' },
            legacy: { replyToId: o.replyToId },
          },
    replyToId: o.replyToId,
    value: { action, trigger: 'manual' },
  };
}

/** POSTs an activity to the bot the way the Bot Connector does; the body is parsed JSON when it is JSON. */
export async function postActivity(
  botUrl: string,
  activity: TeamsActivity | Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${botUrl.replace(/\/+$/, '')}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown = text || undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}

/** Teams' per-bot user id (29:…), stable for a given Entra user. */
export function teamsUserId(aadObjectId: string): string {
  return `29:1${createHash('sha256').update(`user:${aadObjectId}`).digest('base64url').slice(0, 40)}`;
}

/** The conversation id of a user's 1:1 chat with the bot (a:…), stable for a given Entra user. */
export function personalConversationId(user: TeamsUser): string {
  return `a:1${createHash('sha256').update(`chat:${user.aadObjectId}`).digest('base64url')}`;
}

/** Same shape as Teams' message ids: epoch milliseconds, unique within the process. */
let lastMessageId = 0;
export function nextMessageId(): string {
  lastMessageId = Math.max(Date.now(), lastMessageId + 1);
  return String(lastMessageId);
}

/** `2026-11-22T13:34:56.789+01:00`: the instant `at` as a wall clock in `timeZone`. */
export function localTimestampIn(timeZone: string, at: Date = new Date()): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName.replace('GMT', '');
  const ms = String(at.getUTCMilliseconds()).padStart(3, '0');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${ms}${offset}`;
}

function timing(o: Common) {
  const now = new Date();
  const localTimezone = o.localTimezone ?? TEAMS.timezone;
  return {
    timestamp: now.toISOString(),
    localTimestamp: o.localTimestamp ?? localTimestampIn(localTimezone, now),
    localTimezone,
    locale: o.locale ?? TEAMS.locale,
  };
}

function userAccount(u: TeamsUser): ChannelAccount {
  return { id: teamsUserId(u.aadObjectId), name: u.name, aadObjectId: u.aadObjectId };
}

function botAccount(o: Common): { id: string; name: string } {
  return { id: `28:${o.botId ?? TEAMS.botId}`, name: o.botName ?? TEAMS.botName };
}

function clientInfo(o: Common): Record<string, unknown> {
  const locale = o.locale ?? TEAMS.locale;
  return {
    type: 'clientInfo',
    locale,
    country: locale.split('-')[1] ?? 'US',
    platform: 'Web',
    timezone: o.localTimezone ?? TEAMS.timezone,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
