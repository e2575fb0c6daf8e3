import { randomUUID } from 'node:crypto';
import {
  NEEDS_APPROVAL,
  NOT_APPROVER,
  OTHER_CONVERSATION,
  OWN_REQUEST,
  OWN_REQUEST_REJECT,
  PICK_FIRST,
  REJECT_NEEDS_REASON,
  UNKNOWN_CARD,
  WRONG_CONFIRM_TEXT,
} from '../domain/clickMessages';
import { approvalNotice, endedNotice, requestedNotice } from '../domain/noticeMessages';
import { bulkSummary, outcomeLines } from '../domain/outcomeMessages';
import { refusedNotice } from '../domain/refusalMessages';
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { CsvLink } from '../cards/render';
import { canApprove } from '../domain/approvalPolicy';
import { requestedFields } from '../domain/history';
import type { Markdown } from '../domain/markdown';
import { decideCancel, decideConfirm, needsRunner } from '../domain/requestLifecycle';
import {
  actionOf,
  type DirectoryUser,
  type Person,
  type RequestAction,
  type RequestStatus,
  type SignoutRequest,
} from '../domain/types';
import type { Logger } from '../log';
import type { AuditSink } from '../store/auditLog';
import type { RequestStore, TransitionResult } from '../store/requestStore';
import { zoneFromString, zoneToString, type ActivityInfo } from './activityInfo';
import type { ConversationPoster } from './conversationPoster';
import type { JobRunner } from '../signout/jobRunner';
import type { ProactiveOrigin, SecurityNotifier } from './notifier';
import { sendCard } from './replies';
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
  /** a link to the CSV of a request's outcomes, and when it expires */
  csvLink: (requestId: string) => CsvLink;
  now?: () => Date;
}

