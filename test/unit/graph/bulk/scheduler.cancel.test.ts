import { LIMITS, byUser, setup, users } from '../../../support/simGraph';

/** Cancelling a run: what is still recorded, what is settled, and how soon it ends. */

describe('runBulkRevoke', () => {
  it('stops starting revokes on cancel, records those already sent, and resolves promptly', async () => {
    const ctl = new AbortController();
    const { clock, graph, start } = setup({ limits: { ...LIMITS, writes: 100 } });
    let abortedAt = 0;
    const result = await start({
      userIds: users(500),
      signal: ctl.signal,
      onOutcome: () => {
        if (!ctl.signal.aborted && graph.executed.read.size >= 60) {
          abortedAt = clock.now();
          ctl.abort();
        }
      },
    });

    expect(result.cancelled).toBe(true);
    expect(clock.now() - abortedAt).toBeLessThanOrEqual(200);
    expect(result.outcomes.length).toBeLessThan(500);
    const recorded = new Set(result.outcomes.map((o) => o.userId));
    for (const id of graph.executed.revoke.keys()) expect(recorded.has(id)).toBe(true);
    for (const id of recorded) expect(graph.calls.revoke.has(id)).toBe(true);
    expect(graph.arrivals.every((a) => a.at <= abortedAt + 100)).toBe(true);
  });

  it('cancels during a long Retry-After without waiting for it; users Graph only throttled get no outcome', async () => {
    const ctl = new AbortController();
    const { clock, graph, start } = setup({
      fault: (kind, _id, call) =>
        kind === 'revoke' && call === 1 ? { status: 429, headers: { 'Retry-After': '600' } } : undefined,
    });
    void clock.sleep(5000).then(() => ctl.abort());
    const result = await start({ userIds: users(10), signal: ctl.signal });

    expect(result).toMatchObject({ cancelled: true, outcomes: [] });
    expect(clock.now()).toBe(5000);
    expect(graph.executed.revoke.size).toBe(0);
  });

  it('on cancel, settles users that were sent but are not final', async () => {
    const ctl = new AbortController();
    const { clock, graph, start } = setup({
      latencyMs: 200,
      fault: (kind, id) =>
        kind !== 'revoke'
          ? undefined
          : id === 'u2'
            ? { status: 503 }
            : id === 'u3'
              ? { status: 429, headers: { 'Retry-After': '1' } }
              : undefined,
    });
    // at 450 ms the revokes have answered, u2 waits for its retry and everything is paused by u3's 429
    void clock.sleep(450).then(() => ctl.abort());
    const result = await start({ userIds: users(60), signal: ctl.signal });
    const o = byUser(result.outcomes);

    expect(result.cancelled).toBe(true);
    expect(clock.now()).toBe(450);
    expect(graph.executed.revoke.size).toBe(58);
    expect(graph.executed.read.size).toBe(0);
    expect(o.get('u0')).toMatchObject({ kind: 'revoked', requestId: expect.stringMatching(/^req-/) });
    expect(o.get('u0')!.message).toMatch(/cancelled before the new valid-from time was read back/);
    expect(o.get('u2')).toMatchObject({ kind: 'failed', code: 'Code503' });
    expect(o.get('u2')!.message).toMatch(
      /cancelled before the bot could check whether this sign-out took effect/,
    );
    expect(o.has('u3')).toBe(false);
    expect(result.outcomes).toHaveLength(59);
  });

  it('sends nothing when cancelled before it starts', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const { graph, start } = setup();
    const result = await start({ userIds: users(10), signal: ctl.signal });
    expect(result).toMatchObject({ cancelled: true, outcomes: [] });
    expect(graph.arrivals).toHaveLength(0);
  });
});
