import type { HistoryItem, HistoryTone } from '../domain/history';
import { formatInstant, zoneLabel, type LocalZone } from '../domain/timeFormat';
import { num } from '../domain/wording';
import { fitToBudget } from './budget';
import type { Color, Line } from './cardText';
import historyTemplate from './history.json';
import { renderTemplate } from './template';

export interface HistoryCardData {
  title: string;
  subtitle: string;
  items: { whom: string; outcome: string; color: Color; lines: Line[] }[];
  hasMore: boolean;
  moreText: string;
}

export interface HistoryCardOptions {
  zone?: LocalZone;
  title: string;
  /** what the card says when there is nothing to show */
  emptyText?: string;
}

const TONE: Record<HistoryTone, Color> = {
  good: 'Good',
  partial: 'Warning',
  bad: 'Attention',
  neutral: 'Default',
  open: 'Accent',
};

export function historyCardData(items: readonly HistoryItem[], o: HistoryCardOptions): HistoryCardData {
  const zone = o.zone && zoneLabel(o.zone);
  const rows = items.map((it) => ({
    whom: it.whom,
    outcome: it.outcome,
    color: TONE[it.tone],
    lines: itemLines(it, o.zone),
  }));
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
export function renderHistoryCard(items: readonly HistoryItem[], o: HistoryCardOptions): object {
  return renderTemplate(historyTemplate, historyCardData(items, o));
}

/** Every value from the log in a line of its own (label and value are separate TextRuns). */
function itemLines(it: HistoryItem, zone: LocalZone | undefined): Line[] {
  const when = (iso: string) => safeInstant(iso, zone);
  const lines: Line[] = [
    {
      label: it.kind === 'refused' ? 'Tried by' : 'Asked by',
      text: `${it.requester.name || it.requester.id || 'unknown'} at ${when(it.at)}`,
    },
  ];
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
  return lines;
}

/** An audit timestamp for display; one that does not parse is shown as stored rather than failing the card. */
function safeInstant(iso: string, zone: LocalZone | undefined): string {
  try {
    return formatInstant(iso, zone);
  } catch {
    return String(iso);
  }
}
