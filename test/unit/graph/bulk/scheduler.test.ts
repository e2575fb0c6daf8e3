import { DEFAULT_CONCURRENCY, runBulkRevoke } from '../../../../src/graph/bulk';
import { byUser, setup, users } from '../../../support/simGraph';

/**
 * The run loop (src/graph/bulk/scheduler.ts) against an in-memory Graph: what it sends, what it
 * reports, its callbacks. Faults, throttling, cancel and --block have their own scheduler.*.test.ts.
 */

describe('runBulkRevoke', () => {
  it('revokes and reads back every user, in fully parallel batches of at most 20', async () => {
    const { graph, start, timed } = setup();
    const ids = users(95);
    const result = await start({ userIds: ids });

    expect(graph.violations).toEqual([]);
    expect(result.cancelled).toBe(false);
    expect(result.outcomes).toHaveLength(95);
    expect(timed).toHaveLength(95);
    for (const id of ids) {
      expect(byUser(result.outcomes).get(id)).toMatchObject({
        kind: 'revoked',
        validFrom: graph.validFrom.get(id),
        requestId: expect.stringMatching(/^req-/),
      });
      expect(graph.executed.revoke.get(id)).toBe(1);
      expect(graph.executed.read.get(id)).toBe(1);
    }
    expect(graph.throttled).toBe(0);
    expect(graph.maxInFlight).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);
    expect(result.progress).toMatchObject({
      total: 95,
      done: 95,
      revoked: 95,
      failed: 0,
      skipped: 0,
      etaMs: 0,
    });
  });

  it('reports not found, denied (privileged target) and guests, without retrying them', async () => {
    const { graph, start } = setup({ missing: ['ghost'], privileged: ['admin'], guests: ['guest'] });
    const result = await start({ userIds: ['ghost', 'admin', 'guest', 'member'] });
    const o = byUser(result.outcomes);

    expect(o.get('ghost')).toMatchObject({ kind: 'notFound', code: 'Request_ResourceNotFound' });
    expect(o.get('ghost')!.requestId).toMatch(/^req-/);
    expect(o.get('admin')).toMatchObject({ kind: 'denied', code: 'Authorization_RequestDenied' });
    expect(o.get('admin')!.message).toMatch(/Privileged Authentication Administrator/);
    expect(o.get('guest')).toMatchObject({ kind: 'guestSkipped', validFrom: graph.validFrom.get('guest') });
    expect(o.get('guest')!.message).toMatch(/home tenant/);
    expect(o.get('member')).toMatchObject({ kind: 'revoked' });
    expect(graph.calls.revoke.get('ghost')).toBe(1);
    expect(graph.calls.revoke.get('admin')).toBe(1);
    expect(graph.calls.read.get('ghost')).toBeUndefined();
    expect(result.progress).toMatchObject({ revoked: 1, failed: 2, skipped: 1 });
  });

  it('serializes onOutcome and rejects with its error after in-flight batches end', async () => {
    const { start } = setup();
    let active = 0;
    let calls = 0;
    const run = start({
      userIds: users(200),
      onOutcome: async () => {
        expect(++active).toBe(1);
        await Promise.resolve();
        active--;
        if (++calls === 10) throw new Error('store unavailable');
      },
    });
    await expect(run).rejects.toThrow('store unavailable');
    expect(calls).toBeLessThan(200);
  });

  it('asks mayContinue right before each batch; a no halts it without settling users in mid-step', async () => {
    const { clock, graph, start } = setup({ latencyMs: 200 });
    // the runner's lease lapses while the first wave of batches is out
    let allowed = true;
    void clock.sleep(100).then(() => (allowed = false));
    let asked = 0;
    const result = await start({
      userIds: users(400),
      mayContinue: () => {
        asked++;
        return allowed;
      },
    });

    expect(result).toMatchObject({ halted: true, cancelled: false });
    expect(asked).toBe(DEFAULT_CONCURRENCY + 1);
    expect(graph.arrivals).toHaveLength(DEFAULT_CONCURRENCY);
    // revoked but not read back: no outcome, the next runner checks them
    expect(graph.executed.revoke.size).toBe(DEFAULT_CONCURRENCY * 20);
    expect(result.outcomes).toEqual([]);
  });

  it('refuses limits that cannot afford a single revoke', () => {
    expect(() =>
      runBulkRevoke({
        userIds: ['a'],
        transport: async () => [],
        limits: { resourceUnits: 1, ruWindowMs: 1000, writes: 1, writeWindowMs: 1000 },
      }),
    ).toThrow(RangeError);
  });
});
