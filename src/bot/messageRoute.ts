import type { TurnContext } from 'botbuilder';
import { normalizeMessageText, parseCommand } from '../commands';
import { STORE_UNAVAILABLE } from '../domain/chatMessages';
import { FOREIGN_TENANT } from '../domain/foreignMessages';
import type { DeferredNotices } from '../signout/deferredNotices';
import { describeFailure } from '../signout/describeFailure';
import type { DeliveryClaim, DeliveryLedger } from '../store/deliveryLedger';
import { activityInfo } from './activityInfo';
import type { CommandDeps, MessageTurn } from './commands/command';
import { runCommand, WRITING_COMMANDS } from './commands/table';
import type { Guard } from './guard';
import { sendCard, sendText } from './replies';

export interface MessageDeps extends CommandDeps {
  guard: CommandDeps['guard'] & Pick<Guard, 'foreignTenant'>;
  /** tells Teams' redelivery of a message from the first delivery, across instances */
  deliveries: Pick<DeliveryLedger, 'claim'>;
  /** whether the store accepts writes: while it does not, commands that write are not started */
  storeHealth: { readonly problem: string | undefined };
  /** security notices raised before any activity showed where to post them (start-up) */
  deferredNotices: DeferredNotices;
}

/** A message without an id cannot be told from its repeats. */
const UNTRACKED: DeliveryClaim = { complete: async () => undefined, release: async () => undefined };

/**
 * The route of every message: the tenant, then the delivery (a repeat of a message already handled is
 * dropped), then the command it holds, parsed and run by its handler (src/bot/commands/).
 */
export function messageRoute(d: MessageDeps) {
  return async (ctx: TurnContext): Promise<void> => {
    const foreign = await d.guard.foreignTenant(ctx.activity);
    if (foreign.refused) {
      if (foreign.first) await sendText(ctx, FOREIGN_TENANT);
      return;
    }
    const info = activityInfo(ctx.activity);
    void d.deferredNotices.deliver(d.port, info.origin);
    // claimed before handling, answered after: a repeat of a message nobody answered is handled again
    const claim = ctx.activity.id
      ? await d.deliveries.claim(`${info.conversationId}|${ctx.activity.id}`)
      : UNTRACKED;
    if (!claim) {
      d.log.info({ activityId: ctx.activity.id }, 'message delivered again; already handled');
      return;
    }
    const turn: MessageTurn = {
      info,
      say: async (text) => void (await sendText(ctx, text)),
      show: async (card) => (await sendCard(ctx, card))?.id,
    };
    try {
      await answer(ctx, turn, d);
    } catch (err) {
      await claim.release();
      throw err;
    }
    await claim.complete();
  };
}

/** Runs the command; a failure is explained in the chat. Throws only when even that cannot be posted. */
async function answer(ctx: TurnContext, turn: MessageTurn, d: MessageDeps): Promise<void> {
  const cmd = parseCommand(
    normalizeMessageText(ctx.activity.text ?? '', [ctx.activity.recipient?.name ?? 'Sign-out Bot']),
  );
  d.log.info({ caller: turn.info.caller?.id, command: cmd.kind }, 'message');
  if (d.storeHealth.problem && WRITING_COMMANDS.has(cmd.kind)) {
    d.log.warn({ problem: d.storeHealth.problem, command: cmd.kind }, 'store refuses writes; not started');
    await turn.say(STORE_UNAVAILABLE);
    return;
  }
  try {
    await runCommand(turn, cmd, d);
  } catch (err) {
    await turn.say(describeFailure(err, d.log, 'lookup'));
  }
}
