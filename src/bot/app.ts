import { ActivityTypes, TurnContext } from 'botbuilder';
import { NOT_UNDERSTOOD, SOMETHING_WRONG, STORE_UNAVAILABLE } from '../domain/chatMessages';
import { UNKNOWN_CARD } from '../domain/clickMessages';
import { FOREIGN_TENANT } from '../domain/foreignMessages';
import {
  ambiguous,
  ambiguousGroup,
  ambiguousInList,
  groupNotFound,
  noUsers,
  notFound,
  notFoundList,
} from '../domain/lookupMessages';
import { CHECK_FAILED, REFUSED, UNCONFIGURED, refusedNotice } from '../domain/refusalMessages';
import { NOT_BLOCKED_OUTCOME, notBlocked, notBlockedByBot, unblockedNotice } from '../domain/unblockMessages';
import {
  AdaptiveCardActionExecuteResponseType,
  Application,
  TurnState,
  type AdaptiveCard,
  type TeamsAdapter,
} from '@microsoft/teams-ai';
import { renderHelpCard, renderStatusCard } from '../cards/render';
import { normalizeMessageText, parseCommand } from '../commands/parser';
import { type Command, type UserRef } from '../domain/command';
import { currentBotBlock } from '../domain/botBlock';
import { explainGraphFailure, type GraphAction } from '../domain/graphErrors';
import { isMarkdown, msg, paragraphs, plain, type Markdown } from '../domain/markdown';
import { RecentKeys } from '../domain/recentKeys';
import { checkTenant, whoMayUse, type AdminPolicy } from '../domain/policy';
import type { DirectoryUser, Person } from '../domain/types';
import { GraphCallError, type GraphApi } from '../graph/client';
import type { Directory } from '../graph/directory';
import type { TargetResolver } from '../graph/targets';
import type { Logger } from '../log';
import type { AuditSink } from '../store/auditLog';
import type { DeliveryClaim, DeliveryLedger } from '../store/deliveryLedger';
import { StoreUnavailableError } from '../store/storeHealth';
import { activityInfo, type ActivityInfo } from './activityInfo';
import type { AuthorizationResult, Authorizer } from '../signout/authorizer';
import type { DeferredNotices } from './deferredNotices';
import type { ConversationPoster } from './conversationPoster';
import type { ForeignActivityRefusals } from './foreignActivity';
import type { HistoryService } from '../signout/historyService';
import type { SecurityNotifier } from './notifier';
import { sendCard, sendText } from './replies';
import type { RequestAssessor } from '../signout/requestAssessor';
import { originOf, type ClickAnswer, type SignoutService } from './signoutService';

export interface BotDeps {
  adapter: TeamsAdapter;
  botAppId: string;
  tenantId: string;
  policy: AdminPolicy;
  authorizer: Authorizer;
  approvers: Authorizer;
  graph: GraphApi;
  directory: Directory;
  resolver: TargetResolver;
  assessor: RequestAssessor;
  service: SignoutService;
  history: HistoryService;
  audit: AuditSink;
  /** tells Teams' redelivery of a message from the first delivery, across instances */
  deliveries: DeliveryLedger;
  /** whether the store accepts writes: while it does not, commands that write are not started */
  storeHealth: { readonly problem: string | undefined };
  notifier: SecurityNotifier;
  /** security notices raised before any activity showed where to post them (start-up) */
  deferredNotices: DeferredNotices;
  /** replaces a clicked card for everyone */
  poster: ConversationPoster;
  /** activities from other tenants: counted, audited and announced per tenant and window */
  foreign: ForeignActivityRefusals;
  log: Logger;
}
/** names not found that get "did you mean" suggestions, each one Graph query */
const MAX_SUGGESTED = 3;
/** One refused caller posts to the security channel at most this often; the audit log gets every attempt. */
const REFUSAL_NOTICE_INTERVAL_MS = 60_000;

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Commands that store something; while the store refuses writes they are answered without starting. */
const WRITING_COMMANDS: ReadonlySet<Command['kind']> = new Set(['signout', 'unblock']);

type Verb = 'confirm' | 'cancel' | 'approve' | 'reject' | 'choose';

