import { Template } from 'adaptivecards-templating';
import type { HistoryItem, HistoryTone } from '../domain/history';
import { num, plural } from '../domain/wording';
import {
  formatDuration,
  formatInstant,
  formatShortTime,
  formatValidFromLine,
  parseInstant,
  zoneLabel,
  type LocalZone,
} from '../domain/timeFormat';
import {
  actionOf,
  FAILED_OUTCOMES,
  type DirectoryUser,
  type Person,
  type SignoutRequest,
  type TargetOutcome,
  type TargetOutcomeKind,
} from '../domain/types';
import choiceTemplate from './choice.json';
import confirmTemplate from './confirm.json';
import helpTemplate from './help.json';
import historyTemplate from './history.json';
import progressTemplate from './progress.json';
import resultTemplate from './result.json';
import statusTemplate from './status.json';

/*
 * Cards are Adaptive Card 1.5 templates bound to display-ready data: every string is computed here, the
 * templates only place it. User-controlled text (names, UPNs, reasons, Graph messages) is bound into
 * TextRun elements, which Adaptive Cards never read as markdown, so `**`, `[link](…)` or the `_` and `#`
 * of a guest UPN show literally; data binding never evaluates `${…}` inside bound values. FactSets, whose
 * values Teams reads as markdown, only ever carry numbers and times computed here.
 *
 * Inputs live in the Action.ShowCard of the one button that needs them (confirmText for `signout all`,
 * rejectReason for Reject), so each button's `associatedInputs: "auto"` validates and sends exactly its
 * own input, and every other button says `associatedInputs: "none"`.
 */

/** How many targets a card lists before "…and N more". */
export const CONFIRM_LIST_LIMIT = 10;
export const RESULT_LIST_LIMIT = 20;
/** Lines in the confirmation card's "Show all N" list, before "…and N more". */
export const SHOW_ALL_LIMIT = 200;
/** Privileged users listed by name on a bulk confirmation card. */
export const PRIVILEGED_LIST_LIMIT = 10;
/** Candidates on a choice card. */
export const CHOICE_LIMIT = 10;
/**
 * Teams refuses a message over about 28 KB; the card gets this much of it, the rest is the activity's
 * envelope. Lists that could outgrow it (show all, history) are cut to fit, with "…and N more".
 */
export const MAX_CARD_BYTES = 26_000;

export type Color = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

export interface CardOptions {
  /** the reader's time zone, for local times next to UTC */
  zone?: LocalZone;
  /** defaults to the current time */
  now?: Date;
  /** where the CSV of every outcome can be downloaded (result card of a finished request) */
  csv?: CsvLink;
}

/** A signed download link for the CSV of a request's outcomes (src/bot/csvLinks.ts). */
export interface CsvLink {
  url: string;
  /** when the link stops working, ISO 8601 UTC */
  expiresAt: string;
}

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

/** Size of a card as Teams counts it: UTF-8 bytes of its JSON. */
export function cardBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/**
 * A request with more targets than a result card lists one by one: its running card is the progress
 * card, and its result is a summary with the failures only.
 */
export function isBulk(req: Pick<SignoutRequest, 'targets'>): boolean {
  return req.targets.length > RESULT_LIST_LIMIT;
}

interface Line {
  label: string;
  text: string;
}

// ---- confirmation --------------------------------------------------------------------------------

interface ShownTarget {
  displayName: string;
  upn: string;
  validFrom: string;
  hasFlags: boolean;
  flags: string;
  flagColor: Color;
}

export interface ConfirmCardData {
  requestId: string;
  heading: string;
  waiting: boolean;
  approvalWhy: string;
  notes: { text: string; color: Color }[];
  multiple: boolean;
  countText: string;
  targets: ShownTarget[];
  hasMore: boolean;
  moreText: string;
  hasShowAll: boolean;
  showAllTitle: string;
  allLines: { text: string; hasFlags: boolean; flags: string; flagColor: Color }[];
  allHasMore: boolean;
  allMoreText: string;
  hasPrivileged: boolean;
  privilegedTitle: string;
  privileged: { text: string; roles: string }[];
  privilegedHasMore: boolean;
  privilegedMoreText: string;
  people: Line[];
  whatHappens: { text: string }[];
  expiry: string;
  confirmPlain: boolean;
  confirmTyped: boolean;
  approvePlain: boolean;
  approveTyped: boolean;
  typePrompt: string;
  typedConfirmTitle: string;
  /** the button that starts it: "Sign out", or "Unblock" */
  confirmTitle: string;
}

