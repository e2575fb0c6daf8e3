import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SignoutRequest } from '../../../src/domain/types';
import { FileStorage } from '../../../src/store/fileStorage';
import { RequestStore } from '../../../src/store/requestStore';
import { ScheduleClaims } from '../../../src/store/scheduleClaims';
import { aRequest } from '../../support/requests';

const AT = '2026-12-05T18:00:00.000Z';
const MIN = 60_000;
const timing = { reminderMs: 15 * MIN, graceMs: 60 * MIN };
const at = (offsetMs: number) => new Date(Date.parse(AT) + offsetMs);
const runner = (instance: string) => ({
  instance,
  token: `${instance}-token`,
  heartbeatAt: at(0).toISOString(),
});

async function setUp(over: Partial<SignoutRequest> = {}) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signout-schedule-'));
  const store = await new RequestStore(await new FileStorage(dir).init()).init();
  await store.create(
    aRequest({
      id: 's1',
      status: 'scheduled',
      createdAt: '2026-12-04T09:00:00.000Z',
      targets: [{ id: 'u1', displayName: 'U1', userPrincipalName: 'u1@contoso.com' }],
      schedule: { at: AT, zone: 'UTC', zoneFrom: 'typed' },
      ...over,
    }),
  );
  return { store, claims: new ScheduleClaims(store, timing) };
}

describe('ScheduleClaims', () => {
  it('starts a due schedule once, held by the winner, with how late it started', async () => {
    const { store, claims } = await setUp();
    expect((await claims.start('s1', at(-1000), runner('a'))).ok).toBe(false);
    const racers = await Promise.all(
      ['a', 'b', 'c', 'd'].map((i) => claims.start('s1', at(12 * MIN), runner(i))),
    );
    expect(racers.filter((r) => r.ok)).toHaveLength(1);
    const stored = await store.get('s1');
    expect(stored).toMatchObject({
      status: 'running',
      startedAt: at(12 * MIN).toISOString(),
      schedule: { startedLateMs: 12 * MIN },
      progress: { done: 0, total: 1 },
    });
    expect(stored?.runner).toEqual(racers.find((r) => r.ok)?.request.runner);
  });

  it('does not start beyond the grace; it misses once instead', async () => {
    const { store, claims } = await setUp();
    expect((await claims.start('s1', at(61 * MIN), runner('a'))).ok).toBe(false);
    const racers = await Promise.all(['a', 'b'].map((i) => claims.miss('s1', at(61 * MIN), runner(i))));
    expect(racers.filter((r) => r.ok)).toHaveLength(1);
    expect(await store.get('s1')).toMatchObject({
      status: 'expired',
      finishedAt: at(61 * MIN).toISOString(),
      schedule: { missedAt: at(61 * MIN).toISOString() },
    });
  });

  it('loses to a cancel stored first', async () => {
    const { store, claims } = await setUp();
    await store.transition('s1', ['scheduled'], 'cancelled', () => ({ cancelledBy: { id: 'x', name: 'X' } }));
    expect((await claims.start('s1', at(0), runner('a'))).ok).toBe(false);
    expect((await store.get('s1'))?.status).toBe('cancelled');
  });

  it('records the reminder once, and only inside its window', async () => {
    const { store, claims } = await setUp();
    expect((await claims.remind('s1', at(-16 * MIN))).ok).toBe(false);
    const racers = await Promise.all([1, 2, 3].map(() => claims.remind('s1', at(-14 * MIN))));
    expect(racers.filter((r) => r.ok)).toHaveLength(1);
    expect((await store.get('s1'))?.schedule?.remindedAt).toBe(at(-14 * MIN).toISOString());
  });

  it('expires a schedule still waiting for approval at its time, and only then', async () => {
    const { store, claims } = await setUp({ status: 'pending', approval: { required: true, why: 'bulk' } });
    expect((await claims.expireUnconfirmed('s1', at(-1000), runner('a'))).ok).toBe(false);
    expect((await claims.start('s1', at(0), runner('a'))).ok).toBe(false);
    expect((await claims.expireUnconfirmed('s1', at(0), runner('a'))).ok).toBe(true);
    expect(await store.get('s1')).toMatchObject({ status: 'expired', runner: runner('a') });
  });
});
