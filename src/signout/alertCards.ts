import { type AlertCardInput, renderAlertCard } from '../cards/riskAlert';
import { detectionsUnavailable } from '../domain/alertMessages';
import type { RiskDetection, RiskEpisode } from '../domain/riskEpisode';
import type { WebhookAlert } from '../domain/webhookAlert';
import { GraphCallError, type GraphApi } from '../graph/client';
import type { IdentityProtection } from '../graph/riskyUsers';
import { privilegedRolesOf } from '../graph/roles';
import type { Logger } from '../log';

/**
 * Draws alert cards as they stand: the record, plus what Graph says now about the user's privileged
 * roles and (for a risky user) their five most recent risk detections. A failed read is said on the
 * card, never a reason not to draw it: roles that cannot be read count as privileged.
 */
export class AlertCards {
  constructor(
    private readonly d: {
      graph: GraphApi;
      identity: Pick<IdentityProtection, 'recentDetections'>;
      protectedUserIds: readonly string[];
      log: Logger;
    },
  ) {}

  async forEpisode(ep: RiskEpisode): Promise<object> {
    const [roles, detections] = await Promise.all([this.roles(ep.userId), this.detections(ep.userId)]);
    const r = ep.latest;
    return renderAlertCard({
      ref: { kind: 'risk', userId: ep.userId, episode: ep.startedAt },
      user: { id: ep.userId, displayName: r.displayName, userPrincipalName: r.userPrincipalName },
      protectedAccount: this.isProtected(ep.userId),
      privilegedRoles: roles,
      risk: {
        level: r.riskLevel,
        state: r.riskState,
        detail: r.riskDetail,
        changedAt: r.riskLastUpdatedDateTime,
        detections,
      },
      actions: ep.actions,
    });
  }

  async forAlert(a: WebhookAlert): Promise<object> {
    const input: AlertCardInput = {
      ref: { kind: 'webhook', alertId: a.id },
      user: a.user,
      protectedAccount: this.isProtected(a.user.id),
      privilegedRoles: await this.roles(a.user.id),
      webhook: {
        title: a.alert.title,
        severity: a.alert.severity,
        source: a.alert.source,
        link: a.alert.link,
        description: a.alert.description,
        receivedAt: a.receivedAt,
      },
      actions: a.actions,
    };
    return renderAlertCard(input);
  }

  isProtected(userId: string): boolean {
    return this.d.protectedUserIds.includes(userId.toLowerCase());
  }

  private async roles(userId: string): Promise<string[] | undefined> {
    try {
      return await privilegedRolesOf(this.d.graph, userId);
    } catch (err) {
      this.d.log.warn({ userId, err: (err as Error).message }, 'alert card: privileged roles not read');
      return undefined;
    }
  }

  private async detections(userId: string): Promise<RiskDetection[] | { unavailable: string }> {
    try {
      return await this.d.identity.recentDetections(userId);
    } catch (err) {
      const f = err instanceof GraphCallError ? err : new GraphCallError(0, 'Unknown', String(err));
      this.d.log.warn(
        { userId, code: f.code, requestId: f.requestId },
        'alert card: risk detections not read',
      );
      return { unavailable: detectionsUnavailable(f) };
    }
  }
}