const BLOCK_NOTE = 'Sign-in will be blocked first (accountEnabled = false)';

export function confirmCardData(req: SignoutRequest, o: CardOptions = {}): ConfirmCardData {
  const unblock = actionOf(req) === 'unblock';
  const n = req.targets.length;
  const all = req.source === 'all';
  const waiting = req.status === 'pending' && !!req.approval?.required;
  // `all` asks for the typed phrase on the button that starts the job; once approved, it was typed.
  const typed = all && req.status === 'pending';
  const shown = req.targets.slice(0, CONFIRM_LIST_LIMIT);
  const more = n - shown.length;
  const guests = req.targets.filter(isGuest).length;
  const privileged = req.targets.filter(isPrivileged);

  const notes: ConfirmCardData['notes'] = [];
  if (req.block) notes.push({ text: BLOCK_NOTE, color: 'Attention' });
  if (req.status === 'approved' && req.approvedBy)
    notes.push({
      text: `Approved by ${req.approvedBy.name}${req.approvedAt ? ` at ${formatInstant(req.approvedAt, o.zone)}` : ''}.`,
      color: 'Good',
    });
  if (req.excluded?.length) {
    const listed = req.excluded.slice(0, 5).join('; ');
    const rest = req.excluded.length > 5 ? `; and ${num(req.excluded.length - 5)} more` : '';
    notes.push({ text: `Left out: ${listed}${rest}.`, color: 'Warning' });
  }
  if (n > 1 && guests > 0)
    notes.push({
      text: `${plural(guests, 'guest')}: Graph accepts the call, but their sessions live in their home tenant, so nothing changes for them here.`,
      color: 'Warning',
    });

  const people: Line[] = [
    { label: 'Requested by', text: req.requester.name },
    { label: 'Reason', text: reasonText(req.reason) },
  ];

  const data: ConfirmCardData = {
    requestId: req.id,
    heading: unblock
      ? 'Unblock: allow sign-in again?'
      : all
        ? 'Sign out everyone in the organization?'
        : req.block
          ? 'Block sign-in and sign out of all Microsoft 365 sessions?'
          : 'Sign out of all Microsoft 365 sessions?',
    waiting,
    approvalWhy: req.approval?.why || 'the approval policy asks for a second admin',
    notes,
    multiple: n > 1 || all,
    countText: all ? `All ${plural(n, 'user')} in the organization` : plural(n, 'user'),
    targets: shown.map((t) => ({
      displayName: t.displayName || t.userPrincipalName || t.id,
      upn: t.userPrincipalName || t.id,
      validFrom: t.validFrom ? formatValidFromLine(t.validFrom, o.zone) : 'Sessions valid from: never reset',
      ...targetFlags(t),
    })),
    hasMore: more > 0,
    moreText: `…and ${num(more)} more`,
    hasShowAll: more > 0,
    showAllTitle: `Show all ${num(n)}`,
    allLines: [],
    allHasMore: false,
    allMoreText: '',
    hasPrivileged: n > 1 && privileged.length > 0,
    privilegedTitle: `⚠ ${plural(privileged.length, 'privileged user')}: ${privileged.length === 1 ? 'holds' : 'hold'} directory roles`,
    privileged: privileged.slice(0, PRIVILEGED_LIST_LIMIT).map((t) => ({
      text: `${t.displayName || t.userPrincipalName || t.id} · ${t.userPrincipalName || t.id}`,
      roles: `⚠ ${(t.privilegedRoles ?? []).join(', ')}`,
    })),
    privilegedHasMore: privileged.length > PRIVILEGED_LIST_LIMIT,
    privilegedMoreText: `…and ${num(privileged.length - PRIVILEGED_LIST_LIMIT)} more privileged users`,
    people,
    whatHappens: unblock ? UNBLOCK_HAPPENS : whatHappens(req.block === true),
    expiry: `This request expires at ${expiryTime(req.expiresAt, o.zone, o.now ?? new Date())}`,
    confirmPlain: !waiting && !typed,
    confirmTyped: !waiting && typed,
    approvePlain: waiting && !typed,
    approveTyped: waiting && typed,
    // Names what to type, never the answer: the request keeps the phrases, the card must not.
    typePrompt: 'To confirm, type the number of users in the organization, or its primary domain.',
    typedConfirmTitle: `Sign out all ${plural(n, 'user')}`,
    confirmTitle: unblock ? 'Unblock' : 'Sign out',
  };
  if (data.hasShowAll) fitShowAll(req, data);
  return data;
}

