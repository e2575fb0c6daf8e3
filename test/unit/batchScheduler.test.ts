import {
  DEFAULT_CONCURRENCY,
  graphBatchTransport,
  parseRetryAfter,
  runBulkRevoke,
  systemClock,
  MAX_TIMER_MS,
  type BatchItem,
  type BatchItemResponse,
  type BulkProgress,
  type BulkRevokeOptions,
} from '../../src/graph/bulk';
import type { TargetOutcome } from '../../src/domain/types';
import { FakeClock } from '../support/fakeClock';
import {
  limitsForTenantSize,
  requestCost,
  usersPerSecondCeiling,
  type ThrottleLimits,
} from '../../src/graph/throttleLimits';

type Kind = 'block' | 'revoke' | 'read';
interface Fault {
  status: number;
  headers?: Record<string, string>;
  code?: string;
  /** carry the request out, then answer with the fault (a 5xx after the work was done) */
  tookEffect?: boolean;
}
interface SimOptions {
  /** the limits the simulated Graph enforces */
  limits: ThrottleLimits;
  latencyMs?: number;
  guests?: string[];
  privileged?: string[];
  missing?: string[];
  /** answer this call (1-based per user and kind) with an error instead of running it */
  fault?: (kind: Kind, userId: string, call: number) => Fault | undefined;
  /** never answer the batch holding this call; its requests run first when `tookEffect` */
  hang?: (kind: Kind, userId: string, call: number) => { tookEffect: boolean } | undefined;
  /** throw this instead of answering batch number n (1-based) */
  batchFault?: (n: number) => unknown;
}