/**
 * The teams-ai Application: one message route that parses the command (anchored, markup-tolerant)
 * and one route per card verb. The tenant and the caller are checked on every message and every click.
 */
export function createBot(d: BotDeps): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter: d.adapter,
    botAppId: d.botAppId,
    removeRecipientMention: false,
    startTypingTimer: false,
    // the clicker gets the new card in the invoke's answer; everyone else through `answered` below
    adaptiveCards: {
      actionExecuteResponseType: AdaptiveCardActionExecuteResponseType.REPLACE_FOR_INTERACTOR,
    },
  });

  const refusalNotices = new RecentKeys(REFUSAL_NOTICE_INTERVAL_MS);

  const refuse = async (ctx: TurnContext, info: ActivityInfo, what: string, why: string) => {
    d.log.warn({ caller: info.caller?.id, tenantId: info.tenantId, what, why }, 'refused');
    await d.audit.append({
      event: 'refused',
      tenantId: info.tenantId,
      actor: info.caller ?? {},
      detail: `${what}: ${why}`,
      conversationId: info.conversationId,
    });
    if (refusalNotices.checkAndMark(`${info.tenantId}|${info.caller?.id ?? ctx.activity.from?.id}`)) return;
    const notice = refusedNotice(info.caller, what, why, info.thread);
    // a click must be answered within about 5 s, whatever the Bot Connector does
    if (ctx.activity.type === ActivityTypes.Invoke)
      d.notifier.notifyInBackground(notice, originOf(ctx.activity));
    else await d.notifier.notify(notice, originOf(ctx.activity));
  };

  // callers refused here are not listed admins (those pass without Graph): no setting names, no codes
  const refusalText = (result: AuthorizationResult) =>
    result.allowed
      ? msg``
      : result.why === 'unconfigured'
        ? UNCONFIGURED
        : result.why === 'checkFailed'
          ? CHECK_FAILED
          : REFUSED;

  /**
   * The tenant check, before anything is written. Another tenant's activity is only counted (see
   * ForeignActivityRefusals); true when it opened its window, so its sender may get the one answer.
   */
  const foreignTenant = async (ctx: TurnContext): Promise<{ refused: boolean; first?: boolean }> => {
    const a = ctx.activity;
    const check = checkTenant(
      d.tenantId,
      a.conversation?.tenantId,
      (a.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id,
    );
    if (check.ok) return { refused: false };
    return { refused: true, first: await d.foreign.refuse(check.tenant, a) };
  };

  /** The caller, when they are an admin of this tenant; otherwise answers the refusal itself. */
  const admit = async (ctx: TurnContext, info: ActivityInfo, what: string): Promise<Person | undefined> => {
    const result = await d.authorizer.check(info.caller?.id);
    if (!result.allowed || !info.caller) {
      await refuse(ctx, info, what, result.allowed ? 'unknownCaller' : result.why);
      await sendText(ctx, refusalText(result));
      return undefined;
    }
    return info.caller;
  };

  const sendHelp = async (ctx: TurnContext, info: ActivityInfo, intro?: Markdown) => {
    const authorized = (await d.authorizer.check(info.caller?.id)).allowed;
    if (intro) await sendText(ctx, intro);
    await sendCard(ctx, renderHelpCard({ authorized, whoMayUse: whoMayUse(d.policy) }));
  };

  /** "Did you mean" candidates for the first few names not found; none if Graph cannot say. */
  const suggestions = async (refs: UserRef[]): Promise<Map<string, DirectoryUser[]>> => {
    const asked = refs.slice(0, MAX_SUGGESTED);
    const found = await Promise.all(
      asked.map((r) =>
        d.directory.suggest(r).catch((err: unknown) => {
          d.log.debug({ code: (err as { code?: string }).code }, 'no suggestions');
          return [];
        }),
      ),
    );
    return new Map(asked.map((r, i) => [r.value, found[i]]));
  };

  const lookup = async (ctx: TurnContext, ref: UserRef): Promise<DirectoryUser | undefined> => {
    const found = await d.directory.findUser(ref);
    if (found.kind === 'notFound')
      await sendText(ctx, notFound(ref.value, (await suggestions([ref])).get(ref.value)));
    if (found.kind === 'ambiguous') await sendText(ctx, ambiguous(ref.value, found.users));
    return found.kind === 'found' ? found.user : undefined;
  };

  const signout = async (
    ctx: TurnContext,
    info: ActivityInfo,
    cmd: Extract<Command, { kind: 'signout' }>,
  ) => {
    const caller = await admit(ctx, info, 'request a sign-out');
    if (!caller) return;
    let resolved: Awaited<ReturnType<TargetResolver['resolve']>>;
    try {
      resolved = await d.resolver.resolve(cmd.target);
    } catch (err) {
      // a group's members need GroupMember.Read.All; everything else here reads users
      await sendText(ctx, describeFailure(err, d.log, cmd.target.kind === 'group' ? 'membership' : 'lookup'));
      return;
    }
    switch (resolved.kind) {
      case 'notFound':
        return void (await sendText(
          ctx,
          notFoundList(
            resolved.refs.map((r) => r.value),
            await suggestions(resolved.refs),
          ),
        ));
      case 'groupNotFound':
        return void (await sendText(
          ctx,
          groupNotFound(resolved.typed, resolved.byId, cmd.reason.trim() !== ''),
        ));
      case 'ambiguousInList':
        return void (await sendText(ctx, ambiguousInList(resolved.typed)));
      case 'ambiguousGroup':
        return void (await sendText(ctx, ambiguousGroup(resolved.typed, resolved.count)));
      case 'empty':
        return void (await sendText(ctx, noUsers(resolved.source)));
      case 'ambiguous':
        await d.service.create(ctx, info, {
          requester: caller,
          targets: [],
          choices: resolved.users,
          reason: cmd.reason,
          source: resolved.typed,
          block: cmd.block,
          self: cmd.self,
        });
        return;
    }
    const all = cmd.target.kind === 'all';
    const assessed = await d.assessor.assess(caller, resolved.users, {
      self: cmd.self,
      block: cmd.block,
      all,
      named: cmd.target.kind === 'users',
    });
    if (!assessed.ok) {
      await refuse(ctx, info, `sign out ${resolved.source}`, assessed.problem);
      await sendText(ctx, plain(assessed.problem));
      return;
    }
    const facts = all ? await d.resolver.tenantFacts() : undefined;
    await d.service.create(ctx, info, {
      requester: caller,
      targets: assessed.targets,
      reason: cmd.reason,
      source: resolved.source,
      block: cmd.block,
      approval: assessed.approval,
      excluded: assessed.excluded.map((e) => `${e.user.displayName}: ${e.why}`),
      confirmPhrases: facts
        ? [String(facts.userCount), ...(facts.primaryDomain ? [facts.primaryDomain.toLowerCase()] : [])]
        : undefined,
    });
  };

  /**
   * `unblock`: the same guardrails as a sign-out of that user (break-glass accounts refused, privileged
   * targets flagged, APPROVAL_POLICY), then a confirmation card; and only for a block the bot's own
   * audit log shows it made. The job runner checks that again and makes the one PATCH.
   */
  const unblock = async (
    ctx: TurnContext,
    info: ActivityInfo,
    cmd: Extract<Command, { kind: 'unblock' }>,
  ) => {
    const caller = await admit(ctx, info, 'unblock a user');
    if (!caller) return;
    const user = await lookup(ctx, cmd.user);
    if (!user) return;
    const assessed = await d.assessor.assess(caller, [user], {
      self: false,
      block: false,
      all: false,
      named: true,
      action: 'unblock',
    });
    if (!assessed.ok) {
      await refuse(ctx, info, `unblock ${user.userPrincipalName}`, assessed.problem);
      await sendText(ctx, plain(assessed.problem));
      return;
    }
    // just read from Graph; unknown (null) counts as blocked, and the audit log decides
    if (user.accountEnabled === true) {
      d.log.info({ caller: caller.id, target: user.id }, 'unblock: sign-in not blocked');
      await d.audit.append({
        event: 'unblocked',
        tenantId: d.tenantId,
        actor: caller,
        targets: [{ id: user.id, upn: user.userPrincipalName, name: user.displayName }],
        outcome: NOT_BLOCKED_OUTCOME,
        reason: cmd.reason,
        conversationId: info.conversationId,
      });
      await sendText(ctx, notBlocked(user));
      await d.notifier.notify(unblockedNotice(caller, user, info.thread, false), originOf(ctx.activity));
      return;
    }
    if (!currentBotBlock(await d.audit.readAll(), user.id)) {
      await refuse(ctx, info, `unblock ${user.userPrincipalName}`, 'its sign-in was not blocked by the bot');
      await sendText(ctx, notBlockedByBot(user));
      return;
    }
    await d.service.create(ctx, info, {
      action: 'unblock',
      requester: caller,
      targets: assessed.targets,
      reason: cmd.reason,
      source: user.userPrincipalName,
      block: false,
      approval: assessed.approval,
    });
  };

  const handlers: {
    [K in Command['kind']]: (
      ctx: TurnContext,
      info: ActivityInfo,
      cmd: Extract<Command, { kind: K }>,
    ) => Promise<void>;
  } = {
    help: (ctx, info) => sendHelp(ctx, info),
    unknown: (ctx, info) => sendHelp(ctx, info, NOT_UNDERSTOOD),
    invalid: async (ctx, info, cmd) => {
      if (await admit(ctx, info, cmd.verb)) await sendText(ctx, paragraphs(cmd.problem));
    },
    status: async (ctx, info, cmd) => {
      if (!(await admit(ctx, info, 'view a status'))) return;
      const user = await lookup(ctx, cmd.user);
      if (user) await sendCard(ctx, renderStatusCard(user, { zone: info.zone }));
    },
    signout,
    unblock,
    history: async (ctx, info, cmd) => {
      if (!(await admit(ctx, info, 'view history'))) return;
      const user = cmd.user ? await lookup(ctx, cmd.user) : undefined;
      if (cmd.user && !user) return;
      await sendCard(ctx, await d.history.card({ user, count: cmd.count, zone: info.zone }));
    },
  };

  /** Runs the command; a failure is explained in the chat. Throws only when even that cannot be posted. */
  const answer = async (ctx: TurnContext, info: ActivityInfo) => {
    const cmd = parseCommand(
      normalizeMessageText(ctx.activity.text ?? '', [ctx.activity.recipient?.name ?? 'Sign-out Bot']),
    );
    d.log.info({ caller: info.caller?.id, command: cmd.kind }, 'message');
    if (d.storeHealth.problem && WRITING_COMMANDS.has(cmd.kind)) {
      d.log.warn({ problem: d.storeHealth.problem, command: cmd.kind }, 'store refuses writes; not started');
      await sendText(ctx, STORE_UNAVAILABLE);
      return;
    }
    try {
      await (handlers[cmd.kind] as (c: TurnContext, i: ActivityInfo, x: Command) => Promise<void>)(
        ctx,
        info,
        cmd,
      );
    } catch (err) {
      await sendText(ctx, describeFailure(err, d.log, 'lookup'));
    }
  };

  app.activity(ActivityTypes.Message, async (ctx) => {
    const foreign = await foreignTenant(ctx);
    if (foreign.refused) {
      if (foreign.first) await sendText(ctx, FOREIGN_TENANT);
      return;
    }
    void d.deferredNotices.deliver(d.notifier, originOf(ctx.activity));
    const info = activityInfo(ctx.activity);
    // claimed before handling, answered after: a repeat of a message nobody answered is handled again
    const claim = ctx.activity.id
      ? await d.deliveries.claim(`${info.conversationId}|${ctx.activity.id}`)
      : UNTRACKED;
    if (!claim) {
      d.log.info({ activityId: ctx.activity.id }, 'message delivered again; already handled');
      return;
    }
    try {
      await answer(ctx, info);
    } catch (err) {
      await claim.release();
      throw err;
    }
    await claim.complete();
  });

  const onClick = (verb: Verb) => async (ctx: TurnContext, _state: TurnState, raw: unknown) => {
    // the invoke's answer is its HTTP response: every foreign click gets it, at no cost
    if ((await foreignTenant(ctx)).refused) return FOREIGN_TENANT;
    void d.deferredNotices.deliver(d.notifier, originOf(ctx.activity));
    // every click writes (a transition, an audit line): none can be done now
    if (d.storeHealth.problem) return STORE_UNAVAILABLE;
    const info = activityInfo(ctx.activity);
    const what = `${verb} a sign-out`;
    const data = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const requestId = data.requestId;
    if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) return UNKNOWN_CARD;
    const id = requestId.toLowerCase();
    const auth = await d.authorizer.check(info.caller?.id);
    const caller = info.caller;
    if (!auth.allowed || !caller) {
      await refuse(ctx, info, what, auth.allowed ? 'unknownCaller' : auth.why);
      return refusalText(auth);
    }
    try {
      let answer: ClickAnswer;
      switch (verb) {
        case 'confirm':
          answer = await d.service.confirm(ctx, info, caller, id, data);
          break;
        case 'cancel':
          answer = await d.service.cancel(ctx, info, caller, id);
          break;
        case 'approve':
        case 'reject': {
          const approver = (await d.approvers.check(caller.id)).allowed;
          answer =
            verb === 'approve'
              ? await d.service.approve(ctx, info, caller, approver, id, data)
              : await d.service.reject(ctx, info, caller, approver, id, data.rejectReason);
          break;
        }
        case 'choose':
          answer = await d.service.choose(ctx, info, caller, id, data.userId, async (req, chosen) => {
            const assessed = await d.assessor.assess(req.requester, [chosen], {
              self: !!req.self,
              block: !!req.block,
              all: false,
              named: true,
            });
            return assessed.ok
              ? { targets: assessed.targets, approval: assessed.approval }
              : plain(assessed.problem);
          });
          break;
      }
      return 'message' in answer ? answer.message : (answer.card as AdaptiveCard);
    } catch (err) {
      return describeFailure(err, d.log, 'lookup');
    }
  };
  /**
   * A private answer to the clicker is text like any other: escaped Markdown, sent as its text. A card
   * goes to the clicker in the invoke's answer, and replaces the message for everyone in the background
   * (teams-ai's REPLACE_FOR_ALL updates it before answering: a hanging connector left clicks unanswered).
   */
  const answered =
    (handler: ReturnType<typeof onClick>) => async (ctx: TurnContext, state: TurnState, raw: unknown) => {
      const answer = await handler(ctx, state, raw);
      if (isMarkdown(answer)) return answer.text;
      if (typeof answer !== 'string' && ctx.activity.replyToId) {
        const reference = TurnContext.getConversationReference(ctx.activity);
        d.poster.replaceCardInBackground(reference, ctx.activity.replyToId, answer);
      }
      return answer;
    };
  app.adaptiveCards.actionExecute('signout.confirm', answered(onClick('confirm')));
  app.adaptiveCards.actionExecute('signout.cancel', answered(onClick('cancel')));
  app.adaptiveCards.actionExecute('signout.approve', answered(onClick('approve')));
  app.adaptiveCards.actionExecute('signout.reject', answered(onClick('reject')));
  app.adaptiveCards.actionExecute('signout.choose', answered(onClick('choose')));

  app.error(async (ctx, err) => {
    d.log.error({ err: err.message }, 'unhandled turn error');
    if (ctx.activity.type === ActivityTypes.Message) {
      await sendText(ctx, err instanceof StoreUnavailableError ? STORE_UNAVAILABLE : SOMETHING_WRONG);
    }
  });
  return app;
}

/** A message without an id cannot be told from its repeats. */
const UNTRACKED: DeliveryClaim = { complete: async () => undefined, release: async () => undefined };

function describeFailure(err: unknown, log: Logger, action: GraphAction, target?: string): Markdown {
  if (err instanceof StoreUnavailableError) {
    log.warn({ problem: err.problem }, 'store refuses writes; command not done');
    return STORE_UNAVAILABLE;
  }
  if (err instanceof GraphCallError) {
    log.warn({ status: err.status, code: err.code, graphRequestId: err.requestId }, 'graph call failed');
    // Graph's message and the target's name are in it: escaped as a whole
    return plain(explainGraphFailure(err, action, target).text);
  }
  log.error({ err: (err as Error)?.message }, 'command failed');
  return SOMETHING_WRONG;
}