/**
 * The "are you sure?" card of a pending request, or of one waiting for a second admin (Approve, Reject
 * with a reason, Cancel). Every button carries only the request id; Teams adds the inputs. A pending
 * request with `choices` gets the choice card instead (`source` being the typed name).
 */
export function renderConfirmCard(req: SignoutRequest, o: CardOptions = {}): object {
  // A typed name that matched several users: nothing to confirm until the admin picks one.
  if (req.status === 'pending' && req.choices?.length)
    return renderChoiceCard(req.source ?? '', req.choices, req.id);
  return renderTemplate(confirmTemplate, confirmCardData(req, o));
}

const UNBLOCK_HAPPENS = [
  '• Sign-in is allowed again (accountEnabled = true): they can sign in with their password and MFA, on every device and in every app.',
  '• Sessions revoked earlier stay revoked: they sign in afresh.',
  '• It does not reset the password or MFA methods: if the account was compromised, make sure those were reset first.',
  '• The bot only reverses a block it made; it checks its audit log again when you click.',
].map((text) => ({ text }));

function whatHappens(block: boolean): { text: string }[] {
  return [
    ...(block
      ? [
          '• Sign-in is blocked first (accountEnabled = false): nobody can sign in as them until an admin runs unblock.',
        ]
      : []),
    '• All refresh tokens and browser sessions are revoked: they must sign in again everywhere, on every device and in every app.',
    '• Apps with Continuous Access Evaluation (Exchange Online, SharePoint, Teams) cut them off within minutes.',
    '• Access tokens already issued to other apps stay valid until they expire, up to about an hour.',
    block
      ? '• It does not reset the password, or sign out guests from their home tenant.'
      : '• It does not disable the account, reset the password, or sign out guests from their home tenant.',
  ].map((text) => ({ text }));
}

/** Fills "Show all N" with up to SHOW_ALL_LIMIT lines, fewer when the card would outgrow MAX_CARD_BYTES. */
function fitShowAll(req: SignoutRequest, data: ConfirmCardData): void {
  const lines = req.targets.slice(0, SHOW_ALL_LIMIT).map((t) => {
    const f = targetFlags(t);
    return {
      text: `${t.displayName || t.userPrincipalName || t.id} · ${t.userPrincipalName || t.id}`,
      hasFlags: f.hasFlags,
      flags: f.flags,
      flagColor: f.flagColor,
    };
  });
  const set = (k: number) => {
    data.allLines = lines.slice(0, k);
    data.allHasMore = req.targets.length > k;
    data.allMoreText = `…and ${num(req.targets.length - k)} more`;
  };
  set(lines.length);
  fitToBudget(confirmTemplate, data, lines.length, set);
}

/**
 * Shrinks a list (through `set(k)`) until the rendered card fits MAX_CARD_BYTES. Each round cuts by the
 * measured overflow over the average item size, so it converges in a few renders.
 */
function fitToBudget(template: object, data: object, count: number, set: (k: number) => void): void {
  const size = () => cardBytes(renderTemplate(template, data));
  let k = count;
  let current = size();
  if (current <= MAX_CARD_BYTES) return;
  set(0);
  const base = size();
  while (current > MAX_CARD_BYTES && k > 0) {
    const perItem = Math.max(1, (current - base) / k);
    k = Math.max(0, Math.min(k - 1, Math.floor((MAX_CARD_BYTES - base) / perItem)));
    set(k);
    current = size();
  }
}

