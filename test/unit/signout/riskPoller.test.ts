import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RiskEpisode, RiskyUser } from '../../../src/domain/riskEpisode';
import { GraphCallError } from '../../../src/graph/client';
import { createLogger } from '../../../src/log';
import { RiskPoller, type RiskPollerDeps } from '../../../src/signout/riskPoller';
import { AlertStore, processLocalCreate } from '../../../src/store/alertStore';
import { FileStorage } from '../../../src/store/fileStorage';
import { fakePort, ListAudit } from '../../support/serviceFakes';

const ORIGIN = { serviceUrl: 'https://smba.example/', bot: { id: '28:bot' } };
const kat = (over: Partial<RiskyUser> = {}): RiskyUser => ({
  id: 'kat',
  userPrincipalName: 'kat@contoso.com',
  displayName: 'Kat Larsson',
  riskLevel: 'high',
  riskState: 'atRisk',
  riskDetail: 'none',
  riskLastUpdatedDateTime: '2026-11-22T06:41:12Z',
  ...over,
});

let dir: string;
let alerts: AlertStore;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'risk-poller-'));
  const files = await new FileStorage(dir).init();
  alerts = new AlertStore(files, processLocalCreate(files));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function poller(o: {
  listed: () => RiskyUser[] | Promise<RiskyUser[]>;
  origin?: boolean;
  instance?: string;
}) {
  const port = fakePort();
  const audit = new ListAudit();
  const reads = { list: 0, one: [] as string[] };
  const d: RiskPollerDeps = {
    identity: {
      listAtRisk: async () => {
        reads.list++;
        return o.listed();
      },
      getRiskyUser: async (id) => {
        reads.one.push(id);
        return kat({ riskLevel: 'none', riskState: 'dismissed' });
      },
    },
    alerts,
    cards: {
      forEpisode: async (ep: RiskEpisode) => ({ state: ep.latest.riskState, level: ep.latest.riskLevel }),
    },
    origin: { get: async () => (o.origin === false ? undefined : ORIGIN) },
    port,
    audit,
    log: createLogger('silent'),
    tenantId: 't',
    minLevel: 'high',
    pollMs: 300_000,
    retryMs: 3_600_000,
    leaseMs: 60_000,
    me: { instance: o.instance ?? 'a', token: o.instance ?? 'a' },
    now: () => new Date(),
  };
  return { p: new RiskPoller(d), port, audit, reads };
}

describe('RiskPoller', () => {
  it('waits for Teams to say where to post before reading anything', async () => {
    const { p, port, reads } = poller({ listed: () => [kat()], origin: false });
    expect(await p.poll()).toBe(300_000);
    expect(reads.list).toBe(0);
    expect(port.said.securityCards).toEqual([]);
  });

  it('posts one card per episode, audited, whatever the number of polls and instances', async () => {
    const a = poller({ listed: () => [kat()], instance: 'a' });
    const b = poller({ listed: () => [kat()], instance: 'b' });
    await Promise.all([a.p.poll(), b.p.poll(), a.p.poll(), b.p.poll()]);
    await a.p.poll();
    const posts = [...a.port.said.securityCards, ...b.port.said.securityCards].filter((c) => c.op === 'post');
    expect(posts).toHaveLength(1);
    expect([...a.audit.events(), ...b.audit.events()]).toEqual(['alerted']);
    expect((await alerts.getEpisode('kat'))?.cardActivityId).toBe('notice-1');
  });

  it('redraws the card on a change, and with how it ended once the user is no longer listed', async () => {
    let listed = [kat()];
    const { p, port, reads } = poller({ listed: () => listed });
    await p.poll();
    listed = [kat({ riskLevel: 'medium', riskLastUpdatedDateTime: '2026-11-22T07:00:00Z' })];
    // medium is below the threshold in reality, but a listed change is a change
    await p.poll();
    listed = [];
    await p.poll();
    expect(reads.one).toEqual(['kat']);
    expect(port.said.securityCards.map((c) => [c.op, c.card])).toEqual([
      ['post', { state: 'atRisk', level: 'high' }],
      ['replace', { state: 'atRisk', level: 'medium' }],
      ['replace', { state: 'dismissed', level: 'none' }],
    ]);
    expect((await alerts.getEpisode('kat'))?.open).toBe(false);
    // closed: not read again
    await p.poll();
    expect(reads.one).toEqual(['kat']);
  });

  it('leaves a card another live process is posting, and takes it over after a lease', async () => {
    await alerts.startEpisode({
      userId: 'kat',
      startedAt: kat().riskLastUpdatedDateTime,
      latest: kat(),
      open: true,
      actions: [],
      poster: { instance: 'b', token: 'b', at: new Date().toISOString() },
    });
    const { p, port } = poller({ listed: () => [kat()] });
    await p.poll();
    expect(port.said.securityCards).toEqual([]);
    await alerts.patchEpisode('kat', (e) => ({ ...e, poster: { ...e.poster!, at: '2026-01-01T00:00:00Z' } }));
    await p.poll();
    expect(port.said.securityCards.map((c) => c.op)).toEqual(['post']);
  });

  it('does not draw over a card a sign-out request took over', async () => {
    let listed = [kat()];
    const { p, port } = poller({ listed: () => listed });
    await p.poll();
    await alerts.patchEpisode('kat', (e) => ({ ...e, requestId: 'r1' }));
    listed = [kat({ riskLevel: 'medium' })];
    await p.poll();
    expect(port.said.securityCards.map((c) => c.op)).toEqual(['post']);
  });

  it('says once that Graph refuses, retries after the retry interval, and says when it works again', async () => {
    let refuse = true;
    const { p, port } = poller({
      listed: () => {
        if (refuse) throw new GraphCallError(403, 'Authorization_RequestDenied', 'Insufficient privileges');
        return [];
      },
    });
    expect(await p.poll()).toBe(3_600_000);
    expect(await p.poll()).toBe(3_600_000);
    expect(port.said.notices.map((n) => n.text)).toEqual([
      expect.stringContaining('cannot read risky users'),
    ]);
    refuse = false;
    expect(await p.poll()).toBe(300_000);
    expect(port.said.notices).toHaveLength(2);
    expect(port.said.notices[1].text).toContain('again');
  });

  it('survives any other failure and polls again at the usual interval', async () => {
    const { p, port } = poller({
      listed: () => {
        throw new GraphCallError(503, 'ServiceUnavailable', 'down');
      },
    });
    expect(await p.poll()).toBe(300_000);
    expect(port.said.notices).toEqual([]);
  });
});
