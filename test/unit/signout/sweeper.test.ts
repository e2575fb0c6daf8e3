import { createLogger } from '../../../src/log';
import { Sweeper } from '../../../src/signout/sweeper';
import { aRequest } from '../../support/requests';
import { requestDeps } from '../../support/serviceFakes';

const setup = async () => {
  const svc = await requestDeps();
  const { store, jobs, clock } = svc;
  const sweeper = new Sweeper({
    store,
    jobs,
    ends: svc.deps.ends,
    log: createLogger('silent'),
    now: () => clock.now,
  });
  return { ...svc, sweeper };
};

describe('Sweeper', () => {
  it('starts an approved request that never started', async () => {
    const { sweeper, store, jobs } = await setup();
    await store.create(aRequest({ id: 'r1', status: 'approved', expiresAt: '2026-11-22T13:00:00.000Z' }));
    await sweeper.sweep();
    expect((await store.get('r1'))?.status).toBe('running');
    expect(jobs.started.map((r) => r.id)).toEqual(['r1']);
  });

  it('resumes a running job that has no live runner', async () => {
    const { sweeper, store, jobs } = await setup();
    await store.create(aRequest({ id: 'r1', status: 'running', startedAt: '2026-11-22T12:01:00.000Z' }));
    await sweeper.sweep();
    expect(jobs.started.map((r) => [r.id, r.status])).toEqual([['r1', 'running']]);
  });

  it('expires a card nobody answered in time, and leaves one still in time', async () => {
    const { sweeper, store } = await setup();
    await store.create(aRequest({ id: 'late', expiresAt: '2026-11-22T12:04:59.000Z' }));
    await store.create(aRequest({ id: 'due', expiresAt: '2026-11-22T12:30:00.000Z' }));
    await sweeper.sweep();
    expect((await store.get('late'))?.status).toBe('expired');
    expect((await store.get('due'))?.status).toBe('pending');
  });
});
