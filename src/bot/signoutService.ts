import { randomUUID } from 'node:crypto';
import { TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import { cardAttachment, renderConfirmCard, renderResultCard } from '../cards/render';
import { explainGraphFailure } from '../core/graphErrors';
import { decideCancel, decideConfirm } from '../core/requestLifecycle';
import type { DirectoryUser, Person, SignoutRequest, TargetOutcome } from '../core/types';
import { GraphCallError, type GraphApi } from '../graph/client';
import type { Directory } from '../graph/directory';
import { revokeUserSessions } from '../graph/revoke';
import type { Logger } from '../log';
import type { AuditLog } from '../store/auditLog';
import type { RequestStore } from '../store/requestStore';
import { zoneFromString, zoneToString, type ActivityInfo } from './activityInfo';
import { endedNotice, OTHER_CONVERSATION, outcomeLine, requestedNotice } from './messages';
import type { ProactiveOrigin, SecurityNotifier } from './notifier';

export interface SignoutServiceDeps {
  adapter: CloudAdapter;
  botAppId: string;
  tenantId: string;
  ttlMinutes: number;
  store: RequestStore;
  audit: AuditLog;
  graph: GraphApi;
  directory: Directory;
  notifier: SecurityNotifier;
  log: Logger;
  now?: () => Date;
}

/** A card click answered synchronously: the card to show everyone, or a private message to the clicker. */
export type ClickAnswer = { card: object } | { message: string };

/**
 * The request lifecycle with its side effects: create a request and its card, confirm or cancel it
 * with compare-and-swap transitions, run the revoke after the click has been answered, report the
 * outcome everywhere, resume after a restart and expire what nobody confirmed.
 */
export class SignoutService {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => Date;

  constructor(private readonly d: SignoutServiceDeps) {
    this.now = d.now ?? (() => new Date());
  }

  async request(
    ctx: TurnContext,
    info: ActivityInfo,
    requester: Person,
    targets: DirectoryUser[],
    reason: string,
  ) {
    const now = this.now();
    const req: SignoutRequest = {
      id: randomUUID(),
      tenantId: this.d.tenantId,
      status: 'pending',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.d.ttlMinutes * 60_000).toISOString(),
      requester,
      reason,
      targets,
      conversation: {
        reference: TurnContext.getConversationReference(ctx.activity) as Record<string, unknown>,
      },
      thread: info.thread,
      outcomes: [],
    };
    await this.d.store.create(req);
    const sent = await ctx.sendActivity({
      type: 'message',
      attachments: [cardAttachment(renderConfirmCard(req, { zone: info.zone, now }))],
    });
    if (sent?.id) {
      await this.d.store.patch(req.id, (cur) => ({
        conversation: { ...cur.conversation, cardActivityId: sent.id },
      }));
    }
    this.d.log.info(
      { requestId: req.id, requester: requester.id, targets: targets.map((t) => t.id) },
      'sign-out requested',
    );
    await this.d.audit.append({
      event: 'requested',
      tenantId: req.tenantId,
      requestId: req.id,
      actor: requester,
      targets: targets.map((t) => ({ id: t.id, upn: t.userPrincipalName, name: t.displayName })),
      reason,
      conversationId: info.conversationId,
    });
    await this.d.notifier.notify(requestedNotice(req, info.thread), originOf(ctx.activity));
  }

  async confirm(
    ctx: TurnContext,
    info: ActivityInfo,
    clicker: Person,
    requestId: string,
  ): Promise<ClickAnswer> {
    const req = await this.d.store.get(requestId);
    if (!req) return { message: 'unknown' };
    if (!sameConversation(req, info.conversationId)) return { message: OTHER_CONVERSATION };
    const now = this.now();
    const decision = decideConfirm(req, now);
    if (decision === 'expire')
      return { card: renderResultCard(await this.expire(req, originOf(ctx.activity)), { zone: info.zone }) };
    if (decision === 'nothing') return { card: renderResultCard(req, { zone: info.zone }) };
    const moved = await this.d.store.transition(requestId, ['pending', 'approved'], 'running', () => ({
      confirmedBy: clicker,
      confirmedAt: now.toISOString(),
      confirmerTimeZone: zoneToString(info.zone),
      startedAt: now.toISOString(),
    }));
    if (!moved.ok) {
      this.d.log.info(
        { requestId, clicker: clicker.id, status: moved.request?.status },
        'confirm lost the race',
      );
      return { card: renderResultCard(moved.request ?? req, { zone: info.zone }) };
    }
    this.d.log.info({ requestId, clicker: clicker.id }, 'sign-out confirmed');
    await this.d.audit.append({
      event: 'confirmed',
      tenantId: req.tenantId,
      requestId,
      actor: clicker,
      conversationId: info.conversationId,
    });
    this.track(this.run(moved.request, originOf(ctx.activity)));
    return { card: renderResultCard(moved.request, { zone: info.zone }) };
  }

  async cancel(
    ctx: TurnContext,
    info: ActivityInfo,
    clicker: Person,
    requestId: string,
  ): Promise<ClickAnswer> {
    const req = await this.d.store.get(requestId);
    if (!req) return { message: 'unknown' };
    if (!sameConversation(req, info.conversationId)) return { message: OTHER_CONVERSATION };
    const decision = decideCancel(req, this.now());
    if (decision === 'expire')
      return { card: renderResultCard(await this.expire(req, originOf(ctx.activity)), { zone: info.zone }) };
    if (decision === 'nothing') return { card: renderResultCard(req, { zone: info.zone }) };
    const moved = await this.d.store.transition(requestId, ['pending', 'approved'], 'cancelled', () => ({
      cancelledBy: clicker,
      finishedAt: this.now().toISOString(),
    }));
    const current = moved.request ?? req;
    if (moved.ok) {
      this.d.log.info({ requestId, clicker: clicker.id }, 'sign-out cancelled');
      await this.d.audit.append({ event: 'cancelled', tenantId: req.tenantId, requestId, actor: clicker });
      await this.d.notifier.notify(
        endedNotice(current, current.thread ?? info.thread),
        originOf(ctx.activity),
      );
    }
    return { card: renderResultCard(current, { zone: info.zone }) };
  }

  /** After a restart: finish jobs that were running and expire cards nobody answered in time. */
  async resume(): Promise<void> {
    for (const req of await this.d.store.listActive()) {
      if (req.status === 'running') {
        this.d.log.info({ requestId: req.id }, 'resuming interrupted sign-out');
        this.track(this.run(req, originOfReference(req), true));
      }
    }
    await this.expireDue();
  }

  async expireDue(): Promise<void> {
    const now = this.now();
    for (const req of await this.d.store.listActive()) {
      if (decideConfirm(req, now) === 'expire') {
        const expired = await this.expire(req, originOfReference(req));
        if (expired.status === 'expired') await this.updateCard(expired);
      }
    }
  }

  /** Resolves when every job started so far has finished (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async expire(req: SignoutRequest, origin: ProactiveOrigin | undefined): Promise<SignoutRequest> {
    const moved = await this.d.store.transition(req.id, ['pending', 'approved'], 'expired', () => ({
      finishedAt: this.now().toISOString(),
    }));
    if (moved.ok) {
      this.d.log.info({ requestId: req.id }, 'sign-out request expired');
      await this.d.audit.append({ event: 'expired', tenantId: req.tenantId, requestId: req.id, actor: {} });
      await this.d.notifier.notify(endedNotice(moved.request, req.thread ?? ''), origin);
    }
    return moved.request ?? req;
  }

  private track(job: Promise<void>) {
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
  }

  private async run(
    req: SignoutRequest,
    origin: ProactiveOrigin | undefined,
    resumed = false,
  ): Promise<void> {
    try {
      const done = new Set(req.outcomes.map((o) => o.userId));
      let current = req;
      for (const target of req.targets) {
        if (done.has(target.id)) continue;
        const outcome = await this.revokeOnce(req, target, resumed);
        const saved = await this.d.store.patch(req.id, (cur) => ({ outcomes: [...cur.outcomes, outcome] }));
        if (saved.request) current = saved.request;
      }
      const anyRevoked = current.outcomes.some((o) => o.kind === 'revoked' || o.kind === 'guestSkipped');
      const final = await this.d.store.transition(
        req.id,
        ['running'],
        anyRevoked ? 'done' : 'failed',
        (cur) => ({
          finishedAt: this.now().toISOString(),
          error: anyRevoked ? undefined : cur.outcomes.find((o) => o.message)?.message,
        }),
      );
      if (!final.ok || !final.request) return;
      await this.report(final.request, origin);
    } catch (err) {
      this.d.log.error(
        { requestId: req.id, err: (err as Error).message },
        'sign-out job crashed; will resume on restart',
      );
    }
  }

  private async revokeOnce(
    req: SignoutRequest,
    target: DirectoryUser,
    resumed: boolean,
  ): Promise<TargetOutcome> {
    const log = this.d.log.child({ requestId: req.id, target: target.id });
    try {
      const earlier = resumed ? await this.alreadyRevokedSince(target.id, req.startedAt) : undefined;
      if (earlier) log.info('revoked before a restart; not revoking again');
      const outcome = earlier ?? (await revokeUserSessions(this.d.graph, target.id));
      log.info(
        { kind: outcome.kind, validFrom: outcome.validFrom, graphRequestId: outcome.requestId },
        'revoke finished',
      );
      return outcome;
    } catch (err) {
      const failure =
        err instanceof GraphCallError
          ? err
          : new GraphCallError(0, 'Unexpected', (err as Error).message ?? String(err));
      const explained = explainGraphFailure(failure, 'revoke', target.displayName);
      log.warn(
        { status: failure.status, code: failure.code, graphRequestId: failure.requestId },
        'revoke failed',
      );
      return {
        userId: target.id,
        kind: explained.kind,
        code: failure.code,
        requestId: failure.requestId,
        message: explained.text,
      };
    }
  }

  /**
   * A job interrupted after Graph accepted the revoke must not revoke twice: if the user's
   * sessions are already valid only from after the job started, that revoke is recorded instead.
   */
  private async alreadyRevokedSince(
    userId: string,
    startedAt: string | undefined,
  ): Promise<TargetOutcome | undefined> {
    if (!startedAt) return undefined;
    const user = await this.d.directory.getUser(userId);
    if (!user?.validFrom) return undefined;
    const startedSecond = Math.floor(Date.parse(startedAt) / 1000) * 1000;
    if (Date.parse(user.validFrom) < startedSecond) return undefined;
    return { userId, kind: 'revoked', validFrom: user.validFrom };
  }

  private async report(req: SignoutRequest, origin: ProactiveOrigin | undefined): Promise<void> {
    const zone = zoneFromString(req.confirmerTimeZone);
    await this.updateCard(req);
    const byId = new Map(req.targets.map((t) => [t.id, t]));
    const lines = req.outcomes.map((o) => outcomeLine(byId.get(o.userId), o, zone));
    await this.postInThread(req, lines.join('\n\n'));
    for (const o of req.outcomes) {
      await this.d.audit.append({
        event: o.kind === 'revoked' ? 'revoked' : 'failed',
        tenantId: req.tenantId,
        requestId: req.id,
        actor: req.confirmedBy ?? {},
        targets: [{ id: o.userId, upn: byId.get(o.userId)?.userPrincipalName }],
        outcome: o.kind,
        graphRequestIds: o.requestId ? [o.requestId] : undefined,
        detail: o.validFrom ? `validFrom ${o.validFrom}` : o.message,
      });
    }
    await this.d.notifier.notify(endedNotice(req, req.thread ?? '', zone), origin);
  }

  private async updateCard(req: SignoutRequest): Promise<void> {
    const id = req.conversation.cardActivityId;
    if (!id) return;
    const zone = zoneFromString(req.confirmerTimeZone);
    await this.proactive(req, (ctx) =>
      ctx.updateActivity({
        type: 'message',
        id,
        attachments: [cardAttachment(renderResultCard(req, { zone }))],
      }),
    );
  }

  private async postInThread(req: SignoutRequest, text: string): Promise<void> {
    await this.proactive(req, (ctx) => ctx.sendActivity({ type: 'message', text, textFormat: 'markdown' }));
  }

  private async proactive(req: SignoutRequest, logic: (ctx: TurnContext) => Promise<unknown>): Promise<void> {
    try {
      await this.d.adapter.continueConversationAsync(
        this.d.botAppId,
        req.conversation.reference as Partial<ConversationReference>,
        async (ctx) => {
          await logic(ctx);
        },
      );
    } catch (err) {
      this.d.log.error(
        { requestId: req.id, err: (err as Error).message },
        'could not post to the conversation',
      );
    }
  }
}

export function originOf(activity: Partial<Activity>): ProactiveOrigin | undefined {
  if (!activity.serviceUrl || !activity.recipient) return undefined;
  return {
    serviceUrl: activity.serviceUrl,
    bot: { id: activity.recipient.id, name: activity.recipient.name },
  };
}

function originOfReference(req: SignoutRequest): ProactiveOrigin | undefined {
  const ref = req.conversation.reference as Partial<ConversationReference>;
  if (!ref.serviceUrl || !ref.bot) return undefined;
  return { serviceUrl: ref.serviceUrl, bot: { id: ref.bot.id, name: ref.bot.name } };
}

/** A card's clicks must come from the conversation the card was posted in (thread suffix aside). */
function sameConversation(req: SignoutRequest, conversationId: string): boolean {
  const ref = req.conversation.reference as Partial<ConversationReference>;
  const base = (id: string | undefined) => (id ?? '').split(';')[0];
  return base(ref.conversation?.id) === base(conversationId);
}
