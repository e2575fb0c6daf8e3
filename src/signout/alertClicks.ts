import { OTHER_CONVERSATION, UNKNOWN_CARD } from '../domain/clickMessages';
import {
  ALERT_CLOSED,
  CONFIRMED_OUTCOME,
  DISMISS_NEEDS_REASON,
  DISMISSED_OUTCOME,
  riskAnswerFailed,
  SIGNOUT_ALREADY_ASKED,
  SIGNOUT_ASKED_OUTCOME,
  STALE_ALERT_CARD,
  userGone,
} from '../domain/alertMessages';
import {
  ALERT_ACTION_WORDS,
  type AlertActionEntry,
  type AlertActionKind,
  MAX_DISMISS_REASON,
} from '../domain/alertActions';
import { plain, type Markdown } from '../domain/markdown';
import type { RiskEpisode } from '../domain/riskEpisode';
import type { Person } from '../domain/types';
import type { WebhookAlert } from '../domain/webhookAlert';
import { GraphCallError } from '../graph/client';
import type { Directory } from '../graph/directory';
import type { IdentityProtection } from '../graph/riskyUsers';
import type { Logger } from '../log';
import type { AlertStore } from '../store/alertStore';
import type { AuditSink } from '../store/auditLog';
import type { ActivityInfo } from './activityInfo';
import type { AlertCards } from './alertCards';
import type { ClickAnswer } from './clickedRequest';
import type { RequestAssessor } from './requestAssessor';
import type { RequestService } from './requestService';

/** What an alert card's button carries (checked by the card action's schema before it gets here). */
export type AlertClick =
  { alert: 'risk'; userId: string; episode: string } | { alert: 'webhook'; alertId: string };

type Loaded =
  { kind: 'risk'; ep: RiskEpisode; record: RiskEpisode } | { kind: 'webhook'; record: WebhookAlert };

/** A sign-out being made from a card: the record holds this until the request's id is known. */
const ASKING = 'asking';

/**
 * The buttons of alert cards, after the guard admitted the clicker (an admin, of this tenant, every
 * click): Sign out and Block and sign out make a request through the usual flow (guardrails, approval
 * policy, confirmation card), whose card replaces the alert card; Confirm compromised and Dismiss answer
 * Identity Protection. Each click is audited and the card, redrawn with who did what, replaces the
 * clicked one for everyone.
 */
export class AlertClicks {
  constructor(
    private readonly d: {
      alerts: AlertStore;
      cards: Pick<AlertCards, 'forEpisode' | 'forAlert' | 'isProtected'>;
      identity: Pick<IdentityProtection, 'confirmCompromised' | 'dismiss'>;
      directory: Pick<Directory, 'getUser'>;
      assessor: Pick<RequestAssessor, 'assess'>;
      requests: Pick<RequestService, 'create'>;
      refuse: (info: ActivityInfo, what: string, why: string) => Promise<void>;
      audit: Pick<AuditSink, 'append'>;
      log: Logger;
      tenantId: string;
      securityChannelId?: string;
      now: () => Date;
    },
  ) {}

  async act(
    info: ActivityInfo,
    caller: Person,
    kind: AlertActionKind,
    click: AlertClick,
    reason?: string,
  ): Promise<ClickAnswer> {
    if (!this.inSecurityChannel(info.conversationId)) return { message: OTHER_CONVERSATION };
    const loaded = await this.load(click);
    if ('message' in loaded) return loaded;
    const record = loaded.record;
    if (record.requestId) {
      return { message: SIGNOUT_ALREADY_ASKED };
    }
    if (loaded.kind === 'risk' && !loaded.ep.open) return { message: ALERT_CLOSED };
    switch (kind) {
      case 'signout':
      case 'block':
        return this.signOut(info, caller, loaded, kind === 'block');
      case 'confirmCompromised':
        return this.answerRisk(info, caller, loaded, 'confirm');
      case 'dismiss': {
        if (loaded.kind !== 'risk') return { message: UNKNOWN_CARD };
        const why = (reason ?? '').trim();
        if (!why) return { message: DISMISS_NEEDS_REASON };
        return this.answerRisk(info, caller, loaded, 'dismiss', why.slice(0, MAX_DISMISS_REASON));
      }
    }
  }

  private inSecurityChannel(conversationId: string): boolean {
    const base = (id: string | undefined) => (id ?? '').split(';')[0];
    return !!this.d.securityChannelId && base(conversationId) === base(this.d.securityChannelId);
  }

  private async load(click: AlertClick): Promise<Loaded | { message: Markdown }> {
    if (click.alert === 'risk') {
      const ep = await this.d.alerts.getEpisode(click.userId);
      if (!ep || ep.startedAt !== click.episode) return { message: STALE_ALERT_CARD };
      return { kind: 'risk', ep, record: ep };
    }
    const alert = await this.d.alerts.getAlert(click.alertId);
    return alert ? { kind: 'webhook', record: alert } : { message: UNKNOWN_CARD };
  }

  private userOf(l: Loaded) {
    return l.kind === 'risk'
      ? { id: l.ep.userId, upn: l.ep.latest.userPrincipalName, name: l.ep.latest.displayName }
      : { id: l.record.user.id, upn: l.record.user.userPrincipalName, name: l.record.user.displayName };
  }

