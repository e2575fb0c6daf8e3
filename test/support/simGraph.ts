import type { TargetOutcome } from '../../src/domain/types';
import {
  runBulkRevoke,
  type BatchItem,
  type BatchItemResponse,
  type BulkRevokeOptions,
} from '../../src/graph/bulk';
import { limitsForTenantSize, requestCost, type ThrottleLimits } from '../../src/graph/throttleLimits';
import { FakeClock } from './fakeClock';

/**
 * An in-memory Graph for runBulkRevoke's unit tests (test/unit/graph/bulk/scheduler*.test.ts): $batch
 * rules, the user directory, its own RU and write buckets, and faults on call. The HTTP stand-in the
 * integration tests use is graphStandIn.ts.
 */

export type Kind = 'block' | 'revoke' | 'read';
export interface Fault {
  status: number;
  headers?: Record<string, string>;
  code?: string;
  /** carry the request out, then answer with the fault (a 5xx after the work was done) */
  tookEffect?: boolean;
}
export interface SimOptions {
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
export class SimGraph {
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

export const users = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
export const LIMITS = limitsForTenantSize(1000); // 8,000 RU / 10 s, 3,000 writes / 150 s

export function setup(sim: Partial<SimOptions> = {}, clockStart = 0) {
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

export const byUser = (outcomes: TargetOutcome[]) => new Map(outcomes.map((o) => [o.userId, o]));
