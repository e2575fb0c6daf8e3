import type { TargetOutcome } from '../../../../src/domain/types';
import { pacerFor } from '../../../../src/graph/bulk/pacing';
import { ProgressTally, type RunView } from '../../../../src/graph/bulk/progress';
import type { Phase } from '../../../../src/graph/bulk/userRun';

// 100 RU and 10 writes per second, no margin
const LIMITS = { resourceUnits: 100, ruWindowMs: 1000, writes: 10, writeWindowMs: 1000 };
const outcome = (kind: TargetOutcome['kind']): TargetOutcome => ({ userId: 'x', kind });

function view(o: Partial<RunView> & { waitingBy?: Partial<Record<Phase, number>> } = {}): RunView {
  const pacer = o.pacer ?? pacerFor(LIMITS, 0, 0);
  return {
    total: 1000,
    startedAt: 0,
    unsent: 0,
    firstPhase: 'revoke',
    waiting: (p) => o.waitingBy?.[p] ?? 0,
    pacer,
    ...o,
  };
}

describe('ProgressTally', () => {
  it('counts outcomes by kind: revoked, skipped guests, and every other kind as failed', () => {
    const t = new ProgressTally();
    for (const k of ['revoked', 'revoked', 'guestSkipped', 'failed', 'notFound', 'denied'] as const)
      t.add(outcome(k));
    t.throttled();
    expect(t.snapshot(2000, view({ total: 6 }))).toEqual({
      total: 6,
      done: 6,
      revoked: 2,
      failed: 3,
      skipped: 1,
      throttled: 1,
      elapsedMs: 2000,
      ratePerSecond: 3,
      etaMs: 0,
    });
  });

  it('has no ETA before the first outcome, and the observed rate while the budget is no bound', () => {
    const t = new ProgressTally();
    expect(t.snapshot(1000, view()).etaMs).toBeUndefined();
    t.add(outcome('revoked'));
    // one user per 10 s: 999 more take 9,990 s
    expect(t.snapshot(10_000, view()).etaMs).toBe(9_990_000);
  });

  it('bounds the ETA from below by what the unsent and ready users still cost at the paced rate', () => {
    const t = new ProgressTally();
    for (let i = 0; i < 500; i++) t.add(outcome('revoked'));
    const pacer = pacerFor(LIMITS, 0, 0);
    pacer.take({ resourceUnits: 100, writes: 10 }, 1000); // both buckets empty at 1 s
    // --block: unsent users cost 3 RU and 2 writes each; ready ones: block 3 + 2, revoke 2 + 1, read and verify 1 RU
    const waitingBy = { block: 10, revoke: 20, verify: 5, read: 15 };
    const at = (unsent: number) =>
      t.snapshot(1000, view({ total: 1000, unsent, firstPhase: 'block', waitingBy, pacer })).etaMs;
    // writes: 2 × 100 + 2 × 10 + 20 = 240 at 10 per second
    expect(at(100)).toBe(24_000);
    // none unsent: writes 2 × 10 + 20 = 40 → 4 s; RU 3 × 10 + 2 × 20 + 5 + 15 = 90 → 0.9 s
    expect(at(0)).toBe(4000);
  });

  it('reports until when a pause holds everything back, but not once all are done', () => {
    const t = new ProgressTally();
    const pacer = pacerFor(LIMITS, 0, 0);
    pacer.pause(61_000, 1000);
    expect(t.snapshot(1000, view({ total: 1, pacer })).pausedUntil).toBe(61_000);
    t.add(outcome('revoked'));
    expect(t.snapshot(1000, view({ total: 1, pacer }))).not.toHaveProperty('pausedUntil');
  });
});
