import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RiskEpisode } from '../../../src/domain/riskEpisode';
import type { DirectoryUser, Person } from '../../../src/domain/types';
import { GraphCallError } from '../../../src/graph/client';
import { AlertClicks } from '../../../src/signout/alertClicks';
import { RequestService } from '../../../src/signout/requestService';
import { AlertStore, processLocalCreate } from '../../../src/store/alertStore';
import { FileStorage } from '../../../src/store/fileStorage';
import { shown } from '../../support/markdownReader';
import { anInfo, requestDeps } from '../../support/serviceFakes';

const CHANNEL = '19:security@thread.tacv2';
const ADA: Person = { id: 'a', name: 'Ada Admin' };
const KAT: DirectoryUser = { id: 'kat', displayName: 'Kat Larsson', userPrincipalName: 'kat@contoso.com' };
const EPISODE = '2026-11-22T06:41:12Z';
const CLICK = { alert: 'risk' as const, userId: 'kat', episode: EPISODE };
const inChannel = anInfo({ conversationId: `${CHANNEL};messageid=1`, caller: ADA });

const episode = (over: Partial<RiskEpisode> = {}): RiskEpisode => ({
  userId: 'kat',
  startedAt: EPISODE,
  latest: {
    id: 'kat',
    userPrincipalName: KAT.userPrincipalName,
    displayName: KAT.displayName,
    riskLevel: 'high',
    riskState: 'atRisk',
    riskDetail: 'none',
    riskLastUpdatedDateTime: EPISODE,
  },
  open: true,
  cardActivityId: 'card-1',
  actions: [],
  ...over,
});

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-clicks-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function setUp(o: { confirm?: () => Promise<{ requestId?: string }> } = {}) {
  const files = await new FileStorage(dir).init();
  const alerts = new AlertStore(files, processLocalCreate(files));
  await alerts.startEpisode(episode());
  const svc = await requestDeps();
  const graphCalls: string[] = [];
  const clicks = new AlertClicks({
    alerts,
    cards: {
      forEpisode: async (ep) => ({ episode: ep }),
      forAlert: async (a) => ({ alert: a }),
      isProtected: () => false,
    },
    identity: {
      confirmCompromised: async (id) => {
        graphCalls.push(`confirm ${id}`);
        return (o.confirm ?? (async () => ({ requestId: 'g-1' })))();
      },
      dismiss: async (id) => {
        graphCalls.push(`dismiss ${id}`);
        return { requestId: 'g-2' };
      },
    },
    directory: { getUser: async (id) => (id === 'kat' ? KAT : undefined) },
    assessor: {
      assess: async (_r, targets) => ({
        ok: true,
        targets,
        approval: { required: false, why: '' },
        excluded: [],
      }),
    },
    requests: new RequestService(svc.deps),
    refuse: async () => undefined,
    audit: svc.audit,
    log: svc.deps.log,
    tenantId: 't',
    securityChannelId: CHANNEL,
    now: () => new Date('2026-11-22T12:10:00Z'),
  });
  return { clicks, alerts, svc, graphCalls };
}

const message = (answer: object) =>
  'message' in answer ? shown((answer as { message: { text: string } }).message.text) : '';

describe('AlertClicks', () => {
  it('answers only clicks from the security channel', async () => {
    const { clicks, graphCalls } = await setUp();
    const answer = await clicks.act(
      anInfo({ conversationId: 'conv', caller: ADA }),
      ADA,
      'confirmCompromised',
      CLICK,
    );
    expect(message(answer)).toMatch(/another conversation/);
    expect(graphCalls).toEqual([]);
  });

  it('refuses a card of an earlier episode', async () => {
    const { clicks, graphCalls } = await setUp();
    const answer = await clicks.act(inChannel, ADA, 'confirmCompromised', {
      ...CLICK,
      episode: '2026-11-01T00:00:00Z',
    });
    expect(message(answer)).toMatch(/out of date/);
    expect(graphCalls).toEqual([]);
  });

  it('makes one sign-out request per card, however many admins click at once', async () => {
    const { clicks, alerts, svc } = await setUp();
    const answers = await Promise.all([1, 2, 3].map(() => clicks.act(inChannel, ADA, 'signout', CLICK)));
    expect(answers.filter((a) => 'card' in a)).toHaveLength(1);
    expect(answers.filter((a) => /already asked/.test(message(a)))).toHaveLength(2);
    const ep = await alerts.getEpisode('kat');
    expect(ep?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const req = await svc.store.get(ep!.requestId!);
    // the request's card is the alert card: its id is the alert card's
    expect(req?.conversation.cardActivityId).toBe('card-1');
    expect(req?.targets.map((t) => t.id)).toEqual(['kat']);
    expect(svc.audit.events()).toEqual(['requested']);
  });

  it('shows a refused confirm on the card, with Graph’s reference, and audits it as failed', async () => {
    const { clicks, alerts, svc } = await setUp({
      confirm: async () => {
        throw new GraphCallError(403, 'Authorization_RequestDenied', 'Insufficient privileges', 'g-9');
      },
    });
    const answer = await clicks.act(inChannel, ADA, 'confirmCompromised', CLICK);
    expect('card' in answer).toBe(true);
    const ep = await alerts.getEpisode('kat');
    expect(ep?.latest.riskState).toBe('atRisk');
    expect(ep?.actions).toEqual([
      expect.objectContaining({
        kind: 'confirmCompromised',
        ok: false,
        outcome: expect.stringContaining('g-9'),
      }),
    ]);
    expect(svc.audit.lines).toEqual([
      expect.objectContaining({ event: 'failed', actor: ADA, graphRequestIds: ['g-9'] }),
    ]);
  });

  it('closes the episode on a dismissal, and a dismissal needs a reason', async () => {
    const { clicks, alerts, graphCalls, svc } = await setUp();
    expect(message(await clicks.act(inChannel, ADA, 'dismiss', CLICK, '   '))).toMatch(/Give a reason/);
    expect(graphCalls).toEqual([]);
    await clicks.act(inChannel, ADA, 'dismiss', CLICK, 'known traveller');
    const ep = await alerts.getEpisode('kat');
    expect(ep).toMatchObject({ open: false, latest: { riskState: 'dismissed' } });
    expect(svc.audit.lines).toEqual([
      expect.objectContaining({ event: 'dismissed', reason: 'known traveller' }),
    ]);
    expect(message(await clicks.act(inChannel, ADA, 'signout', CLICK))).toMatch(/risk has ended/);
  });
});
