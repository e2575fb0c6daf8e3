import { ActivityTypes, TurnContext, type Activity } from 'botbuilder';
import { zoneFromActivity } from '../domain/timeFormat';
import type { ThreadLabel } from '../domain/types';
import type { ActivityInfo } from '../signout/activityInfo';
import type { ProactiveOrigin } from '../signout/teamsPort';

/** What the services need to know about an activity: who sent it, from where, in which time zone. */
export function activityInfo(activity: Partial<Activity>): ActivityInfo {
  const aadObjectId = activity.from?.aadObjectId;
  const clientInfo = activity.entities?.find((e) => e.type === 'clientInfo') as
    { timezone?: string } | undefined;
  const raw = activity as { rawLocalTimestamp?: string; localTimestamp?: string | Date };
  return {
    caller: aadObjectId
      ? { id: aadObjectId.toLowerCase(), name: activity.from?.name ?? aadObjectId }
      : undefined,
    senderId: activity.from?.id,
    tenantId:
      activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } })?.tenant?.id,
    zone: zoneFromActivity({
      localTimezone: activity.localTimezone ?? clientInfo?.timezone,
      localTimestamp: raw.rawLocalTimestamp ?? raw.localTimestamp,
    }),
    conversationId: activity.conversation?.id ?? '',
    thread: threadLabel(activity),
    origin: originOf(activity),
    reference: TurnContext.getConversationReference(activity) as Record<string, unknown>,
    click: activity.type === ActivityTypes.Invoke,
  };
}

/** Where proactive posts caused by an activity are sent from: its serviceUrl and the bot's account. */
export function originOf(activity: Partial<Activity>): ProactiveOrigin | undefined {
  if (!activity.serviceUrl || !activity.recipient) return undefined;
  return {
    serviceUrl: activity.serviceUrl,
    bot: { id: activity.recipient.id, name: activity.recipient.name },
  };
}

/** Names the place a request came from, for security notifications: team › channel, with a link. */
export function threadLabel(activity: Partial<Activity>): ThreadLabel {
  const cd = (activity.channelData ?? {}) as {
    team?: { name?: string };
    channel?: { id?: string; name?: string };
  };
  const conversationId = activity.conversation?.id ?? '';
  const [channelId, messagePart] = conversationId.split(';messageid=');
  const place =
    activity.conversation?.conversationType === 'personal'
      ? `a personal chat with ${activity.from?.name ?? 'an admin'}`
      : [cd.team?.name, cd.channel?.name ?? activity.conversation?.name].filter(Boolean).join(' › ') ||
        channelId;
  return messagePart
    ? {
        place,
        link: `https://teams.microsoft.com/l/message/${encodePart(channelId)}/${encodePart(messagePart)}`,
      }
    : { place };
}

/** Percent-encodes all but letters, digits, `-` and `.`, so an id cannot put markup into the link. */
function encodePart(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*~_]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
