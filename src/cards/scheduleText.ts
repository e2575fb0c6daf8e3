import {
  CAE_REACTION_MINUTES,
  DEFAULT_ACCESS_TOKEN_LIFETIME_MINUTES,
  outEverywhereBy,
  type AccessTokenLifetime,
} from '../domain/outEverywhereBy';
import { lateStartMs } from '../domain/scheduleLifecycle';
import {
  formatDuration,
  formatInstant,
  formatLocal,
  formatShortTime,
  type LocalZone,
} from '../domain/timeFormat';
import type { Schedule, SignoutRequest } from '../domain/types';
import type { Line, Note } from './cardText';

/** The wording of a scheduled sign-out on its cards (issue 13). */

/** Microsoft's page on token lifetime policies: the card suggests a shorter one ahead of a cutover. */
export const TOKEN_LIFETIME_DOCS_URL =
  'https://learn.microsoft.com/entra/identity-platform/configurable-token-lifetimes';

/** Microsoft's default, when the bot was not told the tenant's lifetime. */
export const DEFAULT_LIFETIME: AccessTokenLifetime = {
  minutes: DEFAULT_ACCESS_TOKEN_LIFETIME_MINUTES,
  source: 'default',
};

const iana = (zone: string): LocalZone => ({ kind: 'iana', zone });

/**
 * When it starts: in UTC and the zone the time was read in, which zone that was and why, and the
 * requester's own clock when that is another zone.
 */
export function whenLines(s: Schedule): Line[] {
  const lines: Line[] = [{ label: 'Starts at', text: formatInstant(s.at, iana(s.zone)) }];
  if (s.zoneFrom === 'teams') {
    lines.push({ label: 'Time zone', text: `${s.zone}, your Teams time zone (no zone was typed)` });
  } else if (s.zoneFrom === 'typed') {
    lines.push({ label: 'Time zone', text: `${s.zone}, as typed` });
  }
  if (s.requesterZone && s.requesterZone !== s.zone) {
    lines.push({ label: "Requester's local time", text: formatLocal(s.at, iana(s.requesterZone)) });
  }
  return lines;
}

/**
 * When the targets are out everywhere, counted from the start: apps with Continuous Access Evaluation
 * soon after, every other app once the access tokens issued before it expire.
 */
export function outEverywhereLines(s: Schedule, lifetime: AccessTokenLifetime, zone?: LocalZone): Line[] {
  const by = outEverywhereBy(new Date(s.at), lifetime);
  const from =
    lifetime.source === 'policy'
      ? "your organization's token lifetime policy"
      : lifetime.source === 'default'
        ? "Microsoft's default; the tenant sets no other"
        : "Microsoft's default, assumed: the bot could not read the tenant's policy";
  return [
    {
      label: 'Out in Exchange Online, SharePoint and Teams by',
      text: `about ${formatShortTime(by.caeAppsBy.toISOString(), zone)} (Continuous Access Evaluation, within ${CAE_REACTION_MINUTES} min)`,
    },
    {
      label: 'Out in every other app by',
      text: `${formatShortTime(by.allAppsBy.toISOString(), zone)} (access tokens last ${lifetime.minutes} min: ${from})`,
    },
  ];
}

/** The cutover note: what signing out cannot cut short, and what an admin can do about it a day ahead. */
export const CUTOVER_NOTES: readonly string[] = [
  'For a cutover: apps without Continuous Access Evaluation keep working until their access token expires, ' +
    'whatever the bot does.',
  'To make that window shorter, an admin can set a shorter access-token lifetime a day ahead (a token ' +
    'lifetime policy in Microsoft Entra) and put it back afterwards. The bot never changes tenant policies.',
];

/** On the card of a scheduled job that started: when it was due, and how late it started if it did. */
export function startNote(req: SignoutRequest, zone: LocalZone | undefined): Note[] {
  if (!req.schedule || !req.startedAt) return [];
  const late = lateStartMs(req);
  return [
    late === undefined
      ? { text: `Scheduled for ${formatInstant(req.schedule.at, zone)}; started on time.`, color: 'Default' }
      : {
          text:
            `Scheduled for ${formatInstant(req.schedule.at, zone)}; started ${formatDuration(late)} late, ` +
            'because the bot was not running at that time.',
          color: 'Warning',
        },
  ];
}
