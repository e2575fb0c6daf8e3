import type { ThrottleLimits } from '../throttleLimits';
import type { Budget } from './pacing';

/**
 * How many batches may be in flight, from the measured round trip (Little's law): to keep the pace the
 * budgets allow, a run needs (batches per second the budgets pay for) × (seconds a batch takes) in
 * flight. Fewer, and latency instead of Graph's limits caps the rate: with a fixed 8, a 20-item `$batch`
 * slower than about 4 s at Graph's write pace (20 users/s) lost throughput.
 *
 * The round trip and the cost of a batch are averaged (EWMA) over the batches that got an answer from
 * Graph; a time-out or a dropped connection says nothing about Graph's pace and is left out, so a
 * failing Graph does not draw more batches in. Pure: the caller passes the times.
 */
export const MIN_IN_FLIGHT = 8;
/** Bounds sockets and the users held in memory, whatever the round trip. */
export const MAX_IN_FLIGHT = 64;
/** More than the average needs, for the spread of round trips and of the average itself. */
const HEADROOM = 1.5;
/** Weight of the newest sample in the averages. */
const ALPHA = 0.1;

export class InFlightLimit {
  private roundTripMs?: number;
  private readonly batchCost: Record<Budget, number> = { resourceUnits: 0, writes: 0 };
  private costSamples = 0;
  /** budget units per ms that the pacer allows, after its margin */
  private readonly rates: Record<Budget, number>;

  constructor(
    limits: ThrottleLimits,
    safetyMargin: number,
    private readonly bounds = { min: MIN_IN_FLIGHT, max: MAX_IN_FLIGHT },
  ) {
    this.rates = {
      resourceUnits: (limits.resourceUnits * (1 - safetyMargin)) / limits.ruWindowMs,
      writes: (limits.writes * (1 - safetyMargin)) / limits.writeWindowMs,
    };
  }

  /** A batch that cost `cost` was sent. */
  sent(cost: Record<Budget, number>): void {
    this.costSamples++;
    const a = Math.max(ALPHA, 1 / this.costSamples);
    for (const k of Object.keys(cost) as Budget[]) this.batchCost[k] += a * (cost[k] - this.batchCost[k]);
  }

  /** Graph answered a batch sent at `sentAt` at `answeredAt` (clock ms). */
  answered(sentAt: number, answeredAt: number): void {
    const ms = Math.max(0, answeredAt - sentAt);
    this.roundTripMs =
      this.roundTripMs === undefined ? ms : this.roundTripMs + ALPHA * (ms - this.roundTripMs);
  }

  /** Batches the budgets pay for per second, at the average batch's cost. */
  batchesPerSecond(): number {
    let perMs = Infinity;
    for (const k of Object.keys(this.rates) as Budget[]) {
      if (this.batchCost[k] > 0) perMs = Math.min(perMs, this.rates[k] / this.batchCost[k]);
    }
    return perMs * 1000;
  }

  /** How many batches may be in flight now: the minimum until a round trip has been measured. */
  current(): number {
    const { min, max } = this.bounds;
    if (this.roundTripMs === undefined) return min;
    const needed = Math.ceil(this.batchesPerSecond() * (this.roundTripMs / 1000) * HEADROOM) + 1;
    return Number.isFinite(needed) ? Math.min(max, Math.max(min, needed)) : max;
  }
}
