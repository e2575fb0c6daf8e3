import { ALERT_ACTION_WORDS, type AlertActionEntry } from '../domain/alertActions';
import type { RiskDetection } from '../domain/riskEpisode';
import { isOngoing } from '../domain/riskEpisode';
import { formatUtc, parseInstant } from '../domain/timeFormat';
import { type AlertSeverity, safeAlertLink } from '../domain/webhookAlert';
import type { Color, Line } from './cardText';
import riskAlertTemplate from './riskAlert.json';
import { renderTemplate } from './template';

/**
 * The alert card in the security channel: a risky user's episode (Identity Protection) or an alert
 * another system submitted (POST /api/alerts), with the user, what is known about the risk, who did what
 * from the card, and the buttons that are still open. Every text that comes from Graph or from the
 * alert's sender is bound into a TextRun; the link is shown only after `safeAlertLink`, as text and as
 * an Action.OpenUrl.
 */

/** What a button carries: which card it is on, never any text. */
export type AlertRef =
  { kind: 'risk'; userId: string; episode: string } | { kind: 'webhook'; alertId: string };

export interface AlertCardInput {
  ref: AlertRef;
  user: { id: string; displayName: string; userPrincipalName: string };
  /** PROTECTED_USER_IDS: shown without sign-out and block buttons */
  protectedAccount: boolean;
  /** names of privileged roles held; undefined: they could not be read (treated as privileged) */
  privilegedRoles: string[] | undefined;
  risk?: {
    level: string;
    state: string;
    detail: string;
    /** riskLastUpdatedDateTime */
    changedAt: string;
    /** the most recent detections, or why they could not be read */
    detections: RiskDetection[] | { unavailable: string };
  };
  webhook?: {
    title: string;
    severity: AlertSeverity;
    source: string;
    link?: string;
    description?: string;
    receivedAt: string;
  };
  actions: AlertActionEntry[];
}

/** The entries shown, newest last; older ones are counted. */
const SHOWN_ACTIONS = 10;

export interface AlertCardData {
  title: string;
  titleColor: Color;
  displayName: string;
  upn: string;
  lines: (Line & { color: Color })[];
  /** canonical RFC 3339 instant for the card's DATE()/TIME() (the viewer's own time), or '' */
  localInstant: string;
  hasLocal: boolean;
  description: string;
  hasDescription: boolean;
  link: string;
  hasLink: boolean;
  detectionsTitle: string;
  detections: { type: string; when: string; ip: string; location: string }[];
  hasDetections: boolean;
  detectionsNote: string;
  protectedNote: string;
  isProtected: boolean;
  history: { who: string; what: string; outcome: string; reason: string; hasReason: boolean }[];
  hasHistory: boolean;
  historyMore: string;
  canSignOut: boolean;
  canConfirm: boolean;
  canDismiss: boolean;
  refData: Record<string, string>;
}

const LEVEL_COLORS: Record<string, Color> = { high: 'Attention', medium: 'Warning', low: 'Default' };
const SEVERITY_COLORS: Record<AlertSeverity, Color> = {
  high: 'Attention',
  medium: 'Warning',
  low: 'Default',
  informational: 'Default',
};

