import { isMultiTarget } from '../domain/requestSize';
import {
  formatInstant,
  formatShortTime,
  formatValidFromLine,
  parseInstant,
  type LocalZone,
} from '../domain/timeFormat';
import { actionOf, type DirectoryUser, type SignoutRequest } from '../domain/types';
import { displayNameOf, principalNameOf } from '../domain/userNames';
import { num, plural } from '../domain/wording';
import { fitToBudget } from './budget';
import type { CardOptions } from './cardOptions';
import { atTime, blockNote, reasonText, requestPeople, type Line, type Note } from './cardText';
import confirmTemplate from './confirm.json';
import {
  CUTOVER_NOTES,
  DEFAULT_LIFETIME,
  outEverywhereLines,
  TOKEN_LIFETIME_DOCS_URL,
  whenLines,
} from './scheduleText';
import { isGuest, isPrivileged, rolesFlag, targetFlags, type TargetFlags } from './targetFlags';
import { renderTemplate } from './template';

/*
 * Inputs live in the Action.ShowCard of the one button that needs them (confirmText for `signout all`,
 * rejectReason for Reject), so each button's `associatedInputs: "auto"` validates and sends exactly its
 * own input, and every other button says `associatedInputs: "none"`.
 */

/** Targets listed by name before "…and N more". */
export const CONFIRM_LIST_LIMIT = 10;
/** Lines in the "Show all N" list, before "…and N more". */
export const SHOW_ALL_LIMIT = 200;
/** Privileged users listed by name on a confirmation card with several targets. */
export const PRIVILEGED_LIST_LIMIT = 10;

interface ShownTarget extends TargetFlags {
  displayName: string;
  upn: string;
  validFrom: string;
}

export interface ConfirmCardData {
  requestId: string;
  heading: string;
  waiting: boolean;
  approvalWhy: string;
  notes: Note[];
  multiple: boolean;
  countText: string;
  targets: ShownTarget[];
  hasMore: boolean;
  moreText: string;
  hasShowAll: boolean;
  showAllTitle: string;
  allLines: ({ text: string } & TargetFlags)[];
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
  /** the button that starts it: "Sign out", "Schedule sign-out", or "Unblock" */
  confirmTitle: string;
  /** a scheduled sign-out (issue 13): when, how it was read, when everyone is out, the cutover note */
  scheduled: boolean;
  scheduleTitle: string;
  scheduleLines: Line[];
  scheduleNotes: { text: string }[];
  docsUrl: string;
}

