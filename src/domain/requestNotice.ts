import { formatUtc } from './timeFormat';
import { isFinal } from './requestLifecycle';
import { actionOf, FAILED_OUTCOMES, type SignoutRequest } from './types';
import { num } from './wording';

/**
 * A request's notice in the security channel: one card, posted once and updated in place as the request
 * moves. This module says which state of a request shows which stage and headline, and orders those
 * states, so that an update never puts back an older one. Pure.
 */

export type NoticeStage =
  | 'requested'
  | 'awaitingApproval'
  | 'approved'
  | 'scheduled'
  | 'running'
  | 'done'
  | 'failed'
  | 'cancelled'
  | 'expired'
  | 'rejected';

export interface NoticeState {
  stage: NoticeStage;
  /** users with an outcome (or counted done by the job), of `total` */
  done: number;
  total: number;
  /** whole percent of `done`; for the running stage */
  percent: number;
  /** an end whose audit lines are written: its outcomes are all there */
  complete: boolean;
  /** grows with every change the card shows; equal versions render the same stage, percent and end */
  version: number;
}

/** The steps of a request in order; ends share one step, and an audited end comes after an open one. */
const STEP: Record<NoticeStage, number> = {
  requested: 1,
  awaitingApproval: 1,
  approved: 2,
  scheduled: 2,
  running: 3,
  done: 4,
  failed: 4,
  cancelled: 4,
  expired: 4,
  rejected: 4,
};

/**
 * What the notice of `req` shows, or undefined when the request has no notice: a name that matched
 * several users is not announced until someone picks one (nor is its end).
 */
export function noticeStateOf(req: SignoutRequest): NoticeState | undefined {
  if (req.choices) return undefined;
  const stage = stageOf(req);
  const total = Math.max(req.progress?.total ?? 0, req.targets.length);
  const done = Math.min(
    total,
    Math.max(req.status === 'running' ? (req.progress?.done ?? 0) : 0, req.outcomes.length),
  );
  const percent = total ? Math.floor((done * 100) / total) : 0;
  const complete = isFinal(req.status) && !!req.auditedAt;
  // percent counts while running only; an end moves once more when its audit completes it
  const step = STEP[stage] + (complete ? 1 : 0);
  return {
    stage,
    done,
    total,
    percent,
    complete,
    version: step * 1000 + (stage === 'running' ? percent : 0),
  };
}

function stageOf(req: SignoutRequest): NoticeStage {
  switch (req.status) {
    case 'pending':
      return req.approval?.required ? 'awaitingApproval' : 'requested';
    default:
      return req.status;
  }
}

/**
 * Whether a notice last shown at `shownVersion` (none: not yet) should show `state`: only something
 * newer, so a repeated update (after a restart, a retry) sends nothing and a late one never goes back.
 */
export function isNewer(state: NoticeState, shownVersion: number | undefined): boolean {
  return shownVersion === undefined || state.version > shownVersion;
}

/** The headline of the notice: the request's stage in the bot's words. */
export function noticeHeadline(req: SignoutRequest, state: NoticeState): string {
  const noun = actionOf(req) === 'unblock' ? 'Unblock' : 'Sign-out';
  switch (state.stage) {
    case 'requested':
      return `${noun} requested: waiting for confirmation`;
    case 'awaitingApproval':
      return `${noun} requested: waiting for a second admin's approval`;
    case 'approved':
      return `${noun} approved: starting`;
    case 'scheduled':
      return req.schedule ? `${noun} scheduled: starts ${formatUtc(req.schedule.at)}` : `${noun} scheduled`;
    case 'running':
      return state.total > 1
        ? `${noun} running: ${state.percent}% (${num(state.done)} of ${num(state.total)})`
        : `${noun} running`;
    case 'done':
      return `${noun} done`;
    case 'failed':
      return `${noun} failed`;
    case 'cancelled':
      return req.startedAt ? `${noun} stopped by a cancel` : `${noun} cancelled`;
    case 'expired':
      return `${noun} request expired: nobody confirmed it in time`;
    case 'rejected':
      return `${noun} rejected`;
  }
}

export type NoticeTone = 'Accent' | 'Good' | 'Warning' | 'Attention' | 'Default';

/** The headline's colour: the security team's eye goes to failures and rejections first. */
export function noticeTone(req: SignoutRequest, state: NoticeState): NoticeTone {
  switch (state.stage) {
    case 'done':
      return req.outcomes.some((o) => FAILED_OUTCOMES.includes(o.kind)) ? 'Warning' : 'Good';
    case 'failed':
    case 'rejected':
      return 'Attention';
    case 'cancelled':
    case 'expired':
      return 'Warning';
    default:
      return 'Accent';
  }
}

/** The counts of an end (or of a job so far): every outcome kind the cards name, and who is left. */
export interface NoticeCounts {
  revoked: number;
  unblocked: number;
  failed: number;
  guestSkipped: number;
  /** targets without an outcome */
  without: number;
}

export function noticeCounts(req: SignoutRequest): NoticeCounts {
  const n = (test: (kind: string) => boolean) => req.outcomes.filter((o) => test(o.kind)).length;
  const withOutcome = new Set(req.outcomes.map((o) => o.userId));
  return {
    revoked: n((k) => k === 'revoked'),
    unblocked: n((k) => k === 'unblocked'),
    failed: n((k) => (FAILED_OUTCOMES as readonly string[]).includes(k)),
    guestSkipped: n((k) => k === 'guestSkipped'),
    without: req.targets.filter((t) => !withOutcome.has(t.id)).length,
  };
}
