import { DEFAULT_CONCURRENCY, type BulkProgress } from '../../../../src/graph/bulk';
import { usersPerSecondCeiling, type ThrottleLimits } from '../../../../src/graph/throttleLimits';
import { LIMITS, byUser, setup, users } from '../../../support/simGraph';

/** The run's pacing against Graph's budgets, its answer to 429s, and its progress reports. */

describe('runBulkRevoke', () => {
  it('waits out a per-item 429 Retry-After, pausing everything, and never fails the user', async () => {
    const { graph, start } = setup({
      latencyMs: 200,
      fault: (kind, id, call) =>
        call === 1 &&
        ((kind === 'revoke' && (id === 'u3' || id === 'u7')) || (kind === 'read' && id === 'u5'))
          ? { status: 429, code: 'TooManyRequests', headers: { 'Retry-After': '7' } }
          : undefined,
    });
    const result = await start({ userIds: users(60), concurrency: 1 });

    expect(result.outcomes.filter((o) => o.kind !== 'revoked')).toEqual([]);
    expect(result.outcomes).toHaveLength(60);
    expect(result.progress.throttled).toBe(3);
    expect(graph.executed.revoke.get('u3')).toBe(1);
    expect(graph.executed.revoke.get('u5')).toBe(1);
    for (let i = 0; i < graph.arrivals.length - 1; i++) {
      if (!graph.arrivals[i].statuses.includes(429)) continue;
      // the answer reaches the bot 100 ms later, and the next batch needs 100 ms to arrive
      expect(graph.arrivals[i + 1].at - graph.arrivals[i].at).toBeGreaterThanOrEqual(7000 + 200);
    }
  });

  it('does not count 429s as attempts, but gives up on a user throttled past maxThrottledMs', async () => {
    const { graph, start } = setup({
      fault: (kind, id, call) =>
        kind === 'revoke' && ((id === 'u1' && call <= 4) || id === 'u2')
          ? { status: 429, code: 'TooManyRequests', headers: { 'Retry-After': '30' } }
          : undefined,
    });
    const result = await start({ userIds: users(4), maxAttempts: 2, maxThrottledMs: 5 * 60_000 });
    const o = byUser(result.outcomes);

    expect(o.get('u1')).toMatchObject({ kind: 'revoked' });
    expect(graph.calls.revoke.get('u1')).toBe(5);
    expect(o.get('u2')).toMatchObject({ kind: 'failed', code: 'TooManyRequests' });
    expect(o.get('u2')!.message).toMatch(/throttling/);
    expect(graph.calls.revoke.get('u2')).toBe(11); // answers every 30.2 s: the 11th is past 5 min
  });

  it('paces 10,000 users to at least 90% of the write ceiling with no 429, reading the list lazily', async () => {
    // the bot's other Graph calls use 3% of both budgets: the safety margin leaves room for them
    const shared = { ...LIMITS, resourceUnits: LIMITS.resourceUnits * 0.97, writes: LIMITS.writes * 0.97 };
    const { graph, start, timed } = setup({ latencyMs: 300, limits: shared });
    const ids = users(10_000);
    let furthest = -1;
    let worstLead = 0;
    const lazy = new Proxy(ids, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) furthest = Math.max(furthest, Number(prop));
        return Reflect.get(target, prop, receiver);
      },
    });
    const progress: BulkProgress[] = [];
    const result = await start({
      userIds: lazy,
      limits: LIMITS,
      onProgress: (p) => {
        progress.push(p);
        worstLead = Math.max(worstLead, furthest + 1 - p.done);
      },
    });

    expect(graph.violations).toEqual([]);
    expect(graph.throttled).toBe(0);
    expect(result.outcomes.filter((o) => o.kind === 'revoked')).toHaveLength(10_000);
    // after the initial burst, the write budget (20 per s) is the bottleneck
    const ceiling = usersPerSecondCeiling(LIMITS);
    expect(ceiling).toBe(20);
    const half = timed.slice(5000);
    const sustained = ((half.length - 1) * 1000) / (half[half.length - 1].at - half[0].at);
    expect(sustained).toBeGreaterThanOrEqual(0.9 * ceiling);
    // batches are kept full: revokes of new users share a batch with reads of earlier ones
    const items = graph.arrivals.reduce((n, a) => n + a.items.length, 0);
    expect(items / graph.arrivals.length).toBeGreaterThan(15);
    // users are taken from the list only as batches go out, not all at once
    expect(worstLead).toBeLessThanOrEqual(DEFAULT_CONCURRENCY * 20 + 20);
    // a quarter of the way in, the ETA is within 15% of the time actually left
    const end = timed[timed.length - 1].at;
    const quarter = progress.find((p) => p.done >= 2500)!;
    expect(Math.abs(quarter.etaMs! - (end - quarter.elapsedMs)) / (end - quarter.elapsedMs)).toBeLessThan(
      0.15,
    );
  });

  it('paces against resource units when they are the tighter budget', async () => {
    const limits: ThrottleLimits = {
      resourceUnits: 200,
      ruWindowMs: 1000,
      writes: 100_000,
      writeWindowMs: 1000,
    };
    const { graph, start, timed } = setup({ limits, latencyMs: 100 });
    const result = await start({ userIds: users(3000), concurrency: 8 });

    expect(graph.throttled).toBe(0);
    expect(result.progress.revoked).toBe(3000);
    const half = timed.slice(1500);
    const sustained = ((half.length - 1) * 1000) / (half[half.length - 1].at - half[0].at);
    expect(sustained).toBeGreaterThanOrEqual(0.9 * usersPerSecondCeiling(limits));
  });

  it('turns 429s from dishonest limits into waiting, never into failures or double revokes', async () => {
    const honest = { ...LIMITS, writes: 300, writeWindowMs: 15_000 };
    const { graph, start } = setup({ limits: { ...honest, writes: 150 } });
    const result = await start({ userIds: users(600), limits: honest });

    expect(graph.throttled).toBeGreaterThan(0);
    expect(result.progress.throttled).toBe(graph.throttled);
    expect(result.outcomes.map((o) => o.kind)).toEqual(Array(600).fill('revoked'));
    expect([...graph.executed.revoke.values()].every((n) => n === 1)).toBe(true);
  });

  it('reports progress at most every progressIntervalMs, with rate and ETA', async () => {
    const { clock, start } = setup({ limits: { ...LIMITS, writes: 100, writeWindowMs: 10_000 } });
    const seen: { at: number; p: BulkProgress }[] = [];
    const result = await start({
      userIds: users(400),
      progressIntervalMs: 2000,
      onProgress: (p) => seen.push({ at: clock.now(), p }),
    });

    expect(seen.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < seen.length; i++) expect(seen[i].at - seen[i - 1].at).toBeGreaterThanOrEqual(2000);
    for (const { at, p } of seen) {
      expect(p.elapsedMs).toBe(at);
      expect(p.ratePerSecond).toBeCloseTo((p.done * 1000) / at);
      if (p.done > 0 && p.done < 400) expect(p.etaMs).toBeGreaterThan(0);
    }
    expect(seen[seen.length - 1].p.done).toBeGreaterThan(seen[0].p.done);
    expect(result.progress).toMatchObject({ done: 400, etaMs: 0 });
  });
});

