import { ActivityTypes, type TurnContext } from 'botbuilder';
import {
  AdaptiveCardActionExecuteResponseType,
  Application,
  type AdaptiveCard,
  TurnState,
  type TeamsAdapter,
} from '@microsoft/teams-ai';
import { cardAttachment, renderHelpCard, renderStatusCard } from '../cards/render';
import { normalizeMessageText, parseCommand, type Command, type UserRef } from '../core/commandParser';
import { explainGraphFailure } from '../core/graphErrors';
import { sameTenant, whoMayUse, type AdminPolicy } from '../core/policy';
import type { Person } from '../core/types';
import { GraphCallError } from '../graph/client';
import type { Directory } from '../graph/directory';
import type { Logger } from '../log';
import type { AuditLog } from '../store/auditLog';
import { activityInfo, type ActivityInfo } from './activityInfo';
import type { AuthorizationResult, Authorizer } from './authorizer';
import * as text from './messages';
import type { SecurityNotifier } from './notifier';
import { originOf, type ClickAnswer, type SignoutService } from './signoutService';

export interface BotDeps {
  adapter: TeamsAdapter;
  botAppId: string;
  tenantId: string;
  policy: AdminPolicy;
  authorizer: Authorizer;
  directory: Directory;
  service: SignoutService;
  audit: AuditLog;
  notifier: SecurityNotifier;
  log: Logger;
}

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    adaptiveCards: { actionExecuteResponseType: AdaptiveCardActionExecuteResponseType.REPLACE_FOR_ALL },
  });

  const refuse = async (
    ctx: TurnContext,
    info: ActivityInfo,
    what: string,
    result: AuthorizationResult | 'foreignTenant',
  ) => {
    const why =
      result === 'foreignTenant'
        ? `foreign tenant ${info.tenantId ?? 'unknown'}`
        : result.allowed
          ? ''
          : result.why;
    d.log.warn({ caller: info.caller?.id, tenantId: info.tenantId, what, why }, 'refused');
    await d.audit.append({
      event: 'refused',
      tenantId: info.tenantId,
      actor: info.caller ?? {},
      detail: `${what}: ${why}`,
      conversationId: info.conversationId,
    });
    await d.notifier.notify(text.refusedNotice(info.caller, what, why, info.thread), originOf(ctx.activity));
  };

  const refusalText = (result: AuthorizationResult) =>
    result.allowed
      ? ''
      : result.why === 'unconfigured'
        ? text.UNCONFIGURED
        : result.why === 'checkFailed'
          ? text.CHECK_FAILED
          : text.REFUSED;

  /** Tenant first, then the caller; answers the refusal itself and returns the caller when allowed. */
  const admit = async (ctx: TurnContext, info: ActivityInfo, what: string): Promise<Person | undefined> => {
    if (!sameTenant(d.tenantId, info.tenantId)) {
      await refuse(ctx, info, what, 'foreignTenant');
      await ctx.sendActivity(text.FOREIGN_TENANT);
      return undefined;
    }
    const result = await d.authorizer.check(info.caller?.id);
    if (!result.allowed || !info.caller) {
      await refuse(ctx, info, what, result);
      await ctx.sendActivity(refusalText(result));
      return undefined;
    }
    return info.caller;
  };

  const sendHelp = async (ctx: TurnContext, info: ActivityInfo, intro?: string) => {
    const authorized = (await d.authorizer.check(info.caller?.id)).allowed;
    if (intro) await ctx.sendActivity(intro);
    await ctx.sendActivity({
      type: 'message',
      attachments: [cardAttachment(renderHelpCard({ authorized, whoMayUse: whoMayUse(d.policy) }))],
    });
  };

  const lookup = async (ctx: TurnContext, ref: UserRef) => {
    const found = await d.directory.findUser(ref);
    if (found.kind === 'notFound') await ctx.sendActivity(text.notFound(ref.value));
    if (found.kind === 'ambiguous') await ctx.sendActivity(text.ambiguous(ref.value, found.users));
    return found.kind === 'found' ? found.user : undefined;
  };

  const handlers: {
    [K in Command['kind']]: (
      ctx: TurnContext,
      info: ActivityInfo,
      cmd: Extract<Command, { kind: K }>,
    ) => Promise<void>;
  } = {
    help: (ctx, info) => sendHelp(ctx, info),
    unknown: (ctx, info) => sendHelp(ctx, info, text.NOT_UNDERSTOOD),
    invalid: async (ctx, info, cmd) => {
      if (await admit(ctx, info, cmd.verb)) await ctx.sendActivity(cmd.problem);
    },
    status: async (ctx, info, cmd) => {
      if (!(await admit(ctx, info, 'view a status'))) return;
      const user = await lookup(ctx, cmd.user);
      if (!user) return;
      await ctx.sendActivity({
        type: 'message',
        attachments: [cardAttachment(renderStatusCard(user, { zone: info.zone }))],
      });
    },
    signout: async (ctx, info, cmd) => {
      const caller = await admit(ctx, info, 'request a sign-out');
      if (!caller) return;
      if (cmd.target.kind !== 'users' || cmd.target.refs.length !== 1 || cmd.block) {
        await ctx.sendActivity(
          'For now I sign out one user at a time, by user principal name, mail address or object id.',
        );
        return;
      }
      const user = await lookup(ctx, cmd.target.refs[0]);
      if (!user) return;
      await d.service.request(ctx, info, caller, [user], cmd.reason);
    },
    history: async (ctx, info) => {
      if (await admit(ctx, info, 'view history')) await ctx.sendActivity('History is not available yet.');
    },
    unblock: async (ctx, info) => {
      if (await admit(ctx, info, 'unblock a user'))
        await ctx.sendActivity('Unblocking is not available yet.');
    },
  };

  app.activity(ActivityTypes.Message, async (ctx) => {
    const info = activityInfo(ctx.activity);
    const cmd = parseCommand(
      normalizeMessageText(ctx.activity.text ?? '', [ctx.activity.recipient?.name ?? 'Sign-out Bot']),
    );
    d.log.info({ caller: info.caller?.id, command: cmd.kind }, 'message');
    if (!sameTenant(d.tenantId, info.tenantId)) {
      await refuse(ctx, info, `use the bot (${cmd.kind})`, 'foreignTenant');
      await ctx.sendActivity(text.FOREIGN_TENANT);
      return;
    }
    try {
      await (handlers[cmd.kind] as (c: TurnContext, i: ActivityInfo, x: Command) => Promise<void>)(
        ctx,
        info,
        cmd,
      );
    } catch (err) {
      await ctx.sendActivity(describeFailure(err, d.log));
    }
  });

  const onClick =
    (action: 'confirm' | 'cancel') => async (ctx: TurnContext, _state: TurnState, data: unknown) => {
      const info = activityInfo(ctx.activity);
      const what = action === 'confirm' ? 'confirm a sign-out' : 'cancel a sign-out';
      if (!sameTenant(d.tenantId, info.tenantId)) {
        await refuse(ctx, info, what, 'foreignTenant');
        return text.FOREIGN_TENANT;
      }
      const requestId = (data as { requestId?: unknown })?.requestId;
      if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) return text.UNKNOWN_CARD;
      const auth = await d.authorizer.check(info.caller?.id);
      if (!auth.allowed || !info.caller) {
        await refuse(ctx, info, what, auth);
        return refusalText(auth);
      }
      try {
        const answer: ClickAnswer =
          action === 'confirm'
            ? await d.service.confirm(ctx, info, info.caller, requestId.toLowerCase())
            : await d.service.cancel(ctx, info, info.caller, requestId.toLowerCase());
        if ('message' in answer) return answer.message === 'unknown' ? text.UNKNOWN_CARD : answer.message;
        return answer.card as AdaptiveCard;
      } catch (err) {
        return describeFailure(err, d.log);
      }
    };
  app.adaptiveCards.actionExecute('signout.confirm', onClick('confirm'));
  app.adaptiveCards.actionExecute('signout.cancel', onClick('cancel'));

  app.error(async (ctx, err) => {
    d.log.error({ err: err.message }, 'unhandled turn error');
    if (ctx.activity.type === ActivityTypes.Message)
      await ctx.sendActivity('Sorry, something went wrong on my side. Nothing was changed.');
  });
  return app;
}

function describeFailure(err: unknown, log: Logger): string {
  if (err instanceof GraphCallError) {
    log.warn({ status: err.status, code: err.code, graphRequestId: err.requestId }, 'graph call failed');
    return explainGraphFailure(err, 'lookup').text;
  }
  log.error({ err: (err as Error)?.message }, 'command failed');
  return 'Sorry, something went wrong on my side. Nothing was changed.';
}
