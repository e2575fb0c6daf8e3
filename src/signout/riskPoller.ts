import { RISK_ACCESS_RESTORED, riskAccessDeniedNotice } from '../domain/alertMessages';
import {
  episodesToRecheck,
  mayPostCard,
  planEpisode,
  type RiskEpisode,
  type RiskyUser,
} from '../domain/riskEpisode';
import type { RiskLevel } from '../domain/riskLevel';
import { GraphCallError } from '../graph/client';
import { type IdentityProtection, isRiskAccessDenied } from '../graph/riskyUsers';
import type { Logger } from '../log';
import type { AlertStore } from '../store/alertStore';
import type { AuditSink } from '../store/auditLog';
import type { AlertCards } from './alertCards';
import type { AlertOrigin } from './alertOrigin';
import type { ProactiveOrigin, TeamsPort } from './teamsPort';

export interface RiskPollerDeps {
  identity: Pick<IdentityProtection, 'listAtRisk' | 'getRiskyUser'>;
  alerts: AlertStore;
  cards: Pick<AlertCards, 'forEpisode'>;
  origin: Pick<AlertOrigin, 'get'>;
  port: Pick<TeamsPort, 'postSecurityCard' | 'replaceSecurityCard' | 'notifySecurity'>;
  audit: Pick<AuditSink, 'append'>;
  log: Logger;
  tenantId: string;
  minLevel: RiskLevel;
  pollMs: number;
  /** the wait after Graph refused the poll (a permission or Entra ID P2 missing) */
  retryMs: number;
  /** a claim on posting a card that is this old was left by a process that died (JOB_LEASE_SECONDS) */
  leaseMs: number;
  /** this process, in claims on posting a card */
  me: { instance: string; token: string };
  now: () => Date;
}

/**
 * Reads Identity Protection's risky users every RISKY_USERS_POLL_SECONDS and keeps one card per user
 * and risk episode in the security channel: a new episode gets a card (exactly one, whichever instance
 * sees it first), a change of level, state or detail redraws it, and an episode whose user is no longer
 * listed at risk is read on its own and its card redrawn with how it ended. The first poll runs at
 * start-up, so users already at risk get a card unless one exists. A 403 (a permission or the licence
 * missing) is said once, in the log and the security channel, and the poll retries after
 * RISKY_USERS_RETRY_SECONDS.
 */
export class RiskPoller {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;
  private denied = false;
  private waitingForTeams = false;
  private polling = false;

  constructor(private readonly d: RiskPollerDeps) {}

  start(): void {
    this.schedule(0);
  }

