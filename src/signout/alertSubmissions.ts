import { randomUUID } from 'node:crypto';
import type { SubmitResult } from '../alerts/alertIntake';
import type { AlertCaller, SubmittedAlert, WebhookAlert } from '../domain/webhookAlert';
import type { Directory } from '../graph/directory';
import type { Logger } from '../log';
import type { AlertStore } from '../store/alertStore';
import type { AuditSink } from '../store/auditLog';
import type { AlertCards } from './alertCards';
import type { AlertOrigin } from './alertOrigin';
import type { TeamsPort } from './teamsPort';

/**
 * An alert POST /api/alerts accepted: the user it names is looked up, the alert stored, its card posted
 * to the security channel and the post audited. It never acts on the user: only an admin's click does.
 */
export class AlertSubmissions {
  constructor(
    private readonly d: {
      directory: Pick<Directory, 'getUser'>;
      alerts: AlertStore;
      cards: Pick<AlertCards, 'forAlert'>;
      origin: Pick<AlertOrigin, 'get'>;
      port: Pick<TeamsPort, 'postSecurityCard'>;
      audit: Pick<AuditSink, 'append'>;
      log: Logger;
      tenantId: string;
      securityChannelId?: string;
      me: { instance: string; token: string };
      now: () => Date;
    },
  ) {}

  async submit(alert: SubmittedAlert, caller: AlertCaller): Promise<SubmitResult> {
    if (!this.d.securityChannelId) return { kind: 'unavailable', why: 'SECURITY_CHANNEL_ID is not set' };
    const origin = await this.d.origin.get();
    if (!origin)
      return { kind: 'unavailable', why: 'no activity from Teams yet: nowhere known to post from' };
    let found;
    try {
      found = await this.d.directory.getUser(alert.user.value);
    } catch (err) {
      return { kind: 'unavailable', why: `user lookup failed: ${(err as Error).message}` };
    }
    if (!found) return { kind: 'unknownUser' };
    const now = this.d.now().toISOString();
    const record: WebhookAlert = {
      id: randomUUID(),
      receivedAt: now,
      caller,
      alert,
      user: { id: found.id, displayName: found.displayName, userPrincipalName: found.userPrincipalName },
      poster: { ...this.d.me, at: now },
      actions: [],
    };
    await this.d.alerts.createAlert(record);
    const activityId = await this.d.port.postSecurityCard(await this.d.cards.forAlert(record), origin);
    if (!activityId) return { kind: 'unavailable', why: 'the security channel did not take the card' };
    await this.d.alerts.patchAlert(record.id, (current) => ({ ...current, cardActivityId: activityId }));
    this.d.log.info(
      { alertId: record.id, userId: found.id, caller: caller.appId, severity: alert.severity },
      'submitted alert posted',
    );
    await this.d.audit.append({
      event: 'alerted',
      tenantId: this.d.tenantId,
      actor: { id: caller.objectId ?? caller.appId, name: alert.source },
      targets: [{ id: found.id, upn: found.userPrincipalName, name: found.displayName }],
      outcome: `${alert.severity}: ${alert.title}`,
      detail: `alert ${record.id} from app ${caller.appId}`,
    });
    return { kind: 'posted', alertId: record.id };
  }
}
