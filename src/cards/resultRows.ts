import { formatDuration, formatValidFromLine, type LocalZone } from '../domain/timeFormat';
import type { OutcomeTally } from '../domain/outcomeTally';
import { OUTCOME_WORDS } from '../domain/outcomeWords';
import {
  actionOf,
  FAILED_OUTCOMES,
  type DirectoryUser,
  type SignoutRequest,
  type TargetOutcome,
  type TargetOutcomeKind,
} from '../domain/types';
import { displayNameOf, principalNameOf } from '../domain/userNames';
import { num } from '../domain/wording';
import type { Color, Line } from './cardText';

/** What the result card says about each target: one row, and the counts over all of them. */

/** A target of the request, or an outcome for a user missing from its targets. */
export interface ResultTarget {
  user?: DirectoryUser;
  userId: string;
  outcome?: TargetOutcome;
}

export interface ResultRow {
  displayName: string;
  upn: string;
  status: string;
  color: Color;
  hasDetail: boolean;
  detail: string;
  hasReference: boolean;
  reference: string;
}

const COLOR: Record<TargetOutcomeKind, Color> = {
  revoked: 'Good',
  guestSkipped: 'Warning',
  notFound: 'Attention',
  denied: 'Attention',
  failed: 'Attention',
  unblocked: 'Good',
};

const GUEST_NOTE =
  "Guests' sessions live in their home tenant, so only their home organization can sign them out there.";

/** Every target with its outcome; outcomes for ids missing from targets should not happen, but must not vanish. */
export function resultTargets(req: SignoutRequest): ResultTarget[] {
  const outcomes = new Map(req.outcomes.map((x) => [x.userId, x]));
  const known = new Set(req.targets.map((t) => t.id));
  return [
    ...req.targets.map((t) => ({ user: t, userId: t.id, outcome: outcomes.get(t.id) })),
    ...req.outcomes.filter((x) => !known.has(x.userId)).map((x) => ({ userId: x.userId, outcome: x })),
  ];
}

/**
 * The rows of resultTargets whose outcome is a failure, without making a row for every target: the cards
 * of a job of 100,000 users are made again every few seconds while it runs.
 */
export function failedTargets(req: SignoutRequest): ResultTarget[] {
  const failed = new Map<string, TargetOutcome>();
  for (const x of req.outcomes) {
    if (FAILED_OUTCOMES.includes(x.kind)) failed.set(x.userId, x);
    else failed.delete(x.userId);
  }
  if (!failed.size) return [];
  const rows: ResultTarget[] = [];
  const known = new Set<string>();
  for (const t of req.targets) {
    known.add(t.id);
    const outcome = failed.get(t.id);
    if (outcome) rows.push({ user: t, userId: t.id, outcome });
  }
  for (const x of req.outcomes)
    if (!known.has(x.userId) && FAILED_OUTCOMES.includes(x.kind)) rows.push({ userId: x.userId, outcome: x });
  return rows;
}

export function resultRow(r: ResultTarget, req: SignoutRequest, zone: LocalZone | undefined): ResultRow {
  const user = r.user ?? { id: r.userId };
  const name = { displayName: displayNameOf(user), upn: principalNameOf(user) };
  const outcome = r.outcome;
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
    status: OUTCOME_WORDS[outcome.kind],
    color: COLOR[outcome.kind],
    hasDetail: details.length > 0,
    detail: details.join(' '),
    hasReference,
    reference: `Graph: ${ref}`,
  };
}

/** "5 users: 1 signed out, 1 guest, 1 not found, 1 failed, 1 not signed out" */
export function countText(req: SignoutRequest, t: OutcomeTally, total: number): string {
  const parts = [
    [t.byKind.revoked, 'signed out'],
    [t.byKind.guestSkipped, t.byKind.guestSkipped === 1 ? 'guest' : 'guests'],
    [t.byKind.notFound, 'not found'],
    [t.byKind.denied, 'not allowed'],
    [t.byKind.failed, 'failed'],
    [t.withoutOutcome, req.status === 'running' ? 'waiting' : 'not signed out'],
  ]
    .filter(([count]) => count !== 0)
    .map(([count, what]) => `${num(count as number)} ${what}`);
  return `${num(total)} users: ${parts.join(', ')}`;
}

/** Revoked / failed / skipped / not signed out counts and the duration, for a summarized result. */
export function summaryLines(req: SignoutRequest, t: OutcomeTally): Line[] {
  const lines: Line[] = [
    { label: 'Signed out', text: num(t.byKind.revoked) },
    { label: 'Failed', text: num(t.failed) },
    { label: 'Skipped (guests)', text: num(t.byKind.guestSkipped) },
  ];
  if (t.withoutOutcome > 0) lines.push({ label: 'Not signed out', text: num(t.withoutOutcome) });
  const started = req.startedAt ?? req.confirmedAt;
  if (started && req.finishedAt) {
    const ms = Date.parse(req.finishedAt) - Date.parse(started);
    if (Number.isFinite(ms) && ms >= 0) lines.push({ label: 'Duration', text: formatDuration(ms) });
  }
  return lines;
}