  /** Changes the record under a compare-and-swap; a change of undefined leaves it. */
  private patch(
    l: Loaded,
    change: (current: RiskEpisode | WebhookAlert) => RiskEpisode | WebhookAlert | undefined,
  ) {
    return l.kind === 'risk'
      ? this.d.alerts.patchEpisode(l.ep.userId, (c) =>
          c.startedAt === l.ep.startedAt ? (change(c) as RiskEpisode | undefined) : undefined,
        )
      : this.d.alerts.patchAlert(l.record.id, (c) => change(c) as WebhookAlert | undefined);
  }

  private async card(record: RiskEpisode | WebhookAlert, kind: Loaded['kind']): Promise<object> {
    return kind === 'risk'
      ? this.d.cards.forEpisode(record as RiskEpisode)
      : this.d.cards.forAlert(record as WebhookAlert);
  }

  private async signOut(info: ActivityInfo, caller: Person, l: Loaded, block: boolean): Promise<ClickAnswer> {
    const who = this.userOf(l);
    const what = block ? 'block and sign out from an alert card' : 'sign out from an alert card';
    const user = await this.d.directory.getUser(who.id);
    if (!user) return { message: userGone(who.upn || who.id) };
    const assessed = await this.d.assessor.assess(caller, [user], {
      self: false,
      block,
      all: false,
      named: true,
    });
    if (!assessed.ok) {
      await this.d.refuse(info, what, assessed.problem);
      return { message: plain(assessed.problem) };
    }
    // one request per card, whoever clicks first
    const claimed = await this.patch(l, (c) => (c.requestId ? undefined : { ...c, requestId: ASKING }));
    if (!claimed.ok) return { message: SIGNOUT_ALREADY_ASKED };
    const cardActivityId = claimed.record?.cardActivityId;
    let shown: object | undefined;
    const title =
      l.kind === 'risk'
        ? `Entra ID Protection: ${l.ep.latest.riskLevel} risk`
        : `${l.record.alert.source}: ${l.record.alert.title}`;
    try {
      const req = await this.d.requests.create(
        info,
        {
          requester: caller,
          targets: assessed.targets,
          reason: `Alert card (${title})`.slice(0, 500),
          source: user.userPrincipalName || user.id,
          block,
          approval: assessed.approval,
          excluded: [],
        },
        async (card) => {
          shown = card;
          return cardActivityId;
        },
      );
      const entry: AlertActionEntry = {
        kind: block ? 'block' : 'signout',
        by: caller,
        at: this.d.now().toISOString(),
        ok: true,
        outcome: SIGNOUT_ASKED_OUTCOME,
        requestId: req.id,
      };
      await this.patch(l, (c) => ({ ...c, requestId: req.id, actions: [...c.actions, entry] }));
    } catch (err) {
      await this.patch(l, (c) => (c.requestId === ASKING ? { ...c, requestId: undefined } : undefined));
      throw err;
    }
    return { card: shown! };
  }

  private async answerRisk(
    info: ActivityInfo,
    caller: Person,
    l: Loaded,
    answer: 'confirm' | 'dismiss',
    reason?: string,
  ): Promise<ClickAnswer> {
    const who = this.userOf(l);
    const now = this.d.now().toISOString();
    let requestId: string | undefined;
    let failure: GraphCallError | undefined;
    try {
      ({ requestId } = await (answer === 'confirm'
        ? this.d.identity.confirmCompromised(who.id)
        : this.d.identity.dismiss(who.id)));
    } catch (err) {
      if (!(err instanceof GraphCallError)) throw err;
      failure = err;
    }
    const ok = !failure;
    const outcome = ok
      ? answer === 'confirm'
        ? CONFIRMED_OUTCOME
        : DISMISSED_OUTCOME
      : riskAnswerFailed(answer, failure!);
    const entry: AlertActionEntry = {
      kind: answer === 'confirm' ? 'confirmCompromised' : 'dismiss',
      by: caller,
      at: now,
      ok,
      outcome,
      ...(reason ? { reason } : {}),
    };
    const changed = await this.patch(l, (c) => {
      const next = { ...c, actions: [...c.actions, entry] };
      if (!ok || l.kind !== 'risk') return next;
      // what Graph now says, so the card shows it at once; the poll confirms it later
      const ep = next as RiskEpisode;
      return answer === 'confirm'
        ? {
            ...ep,
            latest: {
              ...ep.latest,
              riskLevel: 'high',
              riskState: 'confirmedCompromised',
              riskDetail: 'adminConfirmedUserCompromised',
              riskLastUpdatedDateTime: now,
            },
          }
        : {
            ...ep,
            open: false,
            latest: {
              ...ep.latest,
              riskLevel: 'none',
              riskState: 'dismissed',
              riskDetail: 'adminDismissedAllRiskForUser',
              riskLastUpdatedDateTime: now,
            },
          };
    });
    await this.d.audit.append({
      event: ok ? (answer === 'confirm' ? 'compromised' : 'dismissed') : 'failed',
      tenantId: this.d.tenantId,
      actor: caller,
      targets: [who],
      outcome,
      ...(reason ? { reason } : {}),
      ...(failure?.requestId || requestId ? { graphRequestIds: [failure?.requestId ?? requestId!] } : {}),
      detail: `${ALERT_ACTION_WORDS[entry.kind]} from an alert card`,
      conversationId: info.conversationId,
    });
    this.d.log.info({ userId: who.id, action: entry.kind, ok, code: failure?.code }, 'alert card action');
    if (!changed.ok || !changed.record) return { message: plain(outcome) };
    return { card: await this.card(changed.record, l.kind) };
  }
}