/** Graph's camelCase words, readable: "adminConfirmedSigninCompromised" → "admin confirmed signin compromised". */
export function graphWords(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The moment as Adaptive Cards' DATE()/TIME() need it (strict RFC 3339), or '' if it is not one. */
function rfc3339(iso: string): string {
  try {
    return parseInstant(iso)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  } catch {
    return '';
  }
}

function utcOr(iso: string, fallback: string): string {
  try {
    return formatUtc(iso);
  } catch {
    return fallback;
  }
}

function rolesLine(roles: string[] | undefined): Line & { color: Color } {
  if (roles === undefined) {
    return { label: 'Privileged', text: 'could not be checked; treated as privileged', color: 'Warning' };
  }
  return roles.length
    ? { label: 'Privileged', text: roles.join(', '), color: 'Attention' }
    : { label: 'Privileged', text: 'no privileged directory role', color: 'Default' };
}

export function alertCardData(c: AlertCardInput): AlertCardData {
  const lines: (Line & { color: Color })[] = [];
  let title: string;
  let titleColor: Color;
  let localInstant = '';
  let open = true;
  if (c.risk) {
    const r = c.risk;
    open = isOngoing(r.state);
    title = `Risky user: ${graphWords(r.level)} risk`;
    titleColor = LEVEL_COLORS[r.level.toLowerCase()] ?? 'Default';
    lines.push(
      { label: 'Risk level', text: graphWords(r.level), color: titleColor },
      { label: 'Risk state', text: graphWords(r.state), color: open ? 'Attention' : 'Good' },
      { label: 'Risk detail', text: graphWords(r.detail), color: 'Default' },
      // the time last, right above the reader's local time that the template adds
      rolesLine(c.privilegedRoles),
      { label: 'Changed', text: utcOr(r.changedAt, 'unknown'), color: 'Default' },
    );
    localInstant = rfc3339(r.changedAt);
  } else {
    const w = c.webhook!;
    title = `Alert: ${w.title}`;
    titleColor = SEVERITY_COLORS[w.severity];
    lines.push(
      { label: 'Severity', text: w.severity, color: titleColor },
      { label: 'Source', text: w.source, color: 'Default' },
      rolesLine(c.privilegedRoles),
      { label: 'Received', text: utcOr(w.receivedAt, 'unknown'), color: 'Default' },
    );
    localInstant = rfc3339(w.receivedAt);
  }

  const link = c.webhook?.link ? (safeAlertLink(c.webhook.link) ?? '') : '';
  const detections = c.risk && Array.isArray(c.risk.detections) ? c.risk.detections : [];
  const detectionsNote = !c.risk
    ? ''
    : !Array.isArray(c.risk.detections)
      ? c.risk.detections.unavailable
      : detections.length === 0
        ? 'No risk detections found for this user.'
        : '';
  const shown = c.actions.slice(-SHOWN_ACTIONS);
  const older = c.actions.length - shown.length;

  const state = c.risk?.state.toLowerCase();
  return {
    title,
    titleColor,
    displayName: c.user.displayName,
    upn: c.user.userPrincipalName,
    lines,
    localInstant,
    hasLocal: localInstant !== '',
    description: c.webhook?.description ?? '',
    hasDescription: !!c.webhook?.description,
    link,
    hasLink: link !== '',
    detectionsTitle: c.risk ? 'Most recent risk detections' : '',
    detections: detections.map((d) => ({
      type: graphWords(d.riskEventType),
      when: utcOr(d.detectedDateTime, 'time unknown'),
      ip: d.ipAddress || 'no IP address',
      location: d.location || 'location unknown',
    })),
    hasDetections: detections.length > 0,
    detectionsNote,
    protectedNote: c.protectedAccount
      ? 'Break-glass account (PROTECTED_USER_IDS): the bot never signs it out or blocks it.'
      : '',
    isProtected: c.protectedAccount,
    history: shown.map((a) => ({
      who: a.by.name,
      what: ` chose ${ALERT_ACTION_WORDS[a.kind]} at ${utcOr(a.at, a.at)}: `,
      outcome: a.outcome,
      reason: a.reason ?? '',
      hasReason: !!a.reason,
    })),
    hasHistory: shown.length > 0,
    historyMore: older > 0 ? `${older} earlier ${older === 1 ? 'action' : 'actions'} not shown` : '',
    // break-glass accounts are never signed out or blocked: no button offers it
    canSignOut: open && !c.protectedAccount,
    canConfirm: open && state !== 'confirmedcompromised',
    // Identity Protection's dismiss applies to a risky user, not to another system's alert
    canDismiss: open && !!c.risk,
    // every key always set: the template binds each one
    refData:
      c.ref.kind === 'risk'
        ? { alert: 'risk', userId: c.ref.userId, episode: c.ref.episode, alertId: '' }
        : { alert: 'webhook', userId: '', episode: '', alertId: c.ref.alertId },
  };
}

export function renderAlertCard(c: AlertCardInput): object {
  return renderTemplate(riskAlertTemplate, alertCardData(c));
}
