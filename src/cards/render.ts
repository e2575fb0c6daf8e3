import { CardFactory, type Attachment } from 'botbuilder';
import { Template } from 'adaptivecards-templating';
import {
  formatInstant,
  formatShortTime,
  formatValidFromLine,
  parseInstant,
  type LocalZone,
} from '../core/timeFormat';
import type { DirectoryUser, Person, SignoutRequest, TargetOutcome, TargetOutcomeKind } from '../core/types';
import confirmTemplate from './confirm.json';
import helpTemplate from './help.json';
import resultTemplate from './result.json';
import statusTemplate from './status.json';

/*
 * Cards are Adaptive Card 1.5 templates bound to display-ready data: every string is computed here, the
 * templates only place it. User-controlled text (names, UPNs, reasons, Graph messages) is bound into
 * TextRun elements, which Adaptive Cards never read as markdown, so `**`, `[link](…)` or the `_` and `#`
 * of a guest UPN show literally; data binding never evaluates `${…}` inside bound values.
 */

/** How many targets a card lists before "…and N more". */
export const CONFIRM_LIST_LIMIT = 10;
export const RESULT_LIST_LIMIT = 20;

export type Color = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

const templates = new WeakMap<object, Template>();

/** Expands an Adaptive Card template with `data` as `$root`. Every field a template uses must be defined. */
export function renderTemplate(template: object, data: object): object {
  let t = templates.get(template);
  if (!t) {
    t = new Template(template);
    templates.set(template, t);
  }
  return t.expand({ $root: data }) as object;
}

export function cardAttachment(card: object): Attachment {
  return CardFactory.adaptiveCard(card);
}

interface Line {
  label: string;
  text: string;
}

// ---- confirmation --------------------------------------------------------------------------------

export interface ConfirmCardData {
  requestId: string;
  multiple: boolean;
  countText: string;
  targets: { displayName: string; upn: string; validFrom: string; hasFlags: boolean; flags: string }[];
  hasMore: boolean;
  moreText: string;
  people: Line[];
  expiry: string;
}

export function confirmCardData(
  req: SignoutRequest,
  o: { zone?: LocalZone; now?: Date } = {},
): ConfirmCardData {
  const shown = req.targets.slice(0, CONFIRM_LIST_LIMIT);
  const more = req.targets.length - shown.length;
  return {
    requestId: req.id,
    multiple: req.targets.length > 1,
    countText: `${req.targets.length} users`,
    targets: shown.map((t) => {
      const flags = [isGuest(t) && 'Guest', t.accountEnabled === false && 'Disabled'].filter(Boolean);
      return {
        displayName: t.displayName || t.userPrincipalName || t.id,
        upn: t.userPrincipalName || t.id,
        validFrom: t.validFrom
          ? formatValidFromLine(t.validFrom, o.zone)
          : 'Sessions valid from: never reset',
        hasFlags: flags.length > 0,
        flags: flags.join(' · '),
      };
    }),
    hasMore: more > 0,
    moreText: `…and ${more} more`,
    people: [
      { label: 'Requested by', text: req.requester.name },
      { label: 'Reason', text: reasonText(req.reason) },
    ],
    expiry: `This request expires at ${expiryTime(req.expiresAt, o.zone, o.now ?? new Date())}`,
  };
}

/** The "are you sure?" card of a pending request, with Sign out and Cancel buttons carrying only its id. */
export function renderConfirmCard(req: SignoutRequest, o: { zone?: LocalZone; now?: Date } = {}): object {
  return renderTemplate(confirmTemplate, confirmCardData(req, o));
}

/** Same day as now (UTC): the time of day is enough; otherwise the full date, so a stale card is not misread. */
function expiryTime(iso: string, zone: LocalZone | undefined, now: Date): string {
  const sameDay = parseInstant(iso).toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  return sameDay ? formatShortTime(iso, zone) : formatInstant(iso, zone);
}

// ---- result --------------------------------------------------------------------------------------

export interface ResultCardData {
  title: string;
  titleColor: Color;
  notes: { text: string; color: Color }[];
  people: Line[];
  multiple: boolean;
  countText: string;
  targets: {
    displayName: string;
    upn: string;
    status: string;
    color: Color;
    hasDetail: boolean;
    detail: string;
    hasReference: boolean;
    reference: string;
  }[];
  hasMore: boolean;
  moreText: string;
}

