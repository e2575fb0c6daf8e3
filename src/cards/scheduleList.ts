import { formatInstant, type LocalZone } from '../domain/timeFormat';
import type { SignoutRequest } from '../domain/types';
import { num, plural } from '../domain/wording';
import { fitToBudget } from './budget';
import { reasonText, type Color, type Line } from './cardText';
import scheduleListTemplate from './scheduleList.json';
import { renderTemplate } from './template';

/** The answer to `schedule` (issue 13): the scheduled sign-outs that have not started, soonest first. */

export interface ScheduleListItem {
  when: string;
  state: string;
  color: Color;
  lines: Line[];
}

export interface ScheduleListCardData {
  title: string;
  subtitle: string;
  items: ScheduleListItem[];
  hasMore: boolean;
  moreText: string;
}

/** Requests that are scheduled and not yet started or ended: confirmed, or still waiting for a click. */
export function pendingSchedules(requests: readonly SignoutRequest[]): SignoutRequest[] {
  return requests
    .filter((r) => r.schedule && (r.status === 'scheduled' || (r.status === 'pending' && !r.choices)))
    .sort((a, b) => Date.parse(a.schedule!.at) - Date.parse(b.schedule!.at));
}

export function scheduleListCardData(
  requests: readonly SignoutRequest[],
  zone: LocalZone | undefined,
): ScheduleListCardData {
  const rows = pendingSchedules(requests).map((r) => item(r, zone));
  const data: ScheduleListCardData = {
    title: 'Scheduled sign-outs',
    subtitle: rows.length
      ? `${plural(rows.length, 'sign-out')} waiting for ${rows.length === 1 ? 'its' : 'their'} time, soonest first.`
      : 'No scheduled sign-outs are waiting. Schedule one with: signout <users> at 2026-12-05 18:00 UTC',
    items: rows,
    hasMore: false,
    moreText: '',
  };
  const set = (k: number) => {
    data.items = rows.slice(0, k);
    data.hasMore = k < rows.length;
    data.moreText = `…and ${num(rows.length - k)} more that do not fit on a card.`;
  };
  set(rows.length);
  fitToBudget(scheduleListTemplate, data, rows.length, set);
  return data;
}

export function renderScheduleListCard(requests: readonly SignoutRequest[], zone?: LocalZone): object {
  return renderTemplate(scheduleListTemplate, scheduleListCardData(requests, zone));
}

function item(r: SignoutRequest, zone: LocalZone | undefined): ScheduleListItem {
  const s = r.schedule!;
  const waitingFor = r.approval?.required && !r.approvedBy ? 'approval' : 'confirmation';
  const approved = r.approvedBy
    ? r.approvedBy.name
    : r.approval?.required
      ? 'not yet: it does not run unless approved before its time'
      : 'not needed';
  return {
    when: formatInstant(s.at, zone),
    state: r.status === 'scheduled' ? 'Confirmed' : `Waiting for ${waitingFor}`,
    color: r.status === 'scheduled' ? 'Good' : 'Warning',
    lines: [
      { label: 'Asked by', text: r.requester.name },
      { label: 'Approved by', text: approved },
      ...(r.confirmedBy ? [{ label: 'Confirmed by', text: r.confirmedBy.name }] : []),
      { label: 'Targets', text: `${plural(r.targets.length, 'user')}${r.source ? ` (${r.source})` : ''}` },
      ...(r.block ? [{ label: 'Block sign-in first', text: 'yes' }] : []),
      { label: 'Reason', text: reasonText(r.reason) },
      { label: 'Request id', text: r.id },
    ],
  };
}