function targetFlags(t: DirectoryUser): { hasFlags: boolean; flags: string; flagColor: Color } {
  const flags = [
    isGuest(t) && 'Guest',
    t.accountEnabled === false && 'Disabled',
    isPrivileged(t) && `⚠ ${(t.privilegedRoles ?? []).join(', ')}`,
  ].filter(Boolean);
  return {
    hasFlags: flags.length > 0,
    flags: flags.join(' · '),
    flagColor: isPrivileged(t) ? 'Attention' : 'Warning',
  };
}

/** Same day as now (UTC): the time of day is enough; otherwise the full date, so a stale card is not misread. */
function expiryTime(iso: string, zone: LocalZone | undefined, now: Date): string {
  const sameDay = parseInstant(iso).toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  return sameDay ? formatShortTime(iso, zone) : formatInstant(iso, zone);
}

// ---- result --------------------------------------------------------------------------------------

interface ResultRow {
  displayName: string;
  upn: string;
  status: string;
  color: Color;
  hasDetail: boolean;
  detail: string;
  hasReference: boolean;
  reference: string;
}

export interface ResultCardData {
  title: string;
  titleColor: Color;
  notes: { text: string; color: Color }[];
  people: Line[];
  multiple: boolean;
  countText: string;
  /** many targets: a summary and the failures instead of one row per target */
  bulk: boolean;
  summary: Line[];
  hasFailures: boolean;
  failuresTitle: string;
  /** one row per target, or per failure when bulk */
  targets: ResultRow[];
  hasMore: boolean;
  moreText: string;
  hasCsv: boolean;
  csvUrl: string;
  /** who can open the link, and until when */
  csvNote: string;
}

const OUTCOME: Record<TargetOutcomeKind, { status: string; color: Color }> = {
  revoked: { status: 'Signed out', color: 'Good' },
  guestSkipped: { status: 'Guest: nothing changed in this organization', color: 'Warning' },
  notFound: { status: 'Not found in the directory', color: 'Attention' },
  denied: { status: 'Not allowed', color: 'Attention' },
  failed: { status: 'Failed', color: 'Attention' },
  unblocked: { status: 'Sign-in allowed again', color: 'Good' },
};

const GUEST_NOTE =
  "Guests' sessions live in their home tenant, so only their home organization can sign them out there.";

