import type { Markdown } from '../domain/markdown';
import { moreNotices } from '../domain/noticeMessages';
import type { ProactiveOrigin, TeamsPort } from './teamsPort';

/** More than this many waiting notices are summed up in one line (the log has each of them). */
const MAX_HELD = 20;

/**
 * Security-channel notices raised before the bot knows where to post them. A post needs the serviceUrl
 * of an activity, and at start-up (a damaged record moved aside) there is none yet: the notices wait
 * for the first activity from the bot's own tenant, whose serviceUrl carries them, as every other
 * notice is carried by the activity that caused it.
 */
export class DeferredNotices {
  private held: Markdown[] = [];
  private dropped = 0;

  add(text: Markdown): void {
    if (this.held.length < MAX_HELD) this.held.push(text);
    else this.dropped++;
  }

  get waiting(): number {
    return this.held.length + this.dropped;
  }

  /** Posts what waits, once; a failure to post is logged by the port, as for any notice. */
  async deliver(port: Pick<TeamsPort, 'notifySecurity'>, origin: ProactiveOrigin | undefined): Promise<void> {
    if (!origin?.serviceUrl || this.waiting === 0) return;
    const texts = this.dropped ? [...this.held, moreNotices(this.dropped)] : this.held;
    this.held = [];
    this.dropped = 0;
    for (const text of texts) await port.notifySecurity(text, origin);
  }
}
