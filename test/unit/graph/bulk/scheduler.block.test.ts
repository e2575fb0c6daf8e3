import { byUser, setup, users } from '../../../support/simGraph';

type FaultCase = '5xx' | '5xx after taking effect' | '429' | 'timeout' | 'timeout after taking effect';
const FAULT_CASES: FaultCase[] = [
  '5xx',
  '5xx after taking effect',
  '429',
  'timeout',
  'timeout after taking effect',
];

/**
 * Issue 9: the phase table. With --block, each phase's first request for u1 meets each fault; every
 * user must end blocked, then revoked exactly once, with a truthful outcome.
 */
describe('runBulkRevoke --block: every phase under 5xx, 429 and timeouts', () => {
  const PHASE_CASES = ['block', 'revoke', 'verify', 'read'] as const;
  const cases = PHASE_CASES.flatMap((phase) => FAULT_CASES.map((fault) => [phase, fault] as const));

  it.each(cases)('%s meets %s', async (phase, faultCase) => {
    const effect = faultCase.endsWith('after taking effect');
    const failure =
      faultCase === '429'
        ? { status: 429, code: 'TooManyRequests', headers: { 'Retry-After': '2' } }
        : { status: 503, code: 'ServiceUnavailable', tookEffect: effect };
    const hangs = faultCase.startsWith('timeout');
    // the verify is the first read after a revoke whose outcome is unknown
    const target = (kind: 'block' | 'revoke' | 'read', id: string, call: number) =>
      id === 'u1' &&
      call === 1 &&
      ((phase === 'block' && kind === 'block') ||
        (phase === 'revoke' && kind === 'revoke') ||
        ((phase === 'verify' || phase === 'read') && kind === 'read'));
    const { graph, start } = setup({
      fault: (kind, id, call) => {
        if (phase === 'verify' && kind === 'revoke' && id === 'u1' && call === 1) return { status: 503 };
        return !hangs && target(kind, id, call) ? failure : undefined;
      },
      hang: (kind, id, call) => (hangs && target(kind, id, call) ? { tookEffect: effect } : undefined),
    });
    const result = await start({ userIds: users(4), block: true, batchTimeoutMs: 10_000 });

    expect(graph.violations).toEqual([]);
    expect(graph.unblockedRevokes).toEqual([]);
    expect(result.outcomes).toHaveLength(4);
    for (const id of users(4)) {
      expect(byUser(result.outcomes).get(id)).toEqual({
        userId: id,
        kind: 'revoked',
        validFrom: graph.validFrom.get(id),
        requestId: expect.stringMatching(/^req-/),
        blocked: true,
      });
      expect(graph.blocked.has(id)).toBe(true);
      expect(graph.executed.revoke.get(id)).toBe(1);
    }
    const u1 = {
      patches: graph.calls.block.get('u1'),
      revokes: graph.calls.revoke.get('u1'),
      reads: graph.calls.read.get('u1'),
    };
    if (phase === 'block') {
      // a failed block is retried as a block, never taken over by a read
      expect(u1).toEqual({ patches: 2, revokes: 1, reads: 1 });
    } else if (phase === 'revoke') {
      // a revoke of unknown outcome is checked before anything else; resent only if it did not happen
      // (the check that finds the revoke done is its read-back too)
      const unknown = faultCase !== '429';
      expect(u1).toEqual({ patches: 1, revokes: effect ? 1 : 2, reads: unknown && !effect ? 2 : 1 });
    } else if (phase === 'verify') {
      expect(u1).toEqual({ patches: 1, revokes: 2, reads: 3 });
    } else {
      expect(u1).toEqual({ patches: 1, revokes: 1, reads: 2 });
    }
  });

  it('never revokes a user whose block fails, and says whether sign-in may be blocked', async () => {
    const { graph, start } = setup({
      privileged: ['admin'],
      fault: (kind, id) =>
        kind === 'block' && id === 'u1' ? { status: 503, code: 'ServiceUnavailable' } : undefined,
    });
    const result = await start({ userIds: ['u0', 'u1', 'admin'], block: true, maxAttempts: 3 });
    const o = byUser(result.outcomes);

    expect(o.get('u0')).toMatchObject({ kind: 'revoked', blocked: true });
    expect(o.get('u1')).toMatchObject({ kind: 'failed', code: 'ServiceUnavailable' });
    expect(o.get('u1')!.blocked).toBeUndefined();
    expect(o.get('u1')!.message).toMatch(/not signed out.*did not confirm whether sign-in is blocked/);
    expect(o.get('admin')).toMatchObject({ kind: 'denied', code: 'Authorization_RequestDenied' });
    expect(o.get('admin')!.message).toMatch(/refused to block sign-in/);
    expect(graph.calls.block.get('u1')).toBe(3);
    expect(graph.calls.revoke.has('u1')).toBe(false);
    expect(graph.calls.revoke.has('admin')).toBe(false);
  });

  it('on cancel, reports a user who is blocked but not yet revoked, and leaves unsent ones not started', async () => {
    const ctl = new AbortController();
    const { clock, graph, start } = setup({
      latencyMs: 200,
      fault: (kind, id) =>
        kind === 'revoke' && id === 'u1' ? { status: 429, headers: { 'Retry-After': '5' } } : undefined,
    });
    // blocks answer at 200 ms; the revokes go out then, and u1's is throttled
    void clock.sleep(500).then(() => ctl.abort());
    const result = await start({ userIds: users(3), block: true, signal: ctl.signal });
    const o = byUser(result.outcomes);

    expect(result.cancelled).toBe(true);
    expect(o.get('u1')).toMatchObject({ kind: 'failed', blocked: true });
    expect(o.get('u1')!.message).toMatch(
      /Sign-in is blocked, but the run was cancelled before their sessions were revoked/,
    );
    expect(graph.executed.revoke.has('u1')).toBe(false);
    expect(graph.blocked.has('u1')).toBe(true);
  });
});
