import { renderHistoryCard } from '../cards/history';
import { buildHistory } from '../domain/history';
import type { LocalZone } from '../domain/timeFormat';
import type { DirectoryUser } from '../domain/types';
import type { AuditSink } from '../store/auditLog';

/** `history [user] [n]`: the last audited actions, read from the audit log, as a card. */
export class HistoryService {
  constructor(private readonly audit: AuditSink) {}

  async card(o: { user?: DirectoryUser; count: number; zone?: LocalZone }): Promise<object> {
    const entries = await this.audit.readAll();
    const items = buildHistory(entries, {
      user: o.user ? [o.user.id, o.user.userPrincipalName] : undefined,
      count: o.count,
    });
    const title = o.user
      ? `Last ${o.count} actions on ${o.user.displayName} (${o.user.userPrincipalName})`
      : `Last ${o.count} actions`;
    return renderHistoryCard(items, { zone: o.zone, title });
  }
}
