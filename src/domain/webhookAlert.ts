import type { AlertActionEntry } from './alertActions';
import type { CardPoster } from './riskEpisode';

/**
 * An alert another system submitted through POST /api/alerts (Sentinel, Defender XDR, …). Its texts
 * come from outside and are hostile: the cards bind them into TextRuns only, and the link is shown only
 * after it passed `safeAlertLink`. Pure.
 */

export const ALERT_SEVERITIES = ['informational', 'low', 'medium', 'high'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** The body of POST /api/alerts once checked; the user is exactly one of a UPN or an object id. */
export interface SubmittedAlert {
  user: { kind: 'upn'; value: string } | { kind: 'objectId'; value: string };
  title: string;
  severity: AlertSeverity;
  source: string;
  link?: string;
  description?: string;
}

/** Who submitted the alert, from its access token. */
export interface AlertCaller {
  /** the client's app id (azp / appid) */
  appId: string;
  /** the client's service principal or managed identity object id (oid), when the token has one */
  objectId?: string;
}

/** A submitted alert as stored, so its card's buttons can be checked and the card redrawn. */
export interface WebhookAlert {
  id: string;
  receivedAt: string;
  caller: AlertCaller;
  alert: SubmittedAlert;
  /** the user the alert names, as the directory knows them */
  user: { id: string; displayName: string; userPrincipalName: string };
  cardActivityId?: string;
  poster?: CardPoster;
  actions: AlertActionEntry[];
  /** a sign-out made from the card: its card replaced the alert card */
  requestId?: string;
}

export const ALERT_LIMITS = { title: 200, source: 100, description: 2000, link: 2000, upn: 256 } as const;

/**
 * The link as the card may carry it, or undefined: an absolute https URL without user name or password.
 * Anything else (javascript:, data:, http:, a relative path) is dropped, never shown as a link.
 */
export function safeAlertLink(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || !url.hostname) return undefined;
  return url.href;
}
