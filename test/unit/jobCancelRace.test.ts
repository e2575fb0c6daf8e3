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

/**
 * A cancel that lands after a bulk job's last revoke but before the job marks itself done (found by the
 * lifecycle property test): the job's final compare-and-swap loses, and the job must still report the
 * end (card, thread, audit of every revoke) instead of leaving revoked users out of the audit log.
 */

const NOW = new Date('2026-11-22T12:00:00Z');
const USERS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];

function runningBulk(): SignoutRequest {
  return {
    id: 'r1',
    tenantId: 't',
    status: 'running',
    createdAt: NOW.toISOString(),
    expiresAt: NOW.toISOString(),
    startedAt: NOW.toISOString(),
    requester: { id: 'a', name: 'A' },
    reason: '',
    targets: USERS.map((id, i) => ({ id, displayName: `User ${i}`, userPrincipalName: `u${i}@contoso.com` })),
    conversation: { reference: {} },
    outcomes: [],
  };
}

/** Graph's $batch: every revoke and every read-back succeeds. */
const graph = {
  call: async (
    _method: string,
    _path: string,
    o: { body: { requests: { id: string; method: string; url: string }[] } },
  ) => ({
    status: 200,
    body: {
      responses: o.body.requests.map((r) => ({
        id: r.id,
        status: 200,
        body:
          r.method === 'POST'
            ? { value: true }
            : {
                id: /\/users\/([^/?]+)/.exec(r.url)![1],
                signInSessionsValidFromDateTime: NOW.toISOString(),
                userType: 'Member',
              },
      })),
    },
  }),
} as unknown as GraphApi;

it('reports a bulk job whose end races a cancel, once, with every revoke', async () => {
  const store = await new RequestStore(
    await new FileStorage(await fs.mkdtemp(path.join(os.tmpdir(), 'cancel-race-'))).init(),
  ).init();
  await store.create(runningBulk());
  // the admin's cancel is stored between the job's last read of the request and its move to done
  const racing = Object.create(store) as RequestStore;
  racing.transition = async (id, from, to, patch) => {
    if (to === 'done' || to === 'failed') {
      await store.transition(id, ['running'], 'cancelled', () => ({
        cancelledBy: { id: 'b', name: 'B' },
        reportPending: true,
      }));
    }
    return store.transition(id, from, to, patch);
  };
  const finished: SignoutRequest[] = [];
  const jobs = new JobRunner({
    store: racing,
    graph,
    batchGraph: graph,
    directory: { getUser: async () => undefined } as unknown as Directory,
    limits: limitsForTenantSize(0),
    log: pino({ level: 'silent' }),
    onProgress: async () => undefined,
    onFinished: async (r) => void finished.push(r),
    instance: 'A',
    now: () => NOW,
  });

  jobs.start((await store.get('r1'))!);
  while (jobs.isRunning('r1')) await new Promise((r) => setTimeout(r, 10));

  expect(finished).toHaveLength(1);
  expect(finished[0]).toMatchObject({ status: 'cancelled', finishedAt: NOW.toISOString() });
  expect(finished[0].outcomes.map((o) => [o.userId, o.kind])).toEqual(USERS.map((id) => [id, 'revoked']));
  const after = await store.get('r1');
  expect([after?.finishedAt, after?.reportPending]).toEqual([NOW.toISOString(), undefined]);
  expect(await store.listActive()).toEqual([]);
});