describe('a very long wait asked by Graph (issue 10, item 8)', () => {
  const HOUR = { status: 429, code: 'TooManyRequests', headers: { 'Retry-After': '3600' } };

  it('caps a Retry-After of an hour at five minutes, and reports until when it pauses', async () => {
    const { graph, start } = setup({
      latencyMs: 200,
      fault: (kind, _id, call) => (kind === 'revoke' && call === 1 ? HOUR : undefined),
    });
    const paused: BulkProgress[] = [];
    const result = await start({ userIds: users(5), onPaused: (p) => void paused.push(p) });

    expect(result.outcomes.map((o) => o.kind)).toEqual(Array(5).fill('revoked'));
    const [throttled, retried] = graph.arrivals;
    expect(throttled.statuses).toEqual(Array(5).fill(429));
    // answered at 200 ms; the retry leaves 5 minutes later and takes 100 ms to arrive
    expect(retried.at).toBe(200 + 5 * 60_000 + 100);
    expect(paused).toHaveLength(1);
    expect(paused[0].pausedUntil).toBe(200 + 5 * 60_000);
    expect(result.progress.pausedUntil).toBeUndefined();
  });

  it('takes the cap from maxPauseMs', async () => {
    const { graph, start } = setup({
      latencyMs: 200,
      fault: (kind, _id, call) => (kind === 'revoke' && call === 1 ? HOUR : undefined),
    });
    await start({ userIds: users(2), maxPauseMs: 2000 });

    expect(graph.arrivals[1].at).toBe(200 + 2000 + 100);
  });

  it('retries an HTTP date a year ahead every five minutes, and fails its users as throttled after 15', async () => {
    const t0 = Date.UTC(2026, 10, 22, 12);
    const aYearAhead = new Date(t0 + 365 * 24 * 3600_000).toUTCString();
    const { clock, graph, start } = setup(
      {
        latencyMs: 200,
        fault: (kind) =>
          kind === 'revoke'
            ? { status: 429, code: 'TooManyRequests', headers: { 'Retry-After': aYearAhead } }
            : undefined,
      },
      t0,
    );
    const result = await start({ userIds: users(3) });

    expect(result.outcomes.map((o) => [o.kind, o.code])).toEqual(
      Array(3).fill(['failed', 'TooManyRequests']),
    );
    // at 0, 5, 10 and 15 minutes: the fourth is past maxThrottledMs (15 min)
    expect(graph.arrivals.map((a) => Math.floor((a.at - t0) / 60_000))).toEqual([0, 5, 10, 15]);
    expect(clock.now() - t0).toBeLessThan(16 * 60_000);
  });
});
