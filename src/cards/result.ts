import { requestOutEverywhereByText } from '../domain/outEverywhereByText';
import { tallyOutcomes, type OutcomeTally } from '../domain/outcomeTally';
import { RESULT_LIST_LIMIT, summarizesOutcomes } from '../domain/requestSize';
import { formatInstant, type LocalZone } from '../domain/timeFormat';
import { actionOf, type SignoutRequest } from '../domain/types';
import { whyScheduleDidNotRun } from '../domain/scheduleLifecycle';
import { num } from '../domain/wording';
import type { CardOptions, CsvLink } from './cardOptions';
import {
  atTime,
  blockNote,
  personLine,
  reasonText,
  requestPeople,
  type Color,
  type Line,
  type Note,
} from './cardText';
import resultTemplate from './result.json';
import {
  countText,
  failedTargets,
  resultRow,
  resultTargets,
  summaryLines,
  type ResultRow,
  type ResultTarget,
} from './resultRows';
import { startNote } from './scheduleText';
import { renderTemplate } from './template';

export interface ResultCardData {
  title: string;
  titleColor: Color;
  notes: Note[];
  people: Line[];
  multiple: boolean;
  countText: string;
  /** summarizesOutcomes: counts and the failures instead of one row per target */
  bulk: boolean;
  summary: Line[];
  hasFailures: boolean;
  failuresTitle: string;
  /** one row per target, or per failure when summarized */
  targets: ResultRow[];
  hasMore: boolean;
  moreText: string;
  hasCsv: boolean;
  csvUrl: string;
  /** who can open the link, and until when */
  csvNote: string;
  /** "Check sign-ins": someone was signed out, so the sign-in logs can say whether it bit */
  canCheckSignIns: boolean;
  requestId: string;
}

export function resultCardData(req: SignoutRequest, o: CardOptions = {}): ResultCardData {
  const summarized = summarizesOutcomes(req);
  const tally = tallyOutcomes(req);
  // a summarized card lists only failures: no row is made for each of (up to 100,000) targets
  const rows = summarized ? undefined : resultTargets(req);
  const rowCount = rows?.length ?? rowCountOf(req, tally);
  const { title, titleColor, notes } = headline(req, allOutcomesAre(req, rows, tally), o.zone);
  const listed = rows ?? failedTargets(req);
  const shown = listed.slice(0, RESULT_LIST_LIMIT);
  const more = listed.length - shown.length;
  const csvUrl = req.status !== 'running' ? safeUrl(o.csv?.url) : undefined;
  return {
    title,
    titleColor,
    notes,
    people: people(req, o.zone),
    multiple: rowCount > 1,
    countText: countText(req, tally, rowCount),
    bulk: summarized,
    summary: summarized ? summaryLines(req, tally) : [],
    hasFailures: summarized && listed.length > 0,
    failuresTitle: `Failures (${num(listed.length)})`,
    targets: shown.map((r) => resultRow(r, req, o.zone)),
    hasMore: more > 0,
    moreText: `…and ${num(more)} more`,
    hasCsv: csvUrl !== undefined,
    csvUrl: csvUrl ?? '',
    csvNote: o.csv ? csvNote(o.csv, o.zone) : '',
    canCheckSignIns: signedSomeoneOut(req) && req.status !== 'running',
    requestId: req.id,
  };
}

/** A sign-out (not an unblock) that revoked at least one user's sessions. */
function signedSomeoneOut(req: SignoutRequest): boolean {
  return actionOf(req) === 'signout' && req.outcomes.some((x) => x.kind === 'revoked');
}

/** "Out everywhere by …" under the title, once the request stored the lifetime. */
function outEverywhereByNote(req: SignoutRequest, zone: LocalZone | undefined): Note[] {
  const text = requestOutEverywhereByText(req, zone);
  return text ? [{ text, color: 'Default' }] : [];
}

/**
 * The card of a request that left pending: running, done, failed, cancelled, expired or rejected (cardFor
 * decides which card a request shows). Only a finished request with `csv` has a button (the CSV).
 */
export function renderResultCard(req: SignoutRequest, o: CardOptions = {}): object {
  return renderTemplate(resultTemplate, resultCardData(req, o));
}

/**
 * resultTargets(req).length from the tally: the targets, and outcomes of users missing from them (one
 * outcome per user, as the store keeps them).
 */
function rowCountOf(req: SignoutRequest, tally: OutcomeTally): number {
  const reached = req.targets.length - tally.withoutOutcome;
  return req.targets.length + Math.max(0, req.outcomes.length - reached);
}

