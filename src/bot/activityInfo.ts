import type { Activity } from 'botbuilder';
import { zoneFromActivity, type LocalZone } from '../domain/timeFormat';
import type { Person, ThreadLabel } from '../domain/types';

/** What the bot needs to know about who sent an activity, from where, and in which time zone. */
export interface ActivityInfo {
  caller?: Person;
  tenantId?: string;
  zone?: LocalZone;
  conversationId: string;
  thread: ThreadLabel;
}

export function activityInfo(activity: Partial<Activity>): ActivityInfo {
  const aadObjectId = activity.from?.aadObjectId;
  const clientInfo = activity.entities?.find((e) => e.type === 'clientInfo') as
    { timezone?: string } | undefined;
  const raw = activity as { rawLocalTimestamp?: string; localTimestamp?: string | Date };
  return {
    caller: aadObjectId
      ? { id: aadObjectId.toLowerCase(), name: activity.from?.name ?? aadObjectId }
      : undefined,
    tenantId:
      activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } })?.tenant?.id,
    zone: zoneFromActivity({
      localTimezone: activity.localTimezone ?? clientInfo?.timezone,
      localTimestamp: raw.rawLocalTimestamp ?? raw.localTimestamp,
    }),
    conversationId: activity.conversation?.id ?? '',
    thread: threadLabel(activity),
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

/** A zone as stored on a request: an IANA name, or an offset such as +01:00. */
export function zoneToString(zone: LocalZone | undefined): string | undefined {
  if (!zone) return undefined;
  if (zone.kind === 'iana') return zone.zone;
  const sign = zone.minutes < 0 ? '-' : '+';
  const abs = Math.abs(zone.minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function zoneFromString(s: string | undefined): LocalZone | undefined {
  if (!s) return undefined;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(s);
  if (m) return { kind: 'offset', minutes: (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) };
  return { kind: 'iana', zone: s };
}
