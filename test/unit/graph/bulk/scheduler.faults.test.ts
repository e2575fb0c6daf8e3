import { type BatchItem, type BatchItemResponse } from '../../../../src/graph/bulk';
import { byUser, setup, users } from '../../../support/simGraph';

/** The run under 5xx, timeouts, lost batches and $batch answers that cannot be trusted. */

describe('runBulkRevoke', () => {
  it('retries a batch throttled or lost as a whole', async () => {
    const { graph, start } = setup({
      batchFault: (n) =>
        n === 1
          ? Object.assign(new Error('throttled'), {
              status: 429,
              code: 'TooManyRequests',
              retryAfterSeconds: 2,
            })
          : n === 2
            ? new Error('socket hang up')
            : undefined,
    });
    const result = await start({ userIds: users(30), concurrency: 1 });

    expect(result.outcomes.map((o) => o.kind)).toEqual(Array(30).fill('revoked'));
    expect(result.progress.throttled).toBe(1);
    expect(graph.arrivals[0].at).toBeGreaterThanOrEqual(2000);
  });

  it('times out a batch that never answers and retries its users', async () => {
    const { clock, graph, start } = setup();
    let calls = 0;
    const hangsOnce = (items: BatchItem[]) =>
      ++calls === 1 ? new Promise<BatchItemResponse[]>(() => undefined) : graph.transport(items);
    const result = await start({ userIds: users(5), transport: hangsOnce, batchTimeoutMs: 10_000 });

    expect(result.outcomes.map((o) => o.kind)).toEqual(Array(5).fill('revoked'));
    expect(clock.now()).toBeGreaterThanOrEqual(10_000);
    expect(graph.arrivals[0].at).toBeGreaterThanOrEqual(10_000);
  });

  it('retries a 5xx with backoff and then succeeds', async () => {
    const { graph, start } = setup({
      fault: (kind, id, call) =>
        kind === 'revoke' && id === 'u2' && call <= 2 ? { status: 503 } : undefined,
    });
    const result = await start({ userIds: users(5) });

    expect(byUser(result.outcomes).get('u2')).toMatchObject({ kind: 'revoked' });
    expect(graph.calls.revoke.get('u2')).toBe(3);
    expect(graph.executed.revoke.get('u2')).toBe(1);
  });

  it('fails a user after maxAttempts of 5xx, checked each time, with the Graph code and request-id', async () => {
    const { graph, start } = setup({
      fault: (kind, id) =>
        kind === 'revoke' && id === 'u1' ? { status: 503, code: 'ServiceUnavailable' } : undefined,
    });
    const result = await start({ userIds: users(3), maxAttempts: 3 });

    const u1 = byUser(result.outcomes).get('u1')!;
    expect(u1).toMatchObject({
      kind: 'failed',
      code: 'ServiceUnavailable',
      requestId: graph.lastRequestIds.revoke,
    });
    expect(u1.message).toMatch(/internal error.*The bot checked: they were not signed out\./);
    expect(graph.calls.revoke.get('u1')).toBe(3);
    // each unknown outcome was read before the next revoke, the last one before giving up
    expect(graph.calls.read.get('u1')).toBe(3);
    expect(result.progress).toMatchObject({ done: 3, revoked: 2, failed: 1 });
  });

  it.each([
    ['a 503', { status: 503 }],
    ['a 424', { status: 424 }],
    ['a 500', { status: 500 }],
  ])('reads valid-from instead of resending a revoke that took effect despite %s', async (_what, fault) => {
    const { graph, start } = setup({
      fault: (kind, id, call) =>
        kind === 'revoke' && id === 'u2' && call === 1 ? { ...fault, tookEffect: true } : undefined,
    });
    const result = await start({ userIds: users(5) });

    expect(byUser(result.outcomes).get('u2')).toMatchObject({
      kind: 'revoked',
      validFrom: graph.validFrom.get('u2'),
    });
    expect(graph.calls.revoke.get('u2')).toBe(1);
    expect(graph.executed.revoke.get('u2')).toBe(1);
    expect(result.outcomes.map((o) => o.kind)).toEqual(Array(5).fill('revoked'));
  });

  it('counts a valid-from in the same second as the first revoke as that revoke', async () => {
    // Graph keeps whole seconds: a revoke sent at 1.4 s that took effect at 1.5 s shows 1 s
    const { graph, start } = setup(
      {
        fault: (kind, _id, call) =>
          kind === 'revoke' && call === 1 ? { status: 502, tookEffect: true } : undefined,
      },
      1400,
    );
    const result = await start({ userIds: users(2) });
    expect(graph.validFrom.get('u0')).toBe('1970-01-01T00:00:01.000Z');
    expect(result.outcomes.map((o) => o.kind)).toEqual(['revoked', 'revoked']);
    expect([...graph.executed.revoke.values()]).toEqual([1, 1]);
  });

  it('retries only the read when the read fails after a successful revoke', async () => {
    const { graph, start } = setup({
      fault: (kind, id, call) =>
        kind === 'read' && ((id === 'u4' && call <= 2) || id === 'u6') ? { status: 500 } : undefined,
    });
    const result = await start({ userIds: users(8), maxAttempts: 3 });
    const o = byUser(result.outcomes);

    expect(o.get('u4')).toMatchObject({ kind: 'revoked', validFrom: graph.validFrom.get('u4') });
    expect(graph.calls.read.get('u4')).toBe(3);
    expect(graph.calls.revoke.get('u4')).toBe(1);

    expect(o.get('u6')).toMatchObject({ kind: 'revoked', code: 'Code500' });
    expect(o.get('u6')!.validFrom).toBeUndefined();
    expect(o.get('u6')!.message).toMatch(/revoked, but the new valid-from time could not be read back/);
    expect(graph.calls.read.get('u6')).toBe(3);
    expect(graph.calls.revoke.get('u6')).toBe(1);
  });
});

/** Issue 10: a $batch answer that cannot be matched to its requests fails the whole batch. */
describe('runBulkRevoke with $batch answers that do not match their requests', () => {
  const tamper: Record<string, (r: BatchItemResponse[]) => unknown> = {
    'without ids': (r) => r.map(({ id: _id, ...rest }) => rest),
    'missing one response': (r) => r.slice(1),
    'with an extra response': (r) => [...r, { ...r[0], id: '99' }],
    'with a response twice': (r) => [...r.slice(1), r[1]],
    'with an id that was not sent': (r) => [...r.slice(1), { ...r[0], id: 'x' }],
    'that is not a list': () => ({ value: [] }),
  };

  it.each(Object.keys(tamper))('an answer %s: checked, never revoked twice', async (what) => {
    const { graph, start } = setup();
    let batches = 0;
    const transport = async (items: BatchItem[]) => {
      const responses = await graph.transport(items);
      // the first batch holds only revokes: its answer is tampered with after they ran
      return ++batches === 1 ? (tamper[what](responses) as BatchItemResponse[]) : responses;
    };
    const result = await start({ userIds: users(6), transport });

    expect(result.outcomes.map((o) => o.kind)).toEqual(Array(6).fill('revoked'));
    for (const id of users(6)) {
      expect(graph.executed.revoke.get(id)).toBe(1);
      expect(byUser(result.outcomes).get(id)!.validFrom).toBe(graph.validFrom.get(id));
    }
    // the whole batch was of unknown outcome: each revoke was checked with one read, which showed it
    // had taken effect and gave the valid-from, and none was sent again
    expect([...graph.calls.revoke.values()]).toEqual(Array(6).fill(1));
    expect([...graph.calls.read.values()]).toEqual(Array(6).fill(1));
  });
});