const OUTCOME: Record<TargetOutcomeKind, { status: string; color: Color }> = {
  revoked: { status: 'Signed out', color: 'Good' },
  guestSkipped: { status: 'Guest: nothing changed in this organization', color: 'Warning' },
  notFound: { status: 'Not found in the directory', color: 'Attention' },
  denied: { status: 'Not allowed', color: 'Attention' },
  failed: { status: 'Failed', color: 'Attention' },
};

const GUEST_NOTE =
  "Guests' sessions live in their home tenant, so only their home organization can sign them out there.";

export function resultCardData(req: SignoutRequest, o: { zone?: LocalZone } = {}): ResultCardData {
  const at = (iso: string | undefined) => (iso ? ` at ${formatInstant(iso, o.zone)}` : '');
  const outcomes = new Map(req.outcomes.map((x) => [x.userId, x]));
  const known = new Set(req.targets.map((t) => t.id));
  // Outcomes for ids missing from targets should not happen, but must not vanish from the record.
  const rows: { user?: DirectoryUser; userId: string; outcome?: TargetOutcome }[] = [
    ...req.targets.map((t) => ({ user: t, userId: t.id, outcome: outcomes.get(t.id) })),
    ...req.outcomes.filter((x) => !known.has(x.userId)).map((x) => ({ userId: x.userId, outcome: x })),
  ];

  const notes: { text: string; color: Color }[] = [];
  let title: string;
  let titleColor: Color;
  const changedNothing = !req.outcomes.some((x) => x.kind === 'revoked');
  switch (req.status) {
    case 'running':
      title = 'Signing out…';
      titleColor = 'Accent';
      notes.push({
        text: `Started by ${req.confirmedBy?.name ?? 'an admin'}${at(req.startedAt ?? req.confirmedAt)}.`,
        color: 'Default',
      });
      break;
    case 'done': {
      const allRevoked = rows.every((r) => r.outcome?.kind === 'revoked');
      title = allRevoked ? 'Signed out' : 'Sign-out finished';
      titleColor = allRevoked ? 'Good' : 'Warning';
      break;
    }
    case 'failed':
      title = 'Sign-out failed';
      titleColor = 'Attention';
      notes.push({ text: req.error || 'Nobody was signed out.', color: 'Attention' });
      break;
    case 'cancelled':
      title = 'Sign-out cancelled';
      titleColor = 'Default';
      notes.push({
        text: changedNothing
          ? 'Nothing was changed.'
          : 'Stopped part-way: users already signed out stay signed out; the others were not touched.',
        color: 'Default',
      });
      break;
    case 'expired':
      title = 'Request expired';
      titleColor = 'Default';
      notes.push({
        text: `This request expired at ${formatInstant(req.expiresAt, o.zone)}. Nothing was changed. Ask again if still needed.`,
        color: 'Default',
      });
      break;
    default:
      throw new Error(`renderResultCard: a ${req.status} request has no result yet`);
  }

  const people: Line[] = [{ label: 'Requested by', text: `${req.requester.name}${at(req.createdAt)}` }];
  if (req.confirmedBy) people.push(who('Confirmed by', req.confirmedBy, at(req.confirmedAt)));
  if (req.cancelledBy) people.push(who('Cancelled by', req.cancelledBy, at(req.finishedAt)));
  people.push({ label: 'Reason', text: reasonText(req.reason) });
  if (req.finishedAt && req.status !== 'cancelled' && req.status !== 'expired')
    people.push({ label: 'Finished', text: formatInstant(req.finishedAt, o.zone) });

  const shown = rows.slice(0, RESULT_LIST_LIMIT);
  const more = rows.length - shown.length;
  return {
    title,
    titleColor,
    notes,
    people,
    multiple: rows.length > 1,
    countText: countText(
      req,
      rows.map((r) => r.outcome),
    ),
    targets: shown.map((r) => targetRow(r.user, r.userId, r.outcome, req, o.zone)),
    hasMore: more > 0,
    moreText: `…and ${more} more`,
  };
}

/**
 * The card of a request once it left pending: running, done, failed, cancelled or expired, without buttons.
 * A pending or approved request can still be confirmed, so it gets its confirmation card back.
 */
export function renderResultCard(req: SignoutRequest, o: { zone?: LocalZone } = {}): object {
  if (req.status === 'pending' || req.status === 'approved') return renderConfirmCard(req, o);
  return renderTemplate(resultTemplate, resultCardData(req, o));
}