/** In-memory Graph: $batch rules, the user directory, and its own RU and write buckets. */
class SimGraph {
  readonly validFrom = new Map<string, string>();
  readonly blocked = new Set<string>();
  readonly executed = {
    block: new Map<string, number>(),
    revoke: new Map<string, number>(),
    read: new Map<string, number>(),
  };
  readonly calls = {
    block: new Map<string, number>(),
    revoke: new Map<string, number>(),
    read: new Map<string, number>(),
  };
  readonly arrivals: { at: number; items: BatchItem[]; statuses: number[] }[] = [];
  readonly violations: string[] = [];
  lastRequestId = '';
  readonly lastRequestIds: Partial<Record<Kind, string>> = {};
  throttled = 0;
  inFlight = 0;
  maxInFlight = 0;
  private ru: { level: number; at: number };
  private writes: { level: number; at: number };
  private n = 0;
  private ids = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly o: SimOptions,
  ) {
    this.ru = { level: o.limits.resourceUnits, at: 0 };
    this.writes = { level: o.limits.writes, at: 0 };
  }

  readonly transport = async (items: BatchItem[]): Promise<BatchItemResponse[]> => {
    const half = (this.o.latencyMs ?? 200) / 2;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.clock.sleep(half);
      const n = ++this.n;
      const thrown = this.o.batchFault?.(n);
      if (thrown) throw thrown;
      this.validate(items);
      let hang = false;
      const responses = items.map((item) => {
        const { response, hangs } = this.handle(item);
        hang ||= hangs;
        return response;
      });
      this.arrivals.push({ at: this.clock.now(), items, statuses: responses.map((r) => r.status) });
      if (hang) return await new Promise<never>(() => undefined);
      await this.clock.sleep(half);
      return responses.reverse(); // Graph may answer in any order
    } finally {
      this.inFlight--;
    }
  };

  private validate(items: BatchItem[]): void {
    if (items.length > 20) this.violations.push(`batch of ${items.length}`);
    if (new Set(items.map((i) => i.id)).size !== items.length) this.violations.push('duplicate ids');
    if (items.some((i) => i.dependsOn)) this.violations.push('dependsOn: batch not fully parallel');
    for (const i of items) {
      if (i.method === 'POST' && (i.body === undefined || i.headers?.['Content-Type'] !== 'application/json'))
        this.violations.push('POST without body and Content-Type');
    }
  }

  private handle(item: BatchItem): { response: BatchItemResponse; hangs: boolean } {
    const m = /^\/users\/([^/?]+)(\/revokeSignInSessions)?(\?\$select=(.*))?$/.exec(item.url);
    if (!m)
      return {
        response: { id: item.id, status: 400, body: { error: { code: 'BadRequest' } } },
        hangs: false,
      };
    const userId = decodeURIComponent(m[1]);
    const kind: Kind = m[2] ? 'revoke' : item.method === 'PATCH' ? 'block' : 'read';
    if (kind === 'revoke' && item.method !== 'POST')
      return { response: { id: item.id, status: 405 }, hangs: false };
    const call = bump(this.calls[kind], userId);
    const requestId = `req-${++this.ids}`;
    this.lastRequestId = requestId;
    this.lastRequestIds[kind] = requestId;
    const error = (status: number, code: string, headers: Record<string, string> = {}) => ({
      id: item.id,
      status,
      headers,
      body: { error: { code, message: code, innerError: { 'request-id': requestId, date: 'x' } } },
    });
    const wait = this.charge(requestCost(item.method, item.url));
    if (wait > 0) {
      this.throttled++;
      return {
        response: error(429, 'TooManyRequests', { 'Retry-After': String(Math.ceil(wait / 1000)) }),
        hangs: false,
      };
    }
    const hang = this.o.hang?.(kind, userId, call);
    if (hang) {
      if (hang.tookEffect) this.execute(kind, userId);
      return { response: error(504, 'GatewayTimeout'), hangs: true };
    }
    const fault = this.o.fault?.(kind, userId, call);
    if (fault) {
      if (fault.tookEffect) this.execute(kind, userId);
      return {
        response: error(fault.status, fault.code ?? `Code${fault.status}`, fault.headers),
        hangs: false,
      };
    }
    if (this.o.missing?.includes(userId))
      return { response: error(404, 'Request_ResourceNotFound'), hangs: false };
    if (kind !== 'read' && this.o.privileged?.includes(userId))
      return { response: error(403, 'Authorization_RequestDenied'), hangs: false };
    this.execute(kind, userId);
    const headers = { 'request-id': requestId, 'Content-Type': 'application/json' };
    if (kind === 'block') return { response: { id: item.id, status: 204, headers }, hangs: false };
    if (kind === 'revoke')
      return { response: { id: item.id, status: 200, headers, body: { value: true } }, hangs: false };
    const userType = this.o.guests?.includes(userId) ? 'Guest' : 'Member';
    return {
      response: {
        id: item.id,
        status: 200,
        headers,
        body: { signInSessionsValidFromDateTime: this.validFrom.get(userId) ?? null, userType },
      },
      hangs: false,
    };
  }

  private execute(kind: Kind, userId: string): void {
    bump(this.executed[kind], userId);
    if (kind === 'block') this.blocked.add(userId);
    if (kind === 'revoke') {
      if (!this.blocked.has(userId)) this.unblockedRevokes.push(userId);
      // Graph keeps whole seconds
      this.validFrom.set(userId, new Date(Math.floor(this.clock.now() / 1000) * 1000).toISOString());
    }
  }

  /** users revoked while their sign-in was not blocked (a violation when the run blocks) */
  readonly unblockedRevokes: string[] = [];

  /** Charges the cost to both buckets, or returns ms until it could be afforded (and charges nothing). */
  private charge(cost: { resourceUnits: number; writes: number }): number {
    const now = this.clock.now();
    const l = this.o.limits;
    const refill = (b: { level: number; at: number }, cap: number, windowMs: number) => {
      b.level = Math.min(cap, b.level + ((now - b.at) * cap) / windowMs);
      b.at = now;
    };
    refill(this.ru, l.resourceUnits, l.ruWindowMs);
    refill(this.writes, l.writes, l.writeWindowMs);
    const ruWait = ((cost.resourceUnits - this.ru.level) * l.ruWindowMs) / l.resourceUnits;
    const wrWait = ((cost.writes - this.writes.level) * l.writeWindowMs) / l.writes;
    const wait = Math.max(ruWait, wrWait);
    if (wait > 0) return Math.max(1000, wait);
    this.ru.level -= cost.resourceUnits;
    this.writes.level -= cost.writes;
    return 0;
  }
}

