import { renderHistoryCard } from '../cards/history';
import { recentHistory } from '../domain/recentHistory';
import type { LocalZone } from '../domain/timeFormat';
import type { DirectoryUser } from '../domain/types';
import type { AuditSink } from '../store/auditLog';

/**
 * `history [user] [n]`: the last audited actions, read from the end of the audit log until they are
 * known (recentHistory), as a card.
 */
export class HistoryService {
  constructor(private readonly audit: Pick<AuditSink, 'readNewestFirst'>) {}

  async card(o: { user?: DirectoryUser; count: number; zone?: LocalZone }): Promise<object> {
    const user = o.user ? [o.user.id, o.user.userPrincipalName] : undefined;
    const items = await recentHistory(this.audit.readNewestFirst(user), { user, count: o.count });
    const title = o.user
      ? `Last ${o.count} actions on ${o.user.displayName} (${o.user.userPrincipalName})`
      : `Last ${o.count} actions`;
    return renderHistoryCard(items, { zone: o.zone, title });
  }
}
