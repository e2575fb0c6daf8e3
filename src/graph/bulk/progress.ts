import type { BudgetPacer } from '../../domain/tokenBucket';
import type { TargetOutcome } from '../../domain/types';
import { costOf, type Budget } from './pacing';
import { PHASES, PLAN_ORDER, REQUESTS_TO_FINISH } from './phases';
import type { Phase } from './userRun';

export interface BulkProgress {
  total: number;
  /** users with a final outcome */
  done: number;
  revoked: number;
  /** failed, notFound and denied */
  failed: number;
  /** guests */
  skipped: number;
  /** 429s received (per item, or one per whole-batch 429) */
  throttled: number;
  elapsedMs: number;
  /** users done per second over the run so far */
  ratePerSecond: number;
  etaMs: number | undefined;
  /** while Graph's Retry-After holds every request back: until when (clock ms) */
  pausedUntil?: number;
}

/** What the tally needs to know of the run for a snapshot. */
export interface RunView {
  total: number;
  startedAt: number;
  /** users not yet taken from the list, and the phase they will start in */
  unsent: number;
  firstPhase: Phase;
  /** ready users in a phase */
  waiting(phase: Phase): number;
  pacer: BudgetPacer<Budget>;
}

/** The outcomes of a run so far, their counts, and the progress they make. */
export class ProgressTally {
  readonly outcomes: TargetOutcome[] = [];
  private readonly counts = { revoked: 0, failed: 0, skipped: 0, throttled: 0 };

  add(outcome: TargetOutcome): void {
    this.outcomes.push(outcome);
    if (outcome.kind === 'revoked') this.counts.revoked++;
    else if (outcome.kind === 'guestSkipped') this.counts.skipped++;
    else this.counts.failed++;
  }

  throttled(): void {
    this.counts.throttled++;
  }

  snapshot(now: number, run: RunView): BulkProgress {
    const { total } = run;
    const done = this.outcomes.length;
    const elapsedMs = now - run.startedAt;
    const ratePerSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    let etaMs: number | undefined;
    if (done >= total) etaMs = 0;
    else if (done > 0 && ratePerSecond > 0) {
      const observed = ((total - done) * 1000) / ratePerSecond;
      // the observed rate includes the initial burst, so the paced budget bounds it from below
      etaMs = Math.round(Math.max(observed, run.pacer.timeToSpend(costToFinish(run), now)));
    }
    const pausedFor = done < total ? run.pacer.pausedFor(now) : 0;
    return {
      total,
      done,
      ...this.counts,
      elapsedMs,
      ratePerSecond,
      etaMs,
      ...(pausedFor > 0 ? { pausedUntil: now + pausedFor } : {}),
    };
  }
}

/** What the users not yet sent and those ready still cost if every answer is a 2xx. */
function costToFinish(run: RunView): Record<Budget, number> {
  const total = { resourceUnits: 0, writes: 0 };
  const add = (phase: Phase, users: number) => {
    const cost = costOf(REQUESTS_TO_FINISH[phase].map((p) => PHASES[p].request('x', '1')));
    total.resourceUnits += users * cost.resourceUnits;
    total.writes += users * cost.writes;
  };
  add(run.firstPhase, run.unsent);
  for (const phase of PLAN_ORDER) add(phase, run.waiting(phase));
  return total;
}
