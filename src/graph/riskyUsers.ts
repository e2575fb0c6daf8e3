import { odataString } from '../domain/odata';
import type { RiskDetection, RiskyUser } from '../domain/riskEpisode';
import { type RiskLevel, riskyUsersFilter } from '../domain/riskLevel';
import { GraphCallError, type GraphApi } from './client';

/**
 * Microsoft Entra ID Protection through Graph (Entra ID P2): the users at risk, one user's risk, their
 * recent risk detections, and the two answers an admin can give (confirm compromised, dismiss).
 * Reading needs IdentityRiskyUser.Read.All, the detections IdentityRiskEvent.Read.All, the answers
 * IdentityRiskyUser.ReadWrite.All. Without a permission, and in a tenant without P2, Graph answers 403.
 */

const RISKY_USER_FIELDS =
  'id,userPrincipalName,userDisplayName,riskLevel,riskState,riskDetail,riskLastUpdatedDateTime';
/** pages followed at most: a poll reads every user at risk, but a runaway nextLink must end */
const MAX_PAGES = 50;
/** detections pages read to find the most recent ones (Graph documents no $orderby for them) */
const MAX_DETECTION_PAGES = 5;

interface GraphRiskyUser {
  id: string;
  userPrincipalName?: string | null;
  userDisplayName?: string | null;
  riskLevel?: string | null;
  riskState?: string | null;
  riskDetail?: string | null;
  riskLastUpdatedDateTime?: string | null;
}

interface GraphRiskDetection {
  riskEventType?: string | null;
  detectedDateTime?: string | null;
  ipAddress?: string | null;
  location?: { city?: string | null; state?: string | null; countryOrRegion?: string | null } | null;
}

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

export function toRiskyUser(u: GraphRiskyUser): RiskyUser {
  return {
    id: u.id.toLowerCase(),
    userPrincipalName: u.userPrincipalName ?? '',
    displayName: u.userDisplayName || u.userPrincipalName || u.id,
    riskLevel: u.riskLevel ?? 'none',
    riskState: u.riskState ?? 'none',
    riskDetail: u.riskDetail ?? 'none',
    riskLastUpdatedDateTime: u.riskLastUpdatedDateTime ?? '',
  };
}

function toDetection(d: GraphRiskDetection): RiskDetection {
  const l = d.location;
  return {
    riskEventType: d.riskEventType ?? 'unknown',
    detectedDateTime: d.detectedDateTime ?? '',
    ipAddress: d.ipAddress ?? '',
    location: [l?.city, l?.state, l?.countryOrRegion].filter((x) => x && x.trim()).join(', '),
  };
}

/** Graph refused the poll for want of a permission or of Entra ID P2: worth one warning, then a slow retry. */
export function isRiskAccessDenied(err: unknown): boolean {
  return err instanceof GraphCallError && err.status === 403;
}

export class IdentityProtection {
  constructor(private readonly graph: GraphApi) {}

  /** Every user Entra holds at risk at `min` or above (riskState atRisk), all pages. */
  async listAtRisk(min: RiskLevel): Promise<RiskyUser[]> {
    const filter = encodeURIComponent(riskyUsersFilter(min));
    const users = await this.readPages<GraphRiskyUser>(
      `/identityProtection/riskyUsers?$filter=${filter}&$select=${RISKY_USER_FIELDS}`,
      MAX_PAGES,
    );
    return users.filter((u) => typeof u.id === 'string').map(toRiskyUser);
  }

  /** One user's risk now, whatever its state; undefined if Identity Protection has no record of them. */
  async getRiskyUser(userId: string): Promise<RiskyUser | undefined> {
    try {
      const res = await this.graph.call<GraphRiskyUser>(
        'GET',
        `/identityProtection/riskyUsers/${encodeURIComponent(userId)}?$select=${RISKY_USER_FIELDS}`,
      );
      return toRiskyUser(res.body);
    } catch (err) {
      if (err instanceof GraphCallError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** The user's `count` most recent risk detections, newest first. */
  async recentDetections(userId: string, count = 5): Promise<RiskDetection[]> {
    const filter = encodeURIComponent(`userId eq ${odataString(userId)}`);
    const found = await this.readPages<GraphRiskDetection>(
      `/identityProtection/riskDetections?$filter=${filter}`,
      MAX_DETECTION_PAGES,
    );
    return found
      .map(toDetection)
      .sort((a, b) => (Date.parse(b.detectedDateTime) || 0) - (Date.parse(a.detectedDateTime) || 0))
      .slice(0, count);
  }

  /** Raises the user's risk to high for Entra's own policies (riskState confirmedCompromised). */
  confirmCompromised(userId: string): Promise<{ requestId?: string }> {
    return this.answer('confirmCompromised', userId);
  }

  /** Dismisses the user's risk (riskState dismissed). */
  dismiss(userId: string): Promise<{ requestId?: string }> {
    return this.answer('dismiss', userId);
  }

  private async answer(action: 'confirmCompromised' | 'dismiss', userId: string) {
    const res = await this.graph.call('POST', `/identityProtection/riskyUsers/${action}`, {
      body: { userIds: [userId] },
    });
    return { requestId: res.requestId };
  }

  private async readPages<T>(first: string, maxPages: number): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = first;
    for (let page = 0; next && page < maxPages; page++) {
      const res: { body: Page<T> } = await this.graph.call<Page<T>>('GET', next);
      items.push(...(Array.isArray(res.body?.value) ? res.body.value : []));
      next = res.body['@odata.nextLink'];
    }
    return items;
  }
}