  /** Polls now instead of at the next interval (the bot just learned where to post), unless one is running. */
  pollSoon(): void {
    if (this.stopped || this.polling) return;
    clearTimeout(this.timer);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = true;
      this.running = this.poll().then((next) => {
        this.polling = false;
        this.schedule(next);
      });
    }, ms);
    this.timer.unref();
  }

  /** One poll; returns how long to wait before the next. Never throws. */
  async poll(): Promise<number> {
    try {
      return await this.pollOnce();
    } catch (err) {
      this.d.log.error({ err: (err as Error).message }, 'risky-user poll failed');
      return this.d.pollMs;
    }
  }

  private async pollOnce(): Promise<number> {
    const origin = await this.d.origin.get();
    if (!origin) {
      if (!this.waitingForTeams) {
        this.waitingForTeams = true;
        this.d.log.info('risky-user cards wait for the first activity from Teams, which says where to post');
      }
      return this.d.pollMs;
    }
    let atRisk: RiskyUser[];
    try {
      atRisk = await this.d.identity.listAtRisk(this.d.minLevel);
    } catch (err) {
      if (!isRiskAccessDenied(err)) throw err;
      if (!this.denied) {
        this.denied = true;
        const f = err as GraphCallError;
        this.d.log.warn(
          { code: f.code, requestId: f.requestId, retrySeconds: this.d.retryMs / 1000 },
          'risky users cannot be read: IdentityRiskyUser.Read.All or Entra ID P2 missing',
        );
        await this.d.port.notifySecurity(
          riskAccessDeniedNotice(f, Math.round(this.d.retryMs / 60_000)),
          origin,
        );
      }
      return this.d.retryMs;
    }
    if (this.denied) {
      this.denied = false;
      this.d.log.info('risky users can be read again');
      await this.d.port.notifySecurity(RISK_ACCESS_RESTORED, origin);
    }
    const stored = new Map((await this.d.alerts.listEpisodes()).map((e) => [e.userId, e]));
    for (const user of atRisk)
      await this.guarded(user.id, () => this.observe(stored.get(user.id), user, origin));
    for (const ep of episodesToRecheck([...stored.values()], atRisk)) {
      await this.guarded(ep.userId, async () => {
        // a user Identity Protection no longer has a record of is no longer at risk
        const now = (await this.d.identity.getRiskyUser(ep.userId)) ?? {
          ...ep.latest,
          riskLevel: 'none',
          riskState: 'none',
        };
        await this.observe(ep, now, origin);
      });
    }
    return this.d.pollMs;
  }

  /** One user's failure (a Graph error, a lost race) must not stop the others' cards. */
  private async guarded(userId: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      const f = err as Partial<GraphCallError>;
      this.d.log.error(
        { userId, err: f.message, code: f.code, requestId: f.requestId },
        'risky user not handled',
      );
    }
  }

  private async observe(stored: RiskEpisode | undefined, seen: RiskyUser, origin: ProactiveOrigin) {
    const plan = planEpisode(stored, seen);
    if (plan.kind === 'start') {
      if (await this.d.alerts.startEpisode(plan.episode, stored)) {
        this.d.log.info(
          { userId: seen.id, level: seen.riskLevel, since: seen.riskLastUpdatedDateTime },
          'risk episode started',
        );
      }
      await this.ensureCard(seen.id, origin);
    } else if (plan.kind === 'update') {
      const changed = await this.d.alerts.patchEpisode(seen.id, (current) => {
        const again = planEpisode(current, seen);
        return again.kind === 'update' ? again.episode : undefined;
      });
      if (!changed.ok) return;
      this.d.log.info(
        { userId: seen.id, level: seen.riskLevel, state: seen.riskState },
        'risk episode changed',
      );
      if (changed.record.cardActivityId) await this.redraw(changed.record, origin);
      else await this.ensureCard(seen.id, origin);
    } else if (stored?.open && !stored.cardActivityId) {
      // claimed by a process that died before it posted the card
      await this.ensureCard(seen.id, origin);
    }
  }

  /** Posts the episode's card unless it is posted or another live process is posting it. */
  private async ensureCard(userId: string, origin: ProactiveOrigin): Promise<void> {
    const me = this.d.me;
    const at = this.d.now();
    const claim = await this.d.alerts.patchEpisode(userId, (current) =>
      current.open && mayPostCard(current, me, at.getTime(), this.d.leaseMs)
        ? { ...current, poster: { ...me, at: at.toISOString() } }
        : undefined,
    );
    if (!claim.ok) return;
    const ep = claim.record;
    const activityId = await this.d.port.postSecurityCard(await this.d.cards.forEpisode(ep), origin);
    const mine = (current: RiskEpisode) => current.poster?.token === me.token && !current.cardActivityId;
    if (!activityId) {
      // the next poll tries again
      await this.d.alerts.patchEpisode(userId, (current) =>
        mine(current) ? { ...current, poster: undefined } : undefined,
      );
      return;
    }
    await this.d.alerts.patchEpisode(userId, (current) =>
      mine(current) ? { ...current, cardActivityId: activityId } : undefined,
    );
    const r = ep.latest;
    this.d.log.info({ userId, activityId }, 'risky-user card posted');
    await this.d.audit.append({
      event: 'alerted',
      tenantId: this.d.tenantId,
      actor: { name: 'Microsoft Entra ID Protection' },
      targets: [{ id: userId, upn: r.userPrincipalName, name: r.displayName }],
      outcome: `${r.riskLevel} risk, ${r.riskState}`,
      detail: `risk episode since ${ep.startedAt}`,
    });
  }

  private async redraw(ep: RiskEpisode, origin: ProactiveOrigin): Promise<void> {
    // once a sign-out was asked from it, the message is that request's card
    if (!ep.cardActivityId || ep.requestId) return;
    await this.d.port.replaceSecurityCard(ep.cardActivityId, await this.d.cards.forEpisode(ep), origin);
  }
}