export function resultCardData(req: SignoutRequest, o: CardOptions = {}): ResultCardData {
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
  const unblock = actionOf(req) === 'unblock';
  switch (req.status) {
    case 'running':
      title = unblock ? 'Unblocking…' : 'Signing out…';
      titleColor = 'Accent';
      notes.push({
        text: `Started by ${req.confirmedBy?.name ?? 'an admin'}${at(req.startedAt ?? req.confirmedAt)}.`,
        color: 'Default',
      });
      break;
    case 'done': {
      const success = unblock ? 'unblocked' : 'revoked';
      const allDone = rows.every((r) => r.outcome?.kind === success);
      title = unblock
        ? allDone
          ? 'Sign-in allowed again'
          : 'Unblock finished'
        : allDone
          ? 'Signed out'
          : 'Sign-out finished';
      titleColor = allDone ? 'Good' : 'Warning';
      break;
    }
    case 'failed':
      title = unblock ? 'Unblock failed' : 'Sign-out failed';
      titleColor = 'Attention';
      notes.push({
        text: req.error || (unblock ? 'Nothing was changed.' : 'Nobody was signed out.'),
        color: 'Attention',
      });
      break;
    case 'cancelled':
      title = unblock ? 'Unblock cancelled' : 'Sign-out cancelled';
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
    case 'rejected':
      title = unblock ? 'Unblock rejected' : 'Sign-out rejected';
      titleColor = 'Default';
      notes.push({
        text: `${req.rejectedBy?.name ?? 'A second admin'} rejected this request. Nothing was changed.`,
        color: 'Default',
      });
      break;
    default:
      throw new Error(`renderResultCard: a ${req.status} request has no result yet`);
  }
  if (req.block && (req.status === 'done' || req.status === 'running'))
    notes.push({
      text:
        req.status === 'running'
          ? 'Sign-in is blocked first (accountEnabled = false), then the sessions are revoked.'
          : 'Sign-in was blocked first (accountEnabled = false). An admin can allow it again with unblock.',
      color: 'Warning',
    });

  const people: Line[] = [{ label: 'Requested by', text: `${req.requester.name}${at(req.createdAt)}` }];
  if (req.approvedBy) people.push(who('Approved by', req.approvedBy, at(req.approvedAt)));
  if (req.confirmedBy && req.confirmedBy.id !== req.approvedBy?.id)
    people.push(who('Confirmed by', req.confirmedBy, at(req.confirmedAt)));
  if (req.rejectedBy) people.push(who('Rejected by', req.rejectedBy, at(req.rejectedAt)));
  if (req.status === 'rejected' || req.rejectionReason)
    people.push({ label: 'Rejection reason', text: reasonText(req.rejectionReason ?? '') });
  if (req.cancelledBy) people.push(who('Cancelled by', req.cancelledBy, at(req.finishedAt)));
  people.push({ label: 'Reason', text: reasonText(req.reason) });
  if (req.finishedAt && req.status !== 'cancelled' && req.status !== 'expired' && req.status !== 'rejected')
    people.push({ label: 'Finished', text: formatInstant(req.finishedAt, o.zone) });

  const bulk = isBulk(req);
  const listed = bulk ? rows.filter((r) => r.outcome && FAILED_OUTCOMES.includes(r.outcome.kind)) : rows;
  const shown = listed.slice(0, RESULT_LIST_LIMIT);
  const more = listed.length - shown.length;
  const csvUrl = req.status !== 'running' ? safeUrl(o.csv?.url) : undefined;
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
    bulk,
    summary: bulk ? summaryLines(req, rows.length) : [],
    hasFailures: bulk && listed.length > 0,
    failuresTitle: `Failures (${num(listed.length)})`,
    targets: shown.map((r) => targetRow(r.user, r.userId, r.outcome, req, o.zone)),
    hasMore: more > 0,
    moreText: `…and ${num(more)} more`,
    hasCsv: csvUrl !== undefined,
    csvUrl: csvUrl ?? '',
    csvNote: o.csv ? csvNote(o.csv, o.zone) : '',
  };
}

/**
 * The card of a request once it left pending: running, done, failed, cancelled, expired or rejected.
 * A pending or approved request can still be confirmed, so it gets its confirmation card back; a running
 * bulk request gets its progress card. Only a finished request with `csv` has a button (the CSV).
 */
export function renderResultCard(req: SignoutRequest, o: CardOptions = {}): object {
  if (req.status === 'pending' || req.status === 'approved') return renderConfirmCard(req, o);
  if (req.status === 'running' && isBulk(req)) return renderProgressCard(req, o);
  return renderTemplate(resultTemplate, resultCardData(req, o));
}

/** Revoked / failed / skipped / not signed out counts and the duration, for the bulk summary. */
function summaryLines(req: SignoutRequest, total: number): Line[] {
  const n = (kinds: readonly TargetOutcomeKind[]) =>
    req.outcomes.filter((x) => kinds.includes(x.kind)).length;
  const lines: Line[] = [
    { label: 'Signed out', text: num(n(['revoked'])) },
    { label: 'Failed', text: num(n(FAILED_OUTCOMES)) },
    { label: 'Skipped (guests)', text: num(n(['guestSkipped'])) },
  ];
  const missing = total - req.outcomes.length;
  if (missing > 0) lines.push({ label: 'Not signed out', text: num(missing) });
  const started = req.startedAt ?? req.confirmedAt;
  if (started && req.finishedAt) {
    const ms = Date.parse(req.finishedAt) - Date.parse(started);
    if (Number.isFinite(ms) && ms >= 0) lines.push({ label: 'Duration', text: formatDuration(ms) });
  }
  return lines;
}

