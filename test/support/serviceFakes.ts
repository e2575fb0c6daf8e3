import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditEntry, NewAuditEntry } from '../../src/domain/audit';
import type { Markdown } from '../../src/domain/markdown';
import type { SignoutRequest } from '../../src/domain/types';
import { createLogger } from '../../src/log';
import type { ActivityInfo } from '../../src/signout/activityInfo';
import { MemoryStorage } from 'botbuilder';
import { LiveCards } from '../../src/signout/liveCards';
import { Refusals } from '../../src/signout/refusals';
import { RequestNotices } from '../../src/signout/requestNotices';
import { RefusalTallies } from '../../src/store/refusalTallies';
import type { RequestDeps } from '../../src/signout/requestDeps';
import { RequestEnds, type JobControl } from '../../src/signout/requestEnds';
import type { PostedRequest, ProactiveOrigin, TeamsPort } from '../../src/signout/teamsPort';
import type { AuditSink } from '../../src/store/auditLog';
import { FileStorage } from '../../src/store/fileStorage';
import { RequestStore } from '../../src/store/requestStore';
import { allText } from './cardReader';
import { shown } from './markdownReader';

/** What the services said in Teams, as the reader sees it. */
export interface PortRecord {
  cards: { requestId: string; card: object }[];
  thread: { requestId: string; text: string }[];
  /** cards posted in a request's thread (verify results) */
  threadCards: { requestId: string; card: object }[];
  notices: { text: string; origin?: ProactiveOrigin; background: boolean }[];
  /** cards posted to, updated in and replaced in the security channel, with their text as a reader sees it */
  securityCards: {
    op: 'post' | 'update' | 'replace';
    activityId: string;
    text: string;
    card: object;
    origin?: ProactiveOrigin;
  }[];
}

export const SECURITY_CHANNEL = '19:security@thread.tacv2';

/** A TeamsPort that records instead of posting. */
export function fakePort(): TeamsPort & { said: PortRecord } {
  const said: PortRecord = { cards: [], thread: [], threadCards: [], notices: [], securityCards: [] };
  return {
    said,
    replaceCard: async (req: PostedRequest, card: object) =>
      void said.cards.push({ requestId: req.id, card }),
    postInThread: async (req: PostedRequest, text: Markdown) =>
      void said.thread.push({ requestId: req.id, text: shown(text.text) }),
    postCardInThread: async (req: PostedRequest, card: object) =>
      void said.threadCards.push({ requestId: req.id, card }),
    notifySecurity: async (text: Markdown, origin?: ProactiveOrigin) =>
      void said.notices.push({ text: shown(text.text), origin, background: false }),
    notifySecurityInBackground: (text: Markdown, origin?: ProactiveOrigin) =>
      void said.notices.push({ text: shown(text.text), origin, background: true }),
    securityChannelId: SECURITY_CHANNEL,
    postSecurityCard: async (card: object, origin?: ProactiveOrigin) => {
      const activityId = `notice-${said.securityCards.length + 1}`;
      said.securityCards.push({ op: 'post', activityId, text: allText(card), card, origin });
      return activityId;
    },
    updateSecurityCard: async (activityId: string, card: object, origin?: ProactiveOrigin) => {
      said.securityCards.push({ op: 'update', activityId, text: allText(card), card, origin });
      return 'updated' as const;
    },
    replaceSecurityCard: async (activityId: string, card: object, origin?: ProactiveOrigin) =>
      void said.securityCards.push({ op: 'replace', activityId, text: allText(card), card, origin }),
  };
}

/**
 * The services that keep cards in the security channel up to date (request notices, refusal tallies),
 * on `port`, the request store and a tally store in memory; refusals are audited to `audit`.
 */
export function securityCards(
  port: TeamsPort,
  store: RequestStore,
  audit: Pick<AuditSink, 'append'>,
  now: () => Date = () => new Date(),
) {
  const log = createLogger('silent');
  const cards = new LiveCards({ cards: port, claimMs: 60_000, log, now });
  const tallies = new RefusalTallies(new MemoryStorage());
  return {
    cards,
    tallies,
    notices: new RequestNotices({ store, cards }),
    refusals: new Refusals({ audit, tallies, cards, log, now }),
  };
}

/** An audit log in memory. */
export class ListAudit implements Pick<AuditSink, 'append' | 'appendMany' | 'readAll' | 'readNewestFirst'> {
  readonly lines: NewAuditEntry[] = [];
  append = async (e: NewAuditEntry): Promise<void> => void this.lines.push(e);
  appendMany = async (es: readonly NewAuditEntry[]): Promise<void> => void this.lines.push(...es);
  readAll = async () =>
    this.lines.map((l, i) => ({ ...l, id: String(i), at: '2026-11-22T12:00:00.000Z' }) as never);
  async *readNewestFirst(): AsyncGenerator<AuditEntry[]> {
    yield (await this.readAll()).reverse();
  }
  events(): string[] {
    return this.lines.map((l) => l.event);
  }
}

/** The real request store, on a fresh folder. */
export async function tempStore(): Promise<RequestStore> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signout-svc-'));
  return new RequestStore(await new FileStorage(dir).init()).init();
}

/** A job runner that only records what it was asked: the services' side of it. */
export function fakeJobs(): JobControl & { started: SignoutRequest[]; stopped: string[] } {
  const started: SignoutRequest[] = [];
  const stopped: string[] = [];
  return {
    started,
    stopped,
    start: async (req: SignoutRequest) => void started.push(req),
    stop: (id: string) => void stopped.push(id),
    claimNow: () => ({ instance: 'test', token: 'tok', heartbeatAt: '2026-11-22T12:00:00.000Z' }),
    mayTakeOver: () => true,
  } as unknown as JobControl & { started: SignoutRequest[]; stopped: string[] };
}

export const ORIGIN: ProactiveOrigin = {
  serviceUrl: 'https://smba.example/',
  bot: { id: '28:bot', name: 'Bot' },
};

/** A message or click from Megan, an admin, in the General channel of conversation `conv`. */
export function anInfo(over: Partial<ActivityInfo> = {}): ActivityInfo {
  return {
    caller: { id: 'b', name: 'Megan' },
    senderId: '29:megan',
    tenantId: 't',
    conversationId: 'conv',
    thread: { place: 'General' },
    origin: ORIGIN,
    reference: { conversation: { id: 'conv' }, serviceUrl: ORIGIN.serviceUrl, bot: ORIGIN.bot },
    click: true,
    ...over,
  };
}

/** The request services' dependencies, all real or in memory, at a fixed time the test can move. */
export async function requestDeps(over: Partial<RequestDeps> = {}) {
  const clock = { now: new Date('2026-11-22T12:05:00.000Z') };
  const now = () => clock.now;
  const log = createLogger('silent');
  const store = over.store ?? (await tempStore());
  const audit = new ListAudit();
  const port = fakePort();
  const jobs = fakeJobs();
  const { refusals, notices, cards } = securityCards(port, store, audit, now);
  const deps: RequestDeps = {
    tenantId: 't',
    ttlMinutes: 15,
    store,
    audit,
    port,
    jobs,
    ends: new RequestEnds({ store, jobs, log, now }),
    refusals,
    notices,
    log,
    csvLink: (id) => ({ url: `https://bot.example/exports/${id}.csv`, expiresAt: '2026-11-23T12:00:00Z' }),
    now,
    ...over,
  };
  /** waits for the security-channel cards shown in the background (clicks) */
  const settled = () => cards.settle();
  return { deps, store, audit, port, jobs, clock, settled };
}