/** What the bot knows about a request before it is stored: targets and the policy's verdict. */
export interface NewRequest {
  /** default 'signout' */
  action?: RequestAction;
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
export type ClickAnswer = { card: object } | { message: Markdown };

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
      action: n.action === 'unblock' ? 'unblock' : undefined,
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
    const sent = await sendCard(ctx, cardFor(req, { zone: info.zone, now }));
    if (sent?.id) {
      await this.d.store.patch(req.id, (cur) => ({
        conversation: { ...cur.conversation, cardActivityId: sent.id },
      }));
    }
    if (n.choices) return req;
    this.d.log.info(
      {
        requestId: req.id,
        action: actionOf(req),
        requester: n.requester.id,
        targets: n.targets.length,
        approval: !!req.approval,
      },
      'request made',
    );
    await this.d.audit.append({
      event: 'requested',
      tenantId: req.tenantId,
      requestId: req.id,
      actor: n.requester,
      targets: auditTargets(n.targets),
      reason: n.reason,
      ...requestedFields(req),
      conversationId: info.conversationId,
      ...(req.action === 'unblock' ? { action: 'unblock' as const } : {}),
    });
    await this.d.notifier.notify(requestedNotice(req, info.thread), originOf(ctx.activity));
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
    ) => Promise<{ targets: DirectoryUser[]; approval: { required: boolean; why: string } } | Markdown>,
  ): Promise<ClickAnswer> {
    const found = await this.load(requestId, info);
    if ('message' in found) return found;
    const req = found.req;
    const chosen = req.choices?.find((u) => u.id === userId);
    if (req.status !== 'pending' || !req.choices) return { card: cardFor(req, { zone: info.zone }) };
    if (!chosen) return { message: UNKNOWN_CARD };
    if (decideConfirm(req, this.now()) === 'expire')
      return { card: cardFor(await this.expire(req), { zone: info.zone }) };
    const assessed = await assess(req, chosen);
    if (!('targets' in assessed)) return { message: assessed };
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
      ...requestedFields(moved.request),
      detail: `picked by ${clicker.name} from ${req.choices.length} users named "${req.source}"`,
      conversationId: info.conversationId,
    });
    this.d.notifier.notifyInBackground(
      requestedNotice(moved.request, req.thread ?? info.thread),
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
    if (req.status === 'pending' && req.choices) return { message: PICK_FIRST };
    if (req.status === 'pending' && req.approval?.required) return { message: NEEDS_APPROVAL };
    const decision = decideConfirm(req, this.now());
    if (decision === 'expire') return { card: cardFor(await this.expire(req), { zone: info.zone }) };
    if (decision === 'nothing') return { card: this.card(req, info) };
    if (req.confirmPhrases && !matchesPhrase(data.confirmText, req.confirmPhrases)) {
      return { message: WRONG_CONFIRM_TEXT };
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
          ? WRONG_CONFIRM_TEXT
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
      problem: () => (why ? undefined : REJECT_NEEDS_REASON),
      patch: () => ({
        rejectedBy: approver,
        rejectedAt: this.now().toISOString(),
        rejectionReason: why,
        finishedAt: this.now().toISOString(),
      }),
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
      problem: (req: SignoutRequest) => Markdown | undefined;
      patch: () => Partial<SignoutRequest>;
    },
  ): Promise<ClickAnswer> {
    const found = await this.load(requestId, info);
    if ('message' in found) return found;
    const req = found.req;
    if (!req.approval?.required || req.status !== 'pending') return { card: this.card(req, info) };
    const allowed = canApprove({ requesterId: req.requester.id, approverId: approver.id, approverAllowed });
    if (!allowed.ok) {
      if (allowed.why === 'ownRequest' && v.verdict === 'rejected') return { message: OWN_REQUEST_REJECT };
      const what =
        allowed.why === 'ownRequest' ? 'approve their own request' : 'approve without being an approver';
      await this.refused(ctx, info, approver, req, what);
      return { message: allowed.why === 'ownRequest' ? OWN_REQUEST : NOT_APPROVER };
    }
    if (decideConfirm(req, this.now()) === 'expire') {
      return { card: cardFor(await this.expire(req), { zone: info.zone }) };
    }
    const problem = v.problem(req);
    if (problem) return { message: problem };
    if (v.verdict === 'rejected') {
      // an end: audited and reported by the job runner (see end())
      const rejected = await this.end(req, ['pending'], 'rejected', v.patch);
      if (rejected.ok) this.d.log.info({ requestId, approver: approver.id }, 'sign-out rejected');
      return { card: this.card(rejected.request ?? req, info) };
    }
    const moved = await this.d.store.transition(req.id, ['pending'], 'approved', v.patch);
    if (!moved.ok) return { card: this.card(moved.request ?? req, info) };
    this.d.log.info({ requestId, approver: approver.id }, 'sign-out approved');
    await this.d.audit.append({
      event: 'approved',
      tenantId: req.tenantId,
      requestId,
      actor: approver,
      conversationId: info.conversationId,
    });
    this.d.notifier.notifyInBackground(
      approvalNotice(moved.request, 'approved', approver, req.thread ?? info.thread),
      originOf(ctx.activity),
    );
    return this.start(ctx, info, approver, moved.request, ['approved']);
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
    if (decision === 'expire') return { card: cardFor(await this.expire(req), { zone: info.zone }) };
    if (decision === 'nothing') return { card: this.card(req, info) };
    const moved =
      decision === 'stop'
        ? await this.d.store.transition(req.id, ['running'], 'cancelled', () => ({ cancelledBy: clicker }))
        : await this.end(req, ['pending', 'approved'], 'cancelled', () => ({
            cancelledBy: clicker,
            finishedAt: this.now().toISOString(),
          }));
    const current = moved.request ?? req;
    if (!moved.ok) return { card: this.card(current, info) };
    // No new batch once the cancel is stored. The job's runner audits the cancel with the outcomes it
    // has, and reports it (see JobRunner.finish).
    if (decision === 'stop') this.d.jobs.stop(requestId);
    this.d.log.info({ requestId, clicker: clicker.id, running: decision === 'stop' }, 'sign-out cancelled');
    return { card: this.card(current, info) };
  }

  /**
   * At start-up and then every few seconds: run jobs that have no live runner (this process restarted,
   * or another instance died), finish ends that were not audited or reported (a crash interrupted them),
   * start approved requests that never started, and expire cards nobody answered in time. What another
   * live instance holds is left to it (see JobLease).
   */
  sweep(): Promise<void> {
    // one at a time: a slow sweep must not overlap the next one
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    for (const req of await this.d.store.listActive()) {
      if (needsRunner(req)) {
        if (this.d.jobs.mayTakeOver(req)) {
          this.d.log.info(
            { requestId: req.id, status: req.status },
            req.status === 'running' ? 'resuming interrupted sign-out' : 'finishing an interrupted end',
          );
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

  async expireDue(): Promise<void> {
    const now = this.now();
    for (const req of await this.d.store.listActive()) {
      // finished before the next request: the sweep reports what it expires before it sweeps again
      if (decideConfirm(req, now) === 'expire') await this.expire(req, { wait: true });
    }
  }

  /** Progress of a bulk job: the card, updated in place. */
  async progress(req: SignoutRequest): Promise<void> {
    await this.d.poster.updateCard(req, cardFor(req, { zone: zoneFromString(req.confirmerTimeZone) }));
  }

  /**
   * The end of a request, reported: card for everyone, for a job its lines in the thread, and the
   * security channel. Its audit lines are already written (JobRunner.finish); after a crash this may run
   * again, so a post may come twice but is never lost.
   */
  async finished(req: SignoutRequest): Promise<void> {
    if (!req.startedAt) return this.endedUnstarted(req);
    const zone = zoneFromString(req.confirmerTimeZone);
    const bulk = req.targets.length > 1;
    await this.d.poster.updateCard(
      req,
      cardFor(req, { zone, csv: bulk ? this.d.csvLink(req.id) : undefined }),
    );
    await this.d.poster.post(req, bulk ? bulkSummary(req) : outcomeLines(req, zone));
    await this.d.notifier.notify(endedNotice(req, req.thread, zone), originOfReference(req));
  }

  /** A request that ended before it ran: cancelled, expired or rejected. */
  private async endedUnstarted(req: SignoutRequest): Promise<void> {
    await this.d.poster.updateCard(req, cardFor(req));
    const origin = originOfReference(req);
    if (req.status === 'rejected' && req.rejectedBy) {
      await this.d.notifier.notify(approvalNotice(req, 'rejected', req.rejectedBy, req.thread), origin);
    } else if (!req.choices) {
      // a choice card was never announced: its end is not either
      await this.d.notifier.notify(endedNotice(req, req.thread), origin);
    }
  }

  /**
   * Stores the end of a request that has not run (a cancel, an expiry, a rejection) with this process's
   * claim on it, and has the job runner audit and report it (JobRunner.finish): in the background, or
   * with `wait` before this returns. A kill at any point leaves the rest to the sweep.
   */
  private async end(
    req: SignoutRequest,
    from: readonly RequestStatus[],
    to: 'cancelled' | 'expired' | 'rejected',
    patch: () => Partial<SignoutRequest>,
    o: { wait?: boolean } = {},
  ): Promise<TransitionResult> {
    const moved = await this.d.store.transition(req.id, from, to, () => ({
      ...patch(),
      runner: this.d.jobs.claimNow(),
    }));
    if (moved.ok) {
      const finishing = this.d.jobs.start(moved.request);
      if (o.wait) await finishing;
    }
    return moved;
  }

  private card(req: SignoutRequest, info: ActivityInfo): object {
    return cardFor(req, {
      zone: info.zone,
      csv: req.targets.length > 1 ? this.d.csvLink(req.id) : undefined,
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
  ): Promise<{ req: SignoutRequest } | { message: Markdown }> {
    const req = await this.d.store.get(requestId);
    if (!req) return { message: UNKNOWN_CARD };
    if (!sameConversation(req, info.conversationId)) return { message: OTHER_CONVERSATION };
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
    this.d.notifier.notifyInBackground(
      refusedNotice(who, what, 'two-person rule', req.thread ?? info.thread),
      originOf(ctx.activity),
    );
  }

  private async expire(req: SignoutRequest, o: { wait?: boolean } = {}): Promise<SignoutRequest> {
    const moved = await this.end(
      req,
      ['pending', 'approved'],
      'expired',
      () => ({ finishedAt: this.now().toISOString() }),
      o,
    );
    if (moved.ok) this.d.log.info({ requestId: req.id }, 'sign-out request expired');
    return moved.request ?? req;
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