function targetRow(
  user: DirectoryUser | undefined,
  userId: string,
  outcome: TargetOutcome | undefined,
  req: SignoutRequest,
  zone: LocalZone | undefined,
): ResultRow {
  const name = {
    displayName: user?.displayName || user?.userPrincipalName || userId,
    upn: user?.userPrincipalName || userId,
  };
  if (!outcome) {
    const status =
      req.status === 'running'
        ? 'Waiting…'
        : actionOf(req) === 'unblock'
          ? 'Not unblocked'
          : 'Not signed out';
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
  else if (outcome.kind === 'unblocked')
    details.push('Sessions revoked earlier stay revoked: they sign in afresh.');
  // Graph messages from graphErrors already end with the request-id; repeat it only when it is missing.
  const ref = [outcome.code, outcome.requestId && `request-id ${outcome.requestId}`]
    .filter(Boolean)
    .join(' · ');
  const hasReference =
    ref !== '' &&
    outcome.kind !== 'revoked' &&
    outcome.kind !== 'unblocked' &&
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
    .map(([count, what]) => `${num(count as number)} ${what}`);
  return `${num(outcomes.length)} users: ${parts.join(', ')}`;
}

function who(label: string, p: Person, when: string): Line {
  return { label, text: `${p.name}${when}` };
}

/** An http(s) URL for Action.OpenUrl, or undefined: a card with a malformed url is refused by Teams. */
/** The link is a bearer link: the card says so, and until when it works. */
function csvNote(csv: CsvLink, zone?: LocalZone): string {
  return `Anyone with this link can download the CSV until ${formatInstant(csv.expiresAt, zone)}; every download is audited.`;
}

function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

// ---- progress ------------------------------------------------------------------------------------

export interface ProgressCardData {
  requestId: string;
  title: string;
  notes: { text: string; color: Color }[];
  countText: string;
  hasDone: boolean;
  doneWeight: number;
  hasRemaining: boolean;
  remainingWeight: number;
  facts: Line[];
  people: Line[];
  hasUpdated: boolean;
  updated: string;
}

/** Resolution of the progress bar: the two columns' weights add up to this. */
const BAR_STEPS = 1000;

export function progressCardData(req: SignoutRequest, o: CardOptions = {}): ProgressCardData {
  const total = Math.max(req.progress?.total ?? 0, req.targets.length);
  const done = Math.min(total, Math.max(req.progress?.done ?? 0, req.outcomes.length));
  const started = req.startedAt ?? req.confirmedAt;
  const now = o.now ?? new Date();
  let rate = req.progress?.ratePerSecond;
  if (!(rate !== undefined && rate > 0) && started && done > 0) {
    const secs = (now.getTime() - Date.parse(started)) / 1000;
    if (secs > 0) rate = done / secs;
  }
  const remaining = total - done;
  const etaMs =
    req.progress?.etaMs !== undefined
      ? req.progress.etaMs
      : rate && rate > 0
        ? (remaining / rate) * 1000
        : undefined;
  const pct = total ? Math.floor((done * 100) / total) : 0;
  const doneWeight = total ? Math.round((done * BAR_STEPS) / total) : 0;

  const n = (kinds: readonly TargetOutcomeKind[]) =>
    req.outcomes.filter((x) => kinds.includes(x.kind)).length;
  const sofar = [
    `${num(n(['revoked']))} signed out`,
    `${num(n(FAILED_OUTCOMES))} failed`,
    plural(n(['guestSkipped']), 'guest skipped', 'guests skipped'),
  ].join(' · ');
  const facts: Line[] = [
    { label: 'Rate', text: rate && rate > 0 ? `${rate.toFixed(rate < 100 ? 1 : 0)} users/s` : 'measuring…' },
    {
      label: 'Time left',
      text:
        remaining === 0
          ? 'finishing'
          : etaMs !== undefined && Number.isFinite(etaMs)
            ? `about ${formatDuration(etaMs)}`
            : 'estimating…',
    },
    { label: 'So far', text: sofar },
  ];
  const throttled = req.progress?.throttled ?? 0;
  if (throttled > 0)
    facts.push({
      label: 'Throttled',
      text: `${num(throttled)} times by Microsoft Graph: paused and retried, nobody fails because of it`,
    });

  const at = (iso: string | undefined) => (iso ? ` at ${formatInstant(iso, o.zone)}` : '');
  const people: Line[] = [{ label: 'Requested by', text: `${req.requester.name}${at(req.createdAt)}` }];
  if (req.approvedBy) people.push(who('Approved by', req.approvedBy, at(req.approvedAt)));
  if (req.confirmedBy && req.confirmedBy.id !== req.approvedBy?.id)
    people.push(who('Confirmed by', req.confirmedBy, at(req.confirmedAt)));
  people.push({ label: 'Reason', text: reasonText(req.reason) });

  const notes: { text: string; color: Color }[] = [];
  if (req.block)
    notes.push({
      text: 'Sign-in is blocked first (accountEnabled = false), then the sessions are revoked.',
      color: 'Warning',
    });
  const pausedUntil = req.progress?.pausedUntil;
  if (pausedUntil && Date.parse(pausedUntil) > now.getTime())
    notes.push({
      text: `Paused by Graph until ${formatInstant(pausedUntil, o.zone)}: Microsoft Graph asked the bot to wait (throttling). The job goes on by itself then.`,
      color: 'Warning',
    });
  return {
    requestId: req.id,
    title: `Signing out ${plural(total, 'user')}…`,
    notes,
    countText: `${num(done)} of ${num(total)} done (${pct}%)`,
    hasDone: doneWeight > 0,
    doneWeight,
    hasRemaining: doneWeight < BAR_STEPS,
    remainingWeight: BAR_STEPS - doneWeight,
    facts,
    people,
    hasUpdated: o.now !== undefined,
    updated: o.now ? `Updated ${formatInstant(o.now.toISOString(), o.zone)}` : '',
  };
}

/**
 * A running bulk job: done of total, percent, rate, time left and a progress bar, with Cancel (which stops
 * further revokes). From `req.progress` when the job reported it, else counted from `req.outcomes`.
 */
export function renderProgressCard(req: SignoutRequest, o: CardOptions = {}): object {
  return renderTemplate(progressTemplate, progressCardData(req, o));
}

// ---- choice --------------------------------------------------------------------------------------

export interface ChoiceCardData {
  requestId: string;
  countText: string;
  typed: string;
  candidates: {
    userId: string;
    displayName: string;
    upn: string;
    mail: string;
    hasFlags: boolean;
    flags: string;
    flagColor: Color;
    buttonTitle: string;
  }[];
  hasMore: boolean;
  moreText: string;
}

export function choiceCardData(
  typed: string,
  users: readonly DirectoryUser[],
  requestId: string,
): ChoiceCardData {
  const shown = users.slice(0, CHOICE_LIMIT);
  const more = users.length - shown.length;
  return {
    requestId,
    countText: `${plural(users.length, 'user')} match`,
    typed,
    candidates: shown.map((u) => ({
      userId: u.id,
      displayName: u.displayName || u.userPrincipalName || u.id,
      upn: u.userPrincipalName || u.id,
      mail: u.mail || '—',
      ...targetFlags(u),
      buttonTitle: `Choose ${u.userPrincipalName || u.id}`,
    })),
    hasMore: more > 0,
    moreText: `…and ${num(more)} more. Ask again with the user principal name or object id of the one you mean.`,
  };
}

/**
 * A typed display name matched several users: one button per candidate (verb signout.choose, data
 * `{ requestId, userId }`), and "None of these" (signout.cancel). Nothing is signed out from here.
 */
export function renderChoiceCard(typed: string, users: readonly DirectoryUser[], requestId: string): object {
  return renderTemplate(choiceTemplate, choiceCardData(typed, users, requestId));
}

// ---- history -------------------------------------------------------------------------------------

export interface HistoryCardData {
  title: string;
  subtitle: string;
  items: { whom: string; outcome: string; color: Color; lines: Line[] }[];
  hasMore: boolean;
  moreText: string;
}

const TONE: Record<HistoryTone, Color> = {
  good: 'Good',
  partial: 'Warning',
  bad: 'Attention',
  neutral: 'Default',
  open: 'Accent',
};

export function historyCardData(
  items: readonly HistoryItem[],
  o: { zone?: LocalZone; title: string; emptyText?: string },
): HistoryCardData {
  const when = (iso: string) => safeInstant(iso, o.zone);
  const zone = o.zone && zoneLabel(o.zone);
  const rows = items.map((it) => {
    const lines: Line[] = [
      {
        label: it.kind === 'refused' ? 'Tried by' : 'Asked by',
        text: `${it.requester.name || it.requester.id || 'unknown'} at ${when(it.at)}`,
      },
    ];
    // every value from the log in a line of its own (label and value are separate TextRuns)
    if (it.askedAs) lines.push({ label: 'Asked as', text: it.askedAs });
    if (it.kind === 'unblock') lines.push({ label: 'Action', text: 'unblock (allow sign-in again)' });
    if (it.approvalWhy !== undefined) lines.push({ label: 'Approval needed', text: it.approvalWhy });
    if (it.approvedBy) lines.push({ label: 'Approved by', text: it.approvedBy });
    if (it.confirmedBy && it.confirmedBy !== it.approvedBy)
      lines.push({ label: 'Confirmed by', text: it.confirmedBy });
    if (it.rejectedBy) lines.push({ label: 'Rejected by', text: it.rejectedBy });
    if (it.rejectionReason) lines.push({ label: 'Why rejected', text: it.rejectionReason });
    if (it.cancelledBy) lines.push({ label: 'Cancelled by', text: it.cancelledBy });
    if (it.refusal) lines.push({ label: 'Refused', text: it.refusal });
    if (it.failure) lines.push({ label: 'Why it failed', text: it.failure });
    if (it.recordedOutcome) lines.push({ label: 'Logged outcome', text: it.recordedOutcome });
    if (it.detail) lines.push({ label: 'Logged details', text: it.detail });
    if (it.block && it.kind === 'signout')
      lines.push({ label: 'Block sign-in', text: 'yes, before the sign-out' });
    if (it.reason) lines.push({ label: 'Reason', text: it.reason });
    if (it.lastAt) lines.push({ label: 'Last update', text: when(it.lastAt) });
    if (it.requestId) lines.push({ label: 'Request', text: it.requestId });
    return { whom: it.whom, outcome: it.outcome, color: TONE[it.tone], lines };
  });
  const data: HistoryCardData = {
    title: o.title,
    subtitle: '',
    items: rows,
    hasMore: false,
    moreText: '',
  };
  const set = (k: number) => {
    data.items = rows.slice(0, k);
    data.hasMore = k < rows.length;
    data.moreText = `${num(rows.length - k)} older ${rows.length - k === 1 ? 'action does' : 'actions do'} not fit on a card: npm run audit:export has them all.`;
    data.subtitle = k
      ? `${k === 1 ? 'The last action' : `The last ${num(k)} actions`}, newest first. Times in UTC${zone && zone !== 'UTC' ? ` and ${zone}` : ''}.`
      : (o.emptyText ?? 'Nothing in the audit log yet.');
  };
  set(rows.length);
  fitToBudget(historyTemplate, data, rows.length, set);
  return data;
}

/** `history`: the last actions from buildHistory, newest first, times in UTC and the reader's zone. */
export function renderHistoryCard(
  items: readonly HistoryItem[],
  o: { zone?: LocalZone; title: string; emptyText?: string },
): object {
  return renderTemplate(historyTemplate, historyCardData(items, o));
}

/** An audit timestamp for display; one that does not parse is shown as stored rather than failing the card. */
function safeInstant(iso: string, zone: LocalZone | undefined): string {
  try {
    return formatInstant(iso, zone);
  } catch {
    return String(iso);
  }
}

// ---- formatting ----------------------------------------------------------------------------------

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

function isPrivileged(u: Pick<DirectoryUser, 'privilegedRoles'>): boolean {
  return (u.privilegedRoles?.length ?? 0) > 0;
}

function reasonText(reason: string): string {
  return reason.trim() ? reason : 'No reason given';
}
