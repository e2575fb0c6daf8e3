import { tallyOutcomes, tallyParts } from '../domain/outcomeTally';
import { formatDuration, formatInstant } from '../domain/timeFormat';
import type { SignoutRequest } from '../domain/types';
import { num, plural } from '../domain/wording';
import type { CardOptions } from './cardOptions';
import { blockNote, reasonText, requestPeople, type Line, type Note } from './cardText';
import progressTemplate from './progress.json';
import { renderTemplate } from './template';

export interface ProgressCardData {
  requestId: string;
  title: string;
  notes: Note[];
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

  const sofar = tallyParts(tallyOutcomes(req)).join(' · ');
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

  const notes: Note[] = [];
  if (req.block) notes.push(blockNote('running'));
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
    people: [...requestPeople(req, o.zone), { label: 'Reason', text: reasonText(req.reason) }],
    hasUpdated: o.now !== undefined,
    updated: o.now ? `Updated ${formatInstant(o.now.toISOString(), o.zone)}` : '',
  };
}

/**
 * A running job with several targets: done of total, percent, rate, time left and a progress bar, with
 * Cancel (which stops further revokes). From `req.progress` when the job reported it, else counted from
 * `req.outcomes`.
 */
export function renderProgressCard(req: SignoutRequest, o: CardOptions = {}): object {
  return renderTemplate(progressTemplate, progressCardData(req, o));
}