export function confirmCardData(req: SignoutRequest, o: CardOptions = {}): ConfirmCardData {
  const unblock = actionOf(req) === 'unblock';
  const n = req.targets.length;
  const all = req.source === 'all';
  const waiting = req.status === 'pending' && !!req.approval?.required;
  // `all` asks for the typed phrase on the button that starts the job; once approved, it was typed.
  const typed = all && req.status === 'pending';
  const schedule = req.schedule;
  // confirmed and waiting for its time: only Cancel is left
  const open = req.status !== 'scheduled';
  const verb = unblock
    ? 'Unblock: allow sign-in again?'
    : all
      ? 'Sign out everyone in the organization?'
      : req.block
        ? 'Block sign-in and sign out of all Microsoft 365 sessions?'
        : 'Sign out of all Microsoft 365 sessions?';
  const shown = req.targets.slice(0, CONFIRM_LIST_LIMIT);
  const more = n - shown.length;
  const privileged = req.targets.filter(isPrivileged);

  const data: ConfirmCardData = {
    requestId: req.id,
    heading: !schedule ? verb : open ? `Schedule: ${verb}` : 'Scheduled sign-out',
    waiting,
    approvalWhy: req.approval?.why || 'the approval policy asks for a second admin',
    notes: notes(req, o.zone),
    multiple: n > 1 || all,
    countText: all ? `All ${plural(n, 'user')} in the organization` : plural(n, 'user'),
    targets: shown.map((t) => ({
      displayName: displayNameOf(t),
      upn: principalNameOf(t),
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
    privileged: privileged
      .slice(0, PRIVILEGED_LIST_LIMIT)
      .map((t) => ({ text: nameAndUpn(t), roles: rolesFlag(t) })),
    privilegedHasMore: privileged.length > PRIVILEGED_LIST_LIMIT,
    privilegedMoreText: `…and ${num(privileged.length - PRIVILEGED_LIST_LIMIT)} more privileged users`,
    people: [
      ...(open ? [{ label: 'Requested by', text: req.requester.name }] : requestPeople(req, o.zone)),
      { label: 'Reason', text: reasonText(req.reason) },
    ],
    whatHappens: unblock ? UNBLOCK_HAPPENS : whatHappens(req.block === true),
    expiry: expiryText(req, o),
    confirmPlain: open && !waiting && !typed,
    confirmTyped: open && !waiting && typed,
    approvePlain: open && waiting && !typed,
    approveTyped: open && waiting && typed,
    // Names what to type, never the answer: the request keeps the phrases, the card must not.
    typePrompt: 'To confirm, type the number of users in the organization, or its primary domain.',
    typedConfirmTitle: `${schedule ? 'Schedule sign-out of' : 'Sign out'} all ${plural(n, 'user')}`,
    confirmTitle: unblock ? 'Unblock' : schedule ? 'Schedule sign-out' : 'Sign out',
    scheduled: !!schedule,
    scheduleTitle: open
      ? 'Scheduled: nothing happens until the time below'
      : `Confirmed: runs at ${schedule ? formatShortTime(schedule.at) : ''}`,
    scheduleLines: schedule
      ? [
          ...whenLines(schedule),
          ...outEverywhereLines(schedule, schedule.tokenLifetime ?? DEFAULT_LIFETIME, o.zone),
        ]
      : [],
    scheduleNotes: schedule ? [frozenNote(n, open), ...CUTOVER_NOTES].map((text) => ({ text })) : [],
    docsUrl: TOKEN_LIFETIME_DOCS_URL,
  };
  if (data.hasShowAll) fitShowAll(req, data);
  return data;
}

/**
 * The "are you sure?" card of a pending request, or of one waiting for a second admin (Approve, Reject
 * with a reason, Cancel), or of an approved one. Every button carries only the request id; Teams adds
 * the inputs.
 */
export function renderConfirmCard(req: SignoutRequest, o: CardOptions = {}): object {
  return renderTemplate(confirmTemplate, confirmCardData(req, o));
}

function notes(req: SignoutRequest, zone: LocalZone | undefined): Note[] {
  const out: Note[] = [];
  if (req.block) out.push(blockNote('asked'));
  if (req.status === 'approved' && req.approvedBy)
    out.push({
      text: `Approved by ${req.approvedBy.name}${atTime(req.approvedAt, zone)}.`,
      color: 'Good',
    });
  if (req.excluded?.length) {
    const listed = req.excluded.slice(0, 5).join('; ');
    const rest = req.excluded.length > 5 ? `; and ${num(req.excluded.length - 5)} more` : '';
    out.push({ text: `Left out: ${listed}${rest}.`, color: 'Warning' });
  }
  const guests = req.targets.filter(isGuest).length;
  if (isMultiTarget(req) && guests > 0)
    out.push({
      text: `${plural(guests, 'guest')}: Graph accepts the call, but their sessions live in their home tenant, so nothing changes for them here.`,
      color: 'Warning',
    });
  return out;
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
    "• Access tokens already issued to other apps stay valid until they expire: the tenant's access-token lifetime, 60 to 90 minutes by default.",
    block
      ? '• It does not reset the password, or sign out guests from their home tenant.'
      : '• It does not disable the account, reset the password, or sign out guests from their home tenant.',
  ].map((text) => ({ text }));
}

/** Fills "Show all N" with up to SHOW_ALL_LIMIT lines, fewer when the card would outgrow MAX_CARD_BYTES. */
function fitShowAll(req: SignoutRequest, data: ConfirmCardData): void {
  const lines = req.targets.slice(0, SHOW_ALL_LIMIT).map((t) => ({ text: nameAndUpn(t), ...targetFlags(t) }));
  const set = (k: number) => {
    data.allLines = lines.slice(0, k);
    data.allHasMore = req.targets.length > k;
    data.allMoreText = `…and ${num(req.targets.length - k)} more`;
  };
  set(lines.length);
  fitToBudget(confirmTemplate, data, lines.length, set);
}

/** "Lester Lee · lester@contoso.com" */
function nameAndUpn(t: DirectoryUser): string {
  return `${displayNameOf(t)} · ${principalNameOf(t)}`;
}

/** What a scheduled sign-out runs: the targets as they resolved when it was asked, not as they are then. */
function frozenNote(n: number, open: boolean): string {
  const these = n === 1 ? 'This user is' : `These ${num(n)} users are`;
  return (
    `${these} ${open ? 'what will run' : 'what runs'}: the list was fixed when it was asked, so what the ` +
    'admins confirm and approve is what runs. Anyone who joins a group or matches a search later is not included.'
  );
}

/** When the card stops taking clicks; for a schedule, that it does not run unless confirmed in time. */
function expiryText(req: SignoutRequest, o: CardOptions): string {
  const s = req.schedule;
  if (!s) return `This request expires at ${expiryTime(req.expiresAt, o.zone, o.now ?? new Date())}`;
  if (req.status === 'scheduled') return 'Cancel stays possible until the job starts.';
  const who = req.approval?.required ? 'approved by a second admin' : 'confirmed';
  return `It must be ${who} before ${formatInstant(s.at, o.zone)}; otherwise it does not run.`;
}

/** Same day as now (UTC): the time of day is enough; otherwise the full date, so a stale card is not misread. */
function expiryTime(iso: string, zone: LocalZone | undefined, now: Date): string {
  const sameDay = parseInstant(iso).toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  return sameDay ? formatShortTime(iso, zone) : formatInstant(iso, zone);
}
