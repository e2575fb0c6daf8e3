import type { Logger } from '../log';
import type { AlertStore } from '../store/alertStore';
import type { ProactiveOrigin } from './teamsPort';

/**
 * Where alert cards are posted from: the serviceUrl and bot account of the last activity from Teams,
 * kept in the store so that the poll can post at start-up and after a restart, before any activity has
 * arrived. Written only when it changes.
 */
export class AlertOrigin {
  private cached?: ProactiveOrigin;
  private readonly firstListeners: (() => void)[] = [];

  constructor(
    private readonly store: Pick<AlertStore, 'getOrigin' | 'saveOrigin'>,
    private readonly log: Logger,
  ) {}

  /** The origin this process saw or stored; until there is one, the store is asked each time (another instance may have seen Teams). */
  async get(): Promise<ProactiveOrigin | undefined> {
    if (this.cached) return this.cached;
    try {
      this.cached ??= await this.store.getOrigin();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not read where alert cards are posted from');
    }
    return this.cached;
  }

  /** `listener` runs when the bot learns where to post for the first time (a fresh install). */
  onFirst(listener: () => void): void {
    this.firstListeners.push(listener);
  }

  /** An activity from Teams arrived from `origin`. */
  note(origin: ProactiveOrigin | undefined): void {
    if (!origin?.serviceUrl) return;
    const c = this.cached;
    if (c && c.serviceUrl === origin.serviceUrl && c.bot.id === origin.bot.id) return;
    this.cached = origin;
    if (!c) for (const listener of this.firstListeners) listener();
    void this.store
      .saveOrigin({ serviceUrl: origin.serviceUrl, bot: { id: origin.bot.id, name: origin.bot.name } })
      .catch((err: Error) =>
        this.log.warn({ err: err.message }, 'could not store where alert cards are posted from'),
      );
  }
}
