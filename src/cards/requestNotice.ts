import {
  noticeCounts,
  noticeHeadline,
  noticeStateOf,
  noticeTone,
  type NoticeState,
} from '../domain/requestNotice';
import { formatInstant, formatValidFromLine, type LocalZone } from '../domain/timeFormat';
import { actionOf, type SignoutRequest, type ThreadLabel } from '../domain/types';
import { displayNameOf, principalNameOf } from '../domain/userNames';
import { num, plural } from '../domain/wording';
import type { CardOptions } from './cardOptions';
import {
  blockNote,
  personLine,
  reasonText,
  requestPeople,
  type Color,
  type Line,
  type Note,
} from './cardText';
import requestNoticeTemplate from './requestNotice.json';
import { failedTargets, resultRow, type ResultRow } from './resultRows';
import { renderTemplate } from './template';

/** Failures the notice lists by name; the request's own card and CSV have them all. */
export const NOTICE_FAILURES_LISTED = 5;
/** a request's `source` (a list of addresses, a group's name) is cut to this on the notice */
const SOURCE_MAX = 200;
/** Resolution of the progress bar: the two columns' weights add up to this. */
const BAR_STEPS = 1000;

export interface RequestNoticeCardData {
  title: string;
  titleColor: Color;
  hasBar: boolean;
  hasDone: boolean;
  doneWeight: number;
  hasRemaining: boolean;
  remainingWeight: number;
  notes: Note[];
  lines: Line[];
  hasCounts: boolean;
  countText: string;
  failures: (ResultRow & { detail: string })[];
  hasMoreFailures: boolean;
  moreFailures: string;
  /** the request's id and when it last moved */
  changed: string;
  hasThreadLink: boolean;
  threadLink: string;
}

/**
 * The wording of a request's notice in the security channel. Names, UPNs, reasons, places and Graph
 * messages go into TextRuns (`lines`, `notes`, `failures`); the title, counts and times are the bot's own.
 */
export function requestNoticeCardData(req: SignoutRequest, o: CardOptions = {}): RequestNoticeCardData {
  const state = noticeStateOf(req);
  if (!state) throw new Error('requestNoticeCardData: a request waiting for a choice has no notice');
  const running = state.stage === 'running' && state.total > 1;
  const doneWeight = state.total ? Math.round((state.done * BAR_STEPS) / state.total) : 0;
  const failed = failedTargets(req);
  const listed = failed.slice(0, NOTICE_FAILURES_LISTED);
  const link = threadLinkOf(req.thread);
  return {
    title: noticeHeadline(req, state),
    titleColor: noticeTone(req, state),
    hasBar: running,
    hasDone: doneWeight > 0,
    doneWeight,
    hasRemaining: doneWeight < BAR_STEPS,
    remainingWeight: BAR_STEPS - doneWeight,
    notes: notes(req, state, o.zone),
    lines: lines(req, state, o.zone),
    hasCounts: state.stage === 'running' || (state.complete && req.targets.length > 0 && !!req.startedAt),
    countText: countText(req, state),
    failures: listed.map((r) => {
      const row = resultRow(r, req, o.zone);
      return { ...row, detail: row.hasDetail ? `: ${row.detail}` : '' };
    }),
    hasMoreFailures: failed.length > listed.length,
    moreFailures: `…and ${num(failed.length - listed.length)} more failures: see the request's card and its CSV`,
    changed: `Request ${req.id} · last change ${formatInstant(lastChange(req, state), o.zone)}`,
    hasThreadLink: link !== undefined,
    threadLink: link ?? '',
  };
}

/** The request's one notice card, in whatever state it is now (see src/domain/requestNotice.ts). */
export function renderRequestNoticeCard(req: SignoutRequest, o: CardOptions = {}): object {
  return renderTemplate(requestNoticeTemplate, requestNoticeCardData(req, o));
}

