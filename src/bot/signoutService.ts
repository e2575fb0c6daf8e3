import { randomUUID } from 'node:crypto';
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { cardAttachment } from '../cards/render';
import { canApprove } from '../core/approvalPolicy';
import { requestedDetail } from '../core/history';
import { decideCancel, decideConfirm } from '../core/requestLifecycle';
import type { DirectoryUser, Person, SignoutRequest } from '../core/types';
import type { Logger } from '../log';
import type { AuditEntry, AuditSink } from '../store/auditLog';
import type { RequestStore } from '../store/requestStore';
import { zoneFromString, zoneToString, type ActivityInfo } from './activityInfo';
import type { ConversationPoster } from './conversationPoster';
import { LEASE_MS, type JobRunner } from './jobRunner';
import * as text from './messages';
import type { ProactiveOrigin, SecurityNotifier } from './notifier';
import { cardFor } from './requestCards';

export interface SignoutServiceDeps {
  botAppId: string;
  tenantId: string;
  ttlMinutes: number;
  store: RequestStore;
  audit: AuditSink;
  notifier: SecurityNotifier;
  poster: ConversationPoster;
  jobs: JobRunner;
  log: Logger;
  /** a link to the CSV of a request's outcomes */
  csvUrl: (requestId: string) => string;
  now?: () => Date;
}

/** What the bot knows about a request before it is stored: targets and the policy's verdict. */
export interface NewRequest {
  requester: Person;
  targets: DirectoryUser[];
  reason: string;
  source: string;
  block: boolean;
  approval?: { required: boolean; why: string };
  choices?: DirectoryUser[];
  confirmPhrases?: string[];
  excluded?: string[];
  self?: boolean;
}

/** A card click answered synchronously: the card to show everyone, or a private message to the clicker. */
export type ClickAnswer = { card: object } | { message: string };

/**
 * The request lifecycle with its side effects: create a request and its card; confirm, approve,
 * reject or cancel it with compare-and-swap transitions; hand confirmed work to the job runner; and
 * report outcomes in the thread, the security channel and the audit log.
 */
