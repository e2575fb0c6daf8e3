import type { RiskEpisode } from '../domain/riskEpisode';
import type { WebhookAlert } from '../domain/webhookAlert';
import type { ListableStorage } from './requestStore';
import { isETagConflict, MAX_CAS_ATTEMPTS, stripETag, type Stored } from './idIndex';

/**
 * The records behind alert cards: one per user for their current risk episode (`risk/<user id>`), one
 * per submitted alert (`alert/<id>`). A new record is made with create-if-absent and every change is a
 * compare-and-swap on the record's eTag, so of several instances (or a restart racing itself) exactly
 * one starts an episode, claims its card or records a click.
 */

const RISK_PREFIX = 'risk/';
const ORIGIN_KEY = 'alerts/origin';
const ALERT_PREFIX = 'alert/';
const READ_BATCH = 100;

/** Writes `item` under `key` only if nothing is stored there; true if this call made it. */
export type CreateIfAbsent = (key: string, item: object) => Promise<boolean>;

export interface StoredOrigin {
  serviceUrl: string;
  bot: { id: string; name?: string };
}

export type Changed<T> = { ok: true; record: T } | { ok: false; record: T | undefined };

export class AlertStore {
  constructor(
    private readonly storage: ListableStorage,
    private readonly create: CreateIfAbsent,
  ) {}

  getEpisode(userId: string): Promise<RiskEpisode | undefined> {
    return this.get<RiskEpisode>(riskKey(userId));
  }

  /**
   * Stores a new episode: for a user without a record, or in place of `replacing`, their closed episode.
   * False when another writer got there first (its episode stands).
   */
  async startEpisode(episode: RiskEpisode, replacing?: RiskEpisode): Promise<boolean> {
    const key = riskKey(episode.userId);
    if (!replacing) return this.create(key, episode);
    const result = await this.compareAndSwap<RiskEpisode>(key, (current) =>
      !current.open && current.startedAt === replacing.startedAt ? episode : undefined,
    );
    return result.ok;
  }

  /** Changes the user's episode; a change of undefined writes nothing (ok: false). */
  patchEpisode(
    userId: string,
    change: (current: RiskEpisode) => RiskEpisode | undefined,
  ): Promise<Changed<RiskEpisode>> {
    return this.compareAndSwap(riskKey(userId), change);
  }

  /** Every user's latest episode, open or closed. */
  async listEpisodes(): Promise<RiskEpisode[]> {
    const keys = (await this.storage.keys?.(RISK_PREFIX)) ?? [];
    const found: RiskEpisode[] = [];
    for (let i = 0; i < keys.length; i += READ_BATCH) {
      const items = await this.storage.read(keys.slice(i, i + READ_BATCH));
      for (const item of Object.values(items) as Stored<RiskEpisode>[]) {
        if (typeof item?.userId === 'string') found.push(stripETag(item));
      }
    }
    return found;
  }

  /**
   * Where the bot last heard from Teams (the Bot Connector's serviceUrl and the bot's account): a card
   * the poll or the webhook posts needs one, and at start-up no activity has arrived yet.
   */
  async getOrigin(): Promise<StoredOrigin | undefined> {
    const item = await this.get<StoredOrigin>(ORIGIN_KEY);
    return typeof item?.serviceUrl === 'string' && typeof item.bot?.id === 'string' ? item : undefined;
  }

  async saveOrigin(origin: StoredOrigin): Promise<void> {
    await this.storage.write({ [ORIGIN_KEY]: { ...origin } });
  }

  async createAlert(alert: WebhookAlert): Promise<void> {
    if (!(await this.create(alertKey(alert.id), alert))) throw new Error(`alert ${alert.id} exists already`);
  }

  getAlert(id: string): Promise<WebhookAlert | undefined> {
    return this.get<WebhookAlert>(alertKey(id));
  }

  patchAlert(id: string, change: (current: WebhookAlert) => WebhookAlert | undefined) {
    return this.compareAndSwap(alertKey(id), change);
  }

  private async get<T>(key: string): Promise<T | undefined> {
    const item = (await this.storage.read([key]))[key] as Stored<T> | undefined;
    return item ? stripETag(item) : undefined;
  }

  private async compareAndSwap<T>(key: string, change: (current: T) => T | undefined): Promise<Changed<T>> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const stored = (await this.storage.read([key]))[key] as Stored<T> | undefined;
      if (!stored) return { ok: false, record: undefined };
      const current = stripETag(stored);
      const next = change(current);
      if (!next) return { ok: false, record: current };
      try {
        await this.storage.write({ [key]: { ...next, eTag: stored.eTag ?? '*' } });
        return { ok: true, record: next };
      } catch (err) {
        if (!isETagConflict(err)) throw err;
      }
    }
    throw new Error(`${key}: too much contention`);
  }
}

/** Keys hold ids as given; user ids are lower-cased so one user has one record. */
function riskKey(userId: string): string {
  return `${RISK_PREFIX}${userId.toLowerCase()}`;
}

function alertKey(id: string): string {
  return `${ALERT_PREFIX}${id}`;
}

/**
 * Create-if-absent for the file store: one process owns DATA_DIR, so serialising creations per key
 * inside it is enough (the blob store uses If-None-Match: * instead).
 */
export function processLocalCreate(storage: ListableStorage): CreateIfAbsent {
  const locks = new Map<string, Promise<unknown>>();
  return (key, item) => {
    const previous = locks.get(key) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        if ((await storage.read([key]))[key]) return false;
        await storage.write({ [key]: { ...item } });
        return true;
      });
    locks.set(key, next);
    const done = () => {
      if (locks.get(key) === next) locks.delete(key);
    };
    next.then(done, done);
    return next;
  };
}