function targetRow(
  user: DirectoryUser | undefined,
  userId: string,
  outcome: TargetOutcome | undefined,
  req: SignoutRequest,
  zone: LocalZone | undefined,
): ResultCardData['targets'][number] {
  const name = {
    displayName: user?.displayName || user?.userPrincipalName || userId,
    upn: user?.userPrincipalName || userId,
  };
  if (!outcome) {
    const status = req.status === 'running' ? 'Waiting…' : 'Not signed out';
    return {
      ...name,
      status,
      color: 'Default',
      hasDetail: false,
      detail: '',
      hasReference: false,
      reference: '',
    };
  }
  const details: string[] = [];
  if (outcome.kind === 'revoked' && outcome.validFrom)
    details.push(formatValidFromLine(outcome.validFrom, zone));
  if (outcome.message) details.push(outcome.message);
  else if (outcome.kind === 'guestSkipped') details.push(GUEST_NOTE);
  // Graph messages from graphErrors already end with the request-id; repeat it only when it is missing.
  const ref = [outcome.code, outcome.requestId && `request-id ${outcome.requestId}`]
    .filter(Boolean)
    .join(' · ');
  const hasReference =
    ref !== '' &&
    outcome.kind !== 'revoked' &&
    !(outcome.requestId && outcome.message?.includes(outcome.requestId));
  return {
    ...name,
    ...OUTCOME[outcome.kind],
    hasDetail: details.length > 0,
    detail: details.join(' '),
    hasReference,
    reference: `Graph: ${ref}`,
  };
}

function countText(req: SignoutRequest, outcomes: (TargetOutcome | undefined)[]): string {
  const n = (k: TargetOutcomeKind) => outcomes.filter((x) => x?.kind === k).length;
  const parts = [
    [n('revoked'), 'signed out'],
    [n('guestSkipped'), n('guestSkipped') === 1 ? 'guest' : 'guests'],
    [n('notFound'), 'not found'],
    [n('denied'), 'not allowed'],
    [n('failed'), 'failed'],
    [outcomes.filter((x) => !x).length, req.status === 'running' ? 'waiting' : 'not signed out'],
  ]
    .filter(([count]) => count !== 0)
    .map(([count, what]) => `${count} ${what}`);
  return `${outcomes.length} users: ${parts.join(', ')}`;
}

function who(label: string, p: Person, when: string): Line {
  return { label, text: `${p.name}${when}` };
}

// ---- status --------------------------------------------------------------------------------------

export interface StatusCardData {
  displayName: string;
  upn: string;
  facts: { label: string; text: string; color: Color }[];
}

export function statusCardData(user: DirectoryUser, o: { zone?: LocalZone } = {}): StatusCardData {
  const account =
    user.accountEnabled === true
      ? { text: 'Enabled', color: 'Good' as const }
      : user.accountEnabled === false
        ? { text: 'Blocked from sign-in', color: 'Attention' as const }
        : { text: 'Unknown', color: 'Default' as const };
  return {
    displayName: user.displayName || user.userPrincipalName || user.id,
    upn: user.userPrincipalName || user.id,
    facts: [
      { label: 'Mail', text: user.mail || '—', color: 'Default' },
      { label: 'Account', ...account },
      { label: 'User type', text: user.userType || 'Unknown', color: isGuest(user) ? 'Warning' : 'Default' },
      {
        label: 'Sessions valid from',
        text: user.validFrom ? formatInstant(user.validFrom, o.zone) : 'never reset',
        color: 'Default',
      },
      { label: 'Object id', text: user.id, color: 'Default' },
    ],
  };
}

/** What the directory says about one user: account state and since when their sessions are valid. */
export function renderStatusCard(user: DirectoryUser, o: { zone?: LocalZone } = {}): object {
  return renderTemplate(statusTemplate, statusCardData(user, o));
}

// ---- help ----------------------------------------------------------------------------------------

/** What the bot does, its commands, who may use it, and (when `authorized` is false) that the reader may not. */
export function renderHelpCard(o: { authorized: boolean; whoMayUse: string }): object {
  return renderTemplate(helpTemplate, { whoMayUse: o.whoMayUse, notAuthorized: !o.authorized });
}

// ---- shared --------------------------------------------------------------------------------------

function isGuest(u: Pick<DirectoryUser, 'userType'>): boolean {
  return u.userType?.toLowerCase() === 'guest';
}

function reasonText(reason: string): string {
  return reason.trim() ? reason : 'No reason given';
}