function bump(map: Map<string, number>, key: string): number {
  const n = (map.get(key) ?? 0) + 1;
  map.set(key, n);
  return n;
}

const users = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const LIMITS = limitsForTenantSize(1000); // 8,000 RU / 10 s, 3,000 writes / 150 s

function setup(sim: Partial<SimOptions> = {}, clockStart = 0) {
  const clock = new FakeClock(clockStart);
  const graph = new SimGraph(clock, { limits: LIMITS, ...sim });
  const timed: { at: number; outcome: TargetOutcome }[] = [];
  const start = (o: Partial<BulkRevokeOptions> & { userIds: string[] }) =>
    clock.run(
      runBulkRevoke({
        transport: graph.transport,
        limits: sim.limits ?? LIMITS,
        clock,
        random: () => 0.5,
        ...o,
        onOutcome: async (outcome) => {
          timed.push({ at: clock.now(), outcome });
          await o.onOutcome?.(outcome);
        },
      }),
    );
  return { clock, graph, timed, start };
}

const byUser = (outcomes: TargetOutcome[]) => new Map(outcomes.map((o) => [o.userId, o]));

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

  it('sends nothing when cancelled before it starts', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const { graph, start } = setup();
    const result = await start({ userIds: users(10), signal: ctl.signal });
    expect(result).toMatchObject({ cancelled: true, outcomes: [] });
    expect(graph.arrivals).toHaveLength(0);
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

describe('systemClock.sleep', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });
  const DAY = 24 * 3600_000;

  it('sleeps longer than one Node timer can hold (2^31-1 ms, about 24.8 days) in chunks', async () => {
    jest.useFakeTimers();
    const setTimer = jest.spyOn(global, 'setTimeout');
    let woke = false;
    void systemClock.sleep(30 * DAY).then(() => (woke = true));

    await jest.advanceTimersByTimeAsync(1000);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(30 * DAY - 2000);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(woke).toBe(true);
    const delays = setTimer.mock.calls.map(([, ms]) => ms ?? 0);
    expect(delays.length).toBeGreaterThan(1);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it('ends a long sleep on abort, and a sleep of nothing at once', async () => {
    jest.useFakeTimers();
    const ctl = new AbortController();
    let woke = false;
    void systemClock.sleep(40 * DAY, ctl.signal).then(() => (woke = true));
    await jest.advanceTimersByTimeAsync(26 * DAY);
    expect(woke).toBe(false);
    ctl.abort();
    await jest.advanceTimersByTimeAsync(0);
    expect(woke).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    let nothing = false;
    void systemClock.sleep(Number.NaN).then(() => (nothing = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(nothing).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:30 GMT', 10_000)).toBe(20_000);
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter('-5', 0)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:05 GMT', 10_000)).toBe(0);
    expect(parseRetryAfter('1e400', 0)).toBeUndefined();
  });
});

describe('graphBatchTransport', () => {
  it('posts the items to /$batch and returns the responses', async () => {
    const call = jest
      .fn()
      .mockResolvedValue({ status: 200, body: { responses: [{ id: '1', status: 204 }] } });
    const items: BatchItem[] = [{ id: '1', method: 'POST', url: '/users/a/revokeSignInSessions', body: {} }];
    await expect(graphBatchTransport({ call })(items)).resolves.toEqual([{ id: '1', status: 204 }]);
    expect(call).toHaveBeenCalledWith('POST', '/$batch', { body: { requests: items } });
  });
});