function notes(req: SignoutRequest, state: NoticeState, zone: LocalZone | undefined): Note[] {
  const out: Note[] = [];
  // one user signed out: when their sessions were cut, as the thread says
  const [only] = req.targets.length === 1 ? req.outcomes : [];
  if (only?.kind === 'revoked' && only.validFrom)
    out.push({ text: formatValidFromLine(only.validFrom, zone), color: 'Good' });
  if (req.block && actionOf(req) === 'signout')
    out.push(blockNote(state.stage === 'running' ? 'running' : state.complete ? 'done' : 'asked'));
  if (state.stage === 'failed' && req.error) out.push({ text: req.error, color: 'Attention' });
  if (state.stage === 'cancelled' && req.startedAt && !state.complete)
    out.push({ text: 'Stopping: users already signed out stay signed out.', color: 'Warning' });
  return out;
}

function lines(req: SignoutRequest, state: NoticeState, zone: LocalZone | undefined): Line[] {
  const out: Line[] = [
    { label: actionOf(req) === 'unblock' ? 'Unblock' : 'Users', text: whom(req) },
    { label: 'Reason', text: reasonText(req.reason) },
  ];
  // who did what, in the order it happened
  const [requested, ...approvedAndConfirmed] = requestPeople(req, zone);
  out.push(requested);
  if (req.approval?.required) out.push({ label: 'Approval needed', text: req.approval.why });
  out.push(...approvedAndConfirmed);
  if (req.rejectedBy) out.push(personLine('Rejected by', req.rejectedBy, req.rejectedAt, zone));
  if (state.stage === 'rejected')
    out.push({ label: 'Rejection reason', text: reasonText(req.rejectionReason ?? '') });
  if (req.cancelledBy) out.push(personLine('Cancelled by', req.cancelledBy, req.finishedAt, zone));
  if (state.stage === 'requested' || state.stage === 'awaitingApproval')
    out.push({ label: 'Expires', text: formatInstant(req.expiresAt, zone) });
  out.push({ label: 'In', text: placeOf(req.thread) });
  return out;
}

/** One user by name and UPN; several by count, and how they were asked for. */
function whom(req: SignoutRequest): string {
  const [first] = req.targets;
  if (req.targets.length === 1 && first) return `${displayNameOf(first)} (${principalNameOf(first)})`;
  const count = plural(req.targets.length, 'user');
  if (!req.source) return count;
  const source = req.source.length > SOURCE_MAX ? `${req.source.slice(0, SOURCE_MAX - 1)}…` : req.source;
  return `${count}: ${source}`;
}

function countText(req: SignoutRequest, state: NoticeState): string {
  const c = noticeCounts(req);
  const unblock = actionOf(req) === 'unblock';
  const parts = [
    [unblock ? c.unblocked : c.revoked, unblock ? 'allowed to sign in again' : 'signed out'],
    [c.failed, 'failed'],
    [c.guestSkipped, c.guestSkipped === 1 ? 'guest skipped' : 'guests skipped'],
    [c.without, state.stage === 'running' ? 'waiting' : 'not started'],
  ] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, what]) => `${num(n)} ${what}`);
  return `${plural(state.total, 'user')}: ${shown.join(', ') || 'nothing yet'}`;
}

function lastChange(req: SignoutRequest, state: NoticeState): string {
  switch (state.stage) {
    case 'requested':
    case 'awaitingApproval':
      return req.createdAt;
    case 'approved':
      return req.approvedAt ?? req.createdAt;
    case 'running':
      return req.startedAt ?? req.confirmedAt ?? req.createdAt;
    case 'expired':
      return req.finishedAt ?? req.expiresAt;
    default:
      return req.finishedAt ?? req.rejectedAt ?? req.startedAt ?? req.createdAt;
  }
}

function placeOf(thread: ThreadLabel | string | undefined): string {
  if (thread === undefined) return 'an unknown conversation';
  return typeof thread === 'string' ? thread : thread.place;
}

/**
 * The bot's own link to the request's thread (made by threadLabel in src/bot/), as a button, only if it
 * is what the bot makes: Teams' https address with percent-encoded parts. Anything else gets no button.
 */
function threadLinkOf(thread: ThreadLabel | string | undefined): string | undefined {
  if (typeof thread !== 'object' || !thread.link) return undefined;
  return /^https:\/\/teams\.microsoft\.com\/l\/message\/[A-Za-z0-9%.-]+\/[A-Za-z0-9%.-]+$/.test(thread.link)
    ? thread.link
    : undefined;
}