export class SignoutService {
  private readonly now: () => Date;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly d: SignoutServiceDeps) {
    this.now = d.now ?? (() => new Date());
  }

  async create(ctx: TurnContext, info: ActivityInfo, n: NewRequest): Promise<SignoutRequest> {
    const now = this.now();
    const req: SignoutRequest = {
      id: randomUUID(),
      tenantId: this.d.tenantId,
      status: 'pending',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.d.ttlMinutes * 60_000).toISOString(),
      requester: n.requester,
      reason: n.reason,
      targets: n.targets,
      source: n.source,
      block: n.block || undefined,
      approval: n.approval?.required ? n.approval : undefined,
      choices: n.choices,
      self: n.self || undefined,
      confirmPhrases: n.confirmPhrases,
      excluded: n.excluded?.length ? n.excluded : undefined,
      conversation: {
        reference: TurnContext.getConversationReference(ctx.activity) as Record<string, unknown>,
      },
      thread: info.thread,
      outcomes: [],
    };
    await this.d.store.create(req);
    const sent = await ctx.sendActivity({
      type: 'message',
      attachments: [cardAttachment(cardFor(req, { zone: info.zone, now }))],
    });
    if (sent?.id) {
      await this.d.store.patch(req.id, (cur) => ({
        conversation: { ...cur.conversation, cardActivityId: sent.id },
      }));
    }
    if (n.choices) return req;
    this.d.log.info(
      { requestId: req.id, requester: n.requester.id, targets: n.targets.length, approval: !!req.approval },
      'sign-out requested',
    );
    await this.d.audit.append({
      event: 'requested',
      tenantId: req.tenantId,
      requestId: req.id,
      actor: n.requester,
      targets: auditTargets(n.targets),
      reason: n.reason,
      detail: requestedDetail(req),
      conversationId: info.conversationId,
    });
    await this.d.notifier.notify(text.requestedNotice(req, info.thread), originOf(ctx.activity));
    return req;
  }

  /** A name matched several users and the admin picked one: the request becomes a normal one. */
  async choose(
    ctx: TurnContext,
    info: ActivityInfo,
    clicker: Person,
    requestId: string,
    userId: unknown,
    assess: (
      req: SignoutRequest,
      chosen: DirectoryUser,
    ) => Promise<{ targets: DirectoryUser[]; approval: { required: boolean; why: string } } | string>,
  ): Promise<ClickAnswer> {
    const found = await this.load(requestId, info);
    if ('message' in found) return found;
    const req = found.req;
    const chosen = req.choices?.find((u) => u.id === userId);
    if (req.status !== 'pending' || !req.choices) return { card: cardFor(req, { zone: info.zone }) };
    if (!chosen) return { message: text.UNKNOWN_CARD };
    if (decideConfirm(req, this.now()) === 'expire')
      return { card: cardFor(await this.expire(req, originOf(ctx.activity)), { zone: info.zone }) };
    const assessed = await assess(req, chosen);
    if (typeof assessed === 'string') return { message: assessed };
    const moved = await this.d.store.patch(req.id, (cur) =>
      cur.status === 'pending' && cur.choices
        ? {
            choices: undefined,
            targets: assessed.targets,
            approval: assessed.approval?.required ? assessed.approval : undefined,
          }
        : undefined,
    );
    if (!moved.ok) return { card: cardFor(moved.request ?? req, { zone: info.zone }) };
    await this.d.audit.append({
      event: 'requested',
      tenantId: req.tenantId,
      requestId: req.id,
      actor: req.requester,
      targets: auditTargets(moved.request.targets),
      reason: req.reason,
      detail: `picked by ${clicker.name} from ${req.choices.length} users named "${req.source}"`,
      conversationId: info.conversationId,
    });
    await this.d.notifier.notify(
      text.requestedNotice(moved.request, req.thread ?? info.thread),
      originOf(ctx.activity),
    );
    return { card: cardFor(moved.request, { zone: info.zone }) };
  }

  async confirm(
    ctx: TurnContext,
    info: ActivityInfo,
    clicker: Person,
    requestId: string,
    data: Record<string, unknown>,
  ): Promise<ClickAnswer> {
    const found = await this.load(requestId, info);
    if ('message' in found) return found;
    const req = found.req;
    if (req.status === 'pending' && req.choices) return { message: text.PICK_FIRST };
    if (req.status === 'pending' && req.approval?.required) return { message: text.NEEDS_APPROVAL };
    const decision = decideConfirm(req, this.now());
    if (decision === 'expire')
      return { card: cardFor(await this.expire(req, originOf(ctx.activity)), { zone: info.zone }) };
    if (decision === 'nothing') return { card: this.card(req, info) };
    if (req.confirmPhrases && !matchesPhrase(data.confirmText, req.confirmPhrases)) {
      return { message: text.WRONG_CONFIRM_TEXT };
    }
    return this.start(ctx, info, clicker, req, ['pending']);
  }

  async approve(
    ctx: TurnContext,
    info: ActivityInfo,
    approver: Person,
    approverAllowed: boolean,
    requestId: string,
    data: Record<string, unknown>,
  ): Promise<ClickAnswer> {
    return this.judge(ctx, info, approver, approverAllowed, requestId, {
      verdict: 'approved',
      problem: (req) =>
        req.confirmPhrases && !matchesPhrase(data.confirmText, req.confirmPhrases)
          ? text.WRONG_CONFIRM_TEXT
          : undefined,
      patch: () => ({ approvedBy: approver, approvedAt: this.now().toISOString() }),
    });
  }

  async reject(
    ctx: TurnContext,
    info: ActivityInfo,
    approver: Person,
    approverAllowed: boolean,
    requestId: string,
    reason: unknown,
  ): Promise<ClickAnswer> {
    const why = typeof reason === 'string' ? reason.trim().slice(0, 500) : '';
    return this.judge(ctx, info, approver, approverAllowed, requestId, {
      verdict: 'rejected',
      problem: () => (why ? undefined : text.REJECT_NEEDS_REASON),
      patch: () => ({
        rejectedBy: approver,
        rejectedAt: this.now().toISOString(),
        rejectionReason: why,
        finishedAt: this.now().toISOString(),
      }),
      reason: why,
    });
  }

  /** The second admin's verdict on a request waiting for approval: the two-person rule, then one CAS. */
  private async judge(
    ctx: TurnContext,
    info: ActivityInfo,
    approver: Person,
    approverAllowed: boolean,
    requestId: string,
    v: {
      verdict: 'approved' | 'rejected';
      problem: (req: SignoutRequest) => string | undefined;
      patch: () => Partial<SignoutRequest>;
      reason?: string;
    },
  ): Promise<ClickAnswer> {
    const found = await this.load(requestId, info);
    if ('message' in found) return found;
    const req = found.req;
    if (!req.approval?.required || req.status !== 'pending') return { card: this.card(req, info) };
    const allowed = canApprove({ requesterId: req.requester.id, approverId: approver.id, approverAllowed });
    if (!allowed.ok) {
      if (allowed.why === 'ownRequest' && v.verdict === 'rejected')
        return { message: text.OWN_REQUEST_REJECT };
      const what =
        allowed.why === 'ownRequest' ? 'approve their own request' : 'approve without being an approver';
      await this.refused(ctx, info, approver, req, what);
      return { message: allowed.why === 'ownRequest' ? text.OWN_REQUEST : text.NOT_APPROVER };
    }
    if (decideConfirm(req, this.now()) === 'expire') {
      return { card: cardFor(await this.expire(req, originOf(ctx.activity)), { zone: info.zone }) };
    }
    const problem = v.problem(req);
    if (problem) return { message: problem };
    const moved = await this.d.store.transition(req.id, ['pending'], v.verdict, v.patch);
    if (!moved.ok) return { card: this.card(moved.request ?? req, info) };
    this.d.log.info({ requestId, approver: approver.id }, `sign-out ${v.verdict}`);
    await this.d.audit.append({
      event: v.verdict,
      tenantId: req.tenantId,
      requestId,
      actor: approver,
      reason: v.reason,
      conversationId: info.conversationId,
    });
    await this.d.notifier.notify(
      text.approvalNotice(moved.request, v.verdict, approver, req.thread ?? info.thread),
      originOf(ctx.activity),
    );
    return v.verdict === 'approved'
      ? this.start(ctx, info, approver, moved.request, ['approved'])
      : { card: this.card(moved.request, info) };
  }

  async cancel(
    ctx: TurnContext,
    info: ActivityInfo,
    clicker: Person,
    requestId: string,
  ): Promise<ClickAnswer> {
    const found = await this.load(requestId, info);
    if ('message' in found) return found;
    const req = found.req;
    const decision = decideCancel(req, this.now());
    if (decision === 'expire')
      return { card: cardFor(await this.expire(req, originOf(ctx.activity)), { zone: info.zone }) };
    if (decision === 'nothing') return { card: this.card(req, info) };
    const from = decision === 'stop' ? (['running'] as const) : (['pending', 'approved'] as const);
    const moved = await this.d.store.transition(req.id, from, 'cancelled', () => ({
      cancelledBy: clicker,
      finishedAt: decision === 'stop' ? undefined : this.now().toISOString(),
      // a stopped job reports its end itself, after a restart if need be
      reportPending: decision === 'stop' || undefined,
    }));
    const current = moved.request ?? req;
    if (!moved.ok) return { card: this.card(current, info) };
    // no new batch once the cancel is stored, not even while its audit line is written
    if (decision === 'stop') this.d.jobs.stop(requestId);
    this.d.log.info({ requestId, clicker: clicker.id, running: decision === 'stop' }, 'sign-out cancelled');
    await this.d.audit.append({ event: 'cancelled', tenantId: req.tenantId, requestId, actor: clicker });
    if (decision !== 'stop' && !req.choices) {
      await this.d.notifier.notify(
        text.endedNotice(current, current.thread ?? info.thread),
        originOf(ctx.activity),
      );
    }
    return { card: this.card(current, info) };
  }

  /**
   * At start-up and then every few seconds: run jobs that have no live runner (this process restarted,
   * or another instance died), including ended jobs whose report a stop interrupted, start approved
   * requests that never started, and expire cards nobody answered in time. A job another live instance
   * runs is left to it (see JobRunner's lease).
   */
  sweep(): Promise<void> {
    // one at a time: a slow sweep must not overlap the next and report the same end twice
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    for (const req of await this.d.store.listActive()) {
      const job = req.status === 'running' || (!!req.reportPending && !!req.startedAt);
      if (job && !this.d.jobs.isRunning(req.id)) {
        const stale = !req.runner || Date.now() - Date.parse(req.runner.heartbeatAt) > LEASE_MS;
        if (stale || req.runner?.instance === this.d.jobs.instance) {
          this.d.log.info({ requestId: req.id }, 'resuming interrupted sign-out');
          this.d.jobs.start(req, true);
        }
      } else if (req.status === 'approved') {
        const moved = await this.d.store.transition(req.id, ['approved'], 'running', () => ({
          startedAt: this.now().toISOString(),
        }));
        if (moved.ok) this.d.jobs.start(moved.request);
      }
    }
    await this.expireDue();
  }

  /**
   * Expires requests nobody answered in time. The expiry is stored with `reportPending` until its audit
   * line, notice and card are out, so a stop in between has the next sweep finish the report.
   */
  async expireDue(): Promise<void> {
    const now = this.now();
    for (const req of await this.d.store.listActive()) {
      if (req.status === 'expired' && req.reportPending) {
        await this.reportExpiry(req, true);
      } else if (decideConfirm(req, now) === 'expire') {
        const moved = await this.d.store.transition(req.id, ['pending', 'approved'], 'expired', () => ({
          finishedAt: now.toISOString(),
          reportPending: true,
        }));
        if (moved.ok) await this.reportExpiry(moved.request, false);
      }
    }
  }

  /** Audit line, security-channel notice and card of an expiry the sweep found; `again` after a stop. */
  private async reportExpiry(req: SignoutRequest, again: boolean): Promise<void> {
    if (!again || (await this.auditedLines(req.id, ['expired'])).length === 0) await this.announceExpiry(req);
    else if (!req.choices)
      await this.d.notifier.notify(text.endedNotice(req, req.thread ?? ''), originOfReference(req));
    await this.d.poster.updateCard(req, cardFor(req));
    await this.d.store.reported(req.id);
  }

  /** Progress of a bulk job: the card, updated in place. */
  async progress(req: SignoutRequest): Promise<void> {
    await this.d.poster.updateCard(req, cardFor(req, { zone: zoneFromString(req.confirmerTimeZone) }));
  }

  /**
   * The end of a job: card for everyone, lines in the thread, audit, security channel. `again` when an
   * earlier report may have been interrupted: the card and posts are repeated, the audit lines are not.
   */
  async finished(req: SignoutRequest, again = false): Promise<void> {
    const zone = zoneFromString(req.confirmerTimeZone);
    const bulk = req.targets.length > 1;
    await this.d.poster.updateCard(
      req,
      cardFor(req, { zone, csvUrl: bulk ? this.d.csvUrl(req.id) : undefined }),
    );
    await this.d.poster.post(req, bulk ? text.bulkSummary(req) : text.outcomeLines(req, zone));
    const byId = new Map(req.targets.map((t) => [t.id, t]));
    const audited = new Set(
      again
        ? (await this.auditedLines(req.id, ['revoked', 'failed']))
            .flatMap((e) => e.targets ?? [])
            .map((t) => t.id)
        : [],
    );
    await this.d.audit.appendMany(
      req.outcomes
        .filter((o) => !audited.has(o.userId))
        .map((o) => ({
          event: o.kind === 'revoked' ? 'revoked' : 'failed',
          tenantId: req.tenantId,
          requestId: req.id,
          actor: req.approvedBy ?? req.confirmedBy ?? {},
          targets: [{ id: o.userId, upn: byId.get(o.userId)?.userPrincipalName }],
          outcome: o.kind,
          graphRequestIds: o.requestId ? [o.requestId] : undefined,
          detail: o.validFrom ? `validFrom ${o.validFrom}` : o.message,
        })),
    );
    await this.d.notifier.notify(text.endedNotice(req, req.thread ?? '', zone), originOfReference(req));
  }

  /** What the audit log already has of a request, for a report made again after a stop. */
  private async auditedLines(requestId: string, events: string[]): Promise<AuditEntry[]> {
    return (await this.d.audit.readAll()).filter(
      (e) => e.requestId === requestId && events.includes(e.event),
    );
  }

  private card(req: SignoutRequest, info: ActivityInfo): object {
    return cardFor(req, {
      zone: info.zone,
      csvUrl: req.targets.length > 1 ? this.d.csvUrl(req.id) : undefined,
    });
  }

  private async start(
    ctx: TurnContext,
    info: ActivityInfo,
    clicker: Person,
    req: SignoutRequest,
    from: readonly ('pending' | 'approved')[],
  ): Promise<ClickAnswer> {
    const now = this.now();
    const moved = await this.d.store.transition(req.id, from, 'running', () => ({
      confirmedBy: clicker,
      confirmedAt: now.toISOString(),
      confirmerTimeZone: zoneToString(info.zone),
      startedAt: now.toISOString(),
      progress: { done: 0, total: req.targets.length, ratePerSecond: 0, throttled: 0 },
    }));
    if (!moved.ok) {
      this.d.log.info(
        { requestId: req.id, clicker: clicker.id, status: moved.request?.status },
        'confirm lost the race',
      );
      return { card: this.card(moved.request ?? req, info) };
    }
    this.d.log.info(
      { requestId: req.id, clicker: clicker.id, targets: req.targets.length },
      'sign-out confirmed',
    );
    await this.d.audit.append({
      event: 'confirmed',
      tenantId: req.tenantId,
      requestId: req.id,
      actor: clicker,
      conversationId: info.conversationId,
    });
    this.d.jobs.start(moved.request);
    return { card: this.card(moved.request, info) };
  }

  private async load(
    requestId: string,
    info: ActivityInfo,
  ): Promise<{ req: SignoutRequest } | { message: string }> {
    const req = await this.d.store.get(requestId);
    if (!req) return { message: text.UNKNOWN_CARD };
    if (!sameConversation(req, info.conversationId)) return { message: text.OTHER_CONVERSATION };
    return { req };
  }

  private async refused(
    ctx: TurnContext,
    info: ActivityInfo,
    who: Person,
    req: SignoutRequest,
    what: string,
  ) {
    this.d.log.warn({ requestId: req.id, caller: who.id, what }, 'refused');
    await this.d.audit.append({
      event: 'refused',
      tenantId: req.tenantId,
      requestId: req.id,
      actor: who,
      detail: what,
    });
    await this.d.notifier.notify(
      text.refusedNotice(who, what, 'two-person rule', req.thread ?? info.thread),
      originOf(ctx.activity),
    );
  }

  private async expire(req: SignoutRequest, origin: ProactiveOrigin | undefined): Promise<SignoutRequest> {
    const moved = await this.d.store.transition(req.id, ['pending', 'approved'], 'expired', () => ({
      finishedAt: this.now().toISOString(),
    }));
    if (moved.ok) await this.announceExpiry(moved.request, origin);
    return moved.request ?? req;
  }

  private async announceExpiry(req: SignoutRequest, origin = originOfReference(req)): Promise<void> {
    this.d.log.info({ requestId: req.id }, 'sign-out request expired');
    await this.d.audit.append({ event: 'expired', tenantId: req.tenantId, requestId: req.id, actor: {} });
    if (!req.choices) await this.d.notifier.notify(text.endedNotice(req, req.thread ?? ''), origin);
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

function matchesPhrase(typed: unknown, phrases: string[]): boolean {
  if (typeof typed !== 'string') return false;
  const t = typed
    .trim()
    .toLowerCase()
    .replace(/[\s,.']/g, '');
  return phrases.some((p) => p.replace(/[\s,.']/g, '') === t);
}

function auditTargets(targets: DirectoryUser[]) {
  return targets.map((t) => ({ id: t.id, upn: t.userPrincipalName, name: t.displayName }));
}
