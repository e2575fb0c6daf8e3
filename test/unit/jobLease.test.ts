import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { JobRunner } from '../../src/bot/jobRunner';
import type { SignoutRequest } from '../../src/core/types';
import type { GraphApi } from '../../src/graph/client';
import type { Directory } from '../../src/graph/directory';
import { limitsForTenantSize } from '../../src/graph/throttleLimits';
import { FileStorage } from '../../src/store/fileStorage';
import { RequestStore } from '../../src/store/requestStore';

/** One job, one runner: the lease that keeps two bot instances from running the same job. */

const USER = '11111111-1111-4111-8111-111111111111';
const NOW = new Date('2026-11-22T12:00:00Z');
const LEASE_MS = 60_000;

function running(runner?: SignoutRequest['runner']): SignoutRequest {
  return {
    id: 'r1',
    tenantId: 't',
    status: 'running',
    createdAt: NOW.toISOString(),
    expiresAt: NOW.toISOString(),
    startedAt: NOW.toISOString(),
    requester: { id: 'a', name: 'A' },
    reason: '',
    targets: [{ id: USER, displayName: 'Lester', userPrincipalName: 'lester@contoso.com' }],
    conversation: { reference: {} },
    outcomes: [],
    runner,
  };
}

async function setup(instance: string, existing: SignoutRequest) {
  const store = await new RequestStore(
    await new FileStorage(await fs.mkdtemp(path.join(os.tmpdir(), 'lease-'))).init(),
  ).init();
  await store.create(existing);
  const calls: string[] = [];
  const graph = {
    call: async (method: string, p: string) => {
      calls.push(`${method} ${p}`);
      return {
        status: 200,
        body: { value: true, signInSessionsValidFromDateTime: NOW.toISOString(), userType: 'Member' },
      };
    },
  } as unknown as GraphApi;
  const finished: SignoutRequest[] = [];
  const jobs = new JobRunner({
    store,
    graph,
    batchGraph: graph,
    directory: { getUser: async () => undefined } as unknown as Directory,
    audit: { readAll: async () => [] },
    limits: limitsForTenantSize(0),
    log: pino({ level: 'silent' }),
    onProgress: async () => undefined,
    onFinished: async (r) => void finished.push(r),
    instance,
    leaseMs: LEASE_MS,
    now: () => NOW,
  });
  return { store, jobs, calls, finished };
}

describe('job lease', () => {
  it('leaves a job to the live instance that holds it', async () => {
    const t = await setup(
      'B',
      running({ instance: 'A', heartbeatAt: new Date(NOW.getTime() - 5_000).toISOString() }),
    );
    t.jobs.start((await t.store.get('r1'))!, true);
    await t.jobs.pause();
    expect(t.calls).toEqual([]);
    expect((await t.store.get('r1'))?.runner?.instance).toBe('A');
  });

  it('takes over a job whose instance stopped renewing its lease, and runs it once', async () => {
    const stale = new Date(NOW.getTime() - LEASE_MS - 1).toISOString();
    const t = await setup('B', running({ instance: 'A', heartbeatAt: stale }));
    t.jobs.start((await t.store.get('r1'))!, true);
    await waitFor(() => t.finished.length === 1);
    expect(t.calls.filter((c) => c.startsWith('POST'))).toEqual([`POST /users/${USER}/revokeSignInSessions`]);
    expect(t.finished[0]).toMatchObject({ status: 'done', runner: { instance: 'B' } });
  });

  it('resumes at once after a restart on the same host', async () => {
    const t = await setup('A', running({ instance: 'A', heartbeatAt: NOW.toISOString() }));
    t.jobs.start((await t.store.get('r1'))!, true);
    await waitFor(() => t.finished.length === 1);
    expect(t.finished[0].status).toBe('done');
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