/** Every row's outcome is the action's success (revoked, or unblocked): a done request's title is "Signed out". */
function allOutcomesAre(
  req: SignoutRequest,
  rows: readonly ResultTarget[] | undefined,
  tally: OutcomeTally,
): boolean {
  const kind = actionOf(req) === 'unblock' ? 'unblocked' : 'revoked';
  if (rows) return rows.every((r) => r.outcome?.kind === kind);
  return tally.withoutOutcome === 0 && tally.byKind[kind] === req.outcomes.length;
}

/** The title, its colour and the notes under it, by state. */
function headline(
  req: SignoutRequest,
  allDone: boolean,
  zone: LocalZone | undefined,
): { title: string; titleColor: Color; notes: Note[] } {
  const unblock = actionOf(req) === 'unblock';
  const block = [
    ...startNote(req, zone),
    ...(req.block ? [blockNote(req.status === 'running' ? 'running' : 'done')] : []),
  ];
  switch (req.status) {
    case 'running':
      return {
        title: unblock ? 'Unblocking…' : 'Signing out…',
        titleColor: 'Accent',
        notes: [
          {
            text: `Started by ${req.confirmedBy?.name ?? 'an admin'}${atTime(req.startedAt ?? req.confirmedAt, zone)}.`,
            color: 'Default',
          },
          ...block,
        ],
      };
    case 'done': {
      return {
        title: unblock
          ? allDone
            ? 'Sign-in allowed again'
            : 'Unblock finished'
          : allDone
            ? 'Signed out'
            : 'Sign-out finished',
        titleColor: allDone ? 'Good' : 'Warning',
        notes: [...block, ...outEverywhereByNote(req, zone)],
      };
    }
    case 'failed':
      return {
        title: unblock ? 'Unblock failed' : 'Sign-out failed',
        titleColor: 'Attention',
        notes: [
          {
            text: req.error || (unblock ? 'Nothing was changed.' : 'Nobody was signed out.'),
            color: 'Attention',
          },
        ],
      };
    case 'cancelled':
      return {
        title: unblock ? 'Unblock cancelled' : 'Sign-out cancelled',
        titleColor: 'Default',
        notes: [
          {
            text: !req.outcomes.some((x) => x.kind === 'revoked')
              ? 'Nothing was changed.'
              : 'Stopped part-way: users already signed out stay signed out; the others were not touched.',
            color: 'Default',
          },
          ...outEverywhereByNote(req, zone),
        ],
      };
    case 'expired': {
      const notRun = whyScheduleDidNotRun(req);
      if (notRun) {
        return {
          title: 'Scheduled sign-out did not run',
          titleColor: 'Attention',
          notes: [{ text: notRun, color: 'Attention' }],
        };
      }
      return {
        title: 'Request expired',
        titleColor: 'Default',
        notes: [
          {
            text: `This request expired at ${formatInstant(req.expiresAt, zone)}. Nothing was changed. Ask again if still needed.`,
            color: 'Default',
          },
        ],
      };
    }
    case 'rejected':
      return {
        title: unblock ? 'Unblock rejected' : 'Sign-out rejected',
        titleColor: 'Default',
        notes: [
          {
            text: `${req.rejectedBy?.name ?? 'A second admin'} rejected this request. Nothing was changed.`,
            color: 'Default',
          },
        ],
      };
    default:
      throw new Error(`renderResultCard: a ${req.status} request has no result yet`);
  }
}

function people(req: SignoutRequest, zone: LocalZone | undefined): Line[] {
  const lines = requestPeople(req, zone);
  if (req.rejectedBy) lines.push(personLine('Rejected by', req.rejectedBy, req.rejectedAt, zone));
  if (req.status === 'rejected' || req.rejectionReason)
    lines.push({ label: 'Rejection reason', text: reasonText(req.rejectionReason ?? '') });
  if (req.cancelledBy) lines.push(personLine('Cancelled by', req.cancelledBy, req.finishedAt, zone));
  lines.push({ label: 'Reason', text: reasonText(req.reason) });
  if (req.finishedAt && req.status !== 'cancelled' && req.status !== 'expired' && req.status !== 'rejected')
    lines.push({ label: 'Finished', text: formatInstant(req.finishedAt, zone) });
  return lines;
}

/** The link is a bearer link: the card says so, and until when it works. */
function csvNote(csv: CsvLink, zone?: LocalZone): string {
  return `Anyone with this link can download the CSV until ${formatInstant(csv.expiresAt, zone)}; every download is audited.`;
}

/** An http(s) URL for Action.OpenUrl, or undefined: a card with a malformed url is refused by Teams. */
function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
