import { renderHelpCard } from '../../cards/help';
import type { Markdown } from '../../domain/markdown';
import { whoMayUse } from '../../domain/policy';
import type { CommandDeps, CommandHandler, MessageTurn } from './command';

/** `help`: what the bot does, its commands, and who may use them; for anyone in the tenant. */
export const help: CommandHandler<'help'> = (turn, _cmd, d) => sendHelp(turn, d);

/** The help card, after `intro` if given; it tells an admin more than anyone else. */
export async function sendHelp(turn: MessageTurn, d: CommandDeps, intro?: Markdown): Promise<void> {
  const authorized = await d.guard.isAdmin(turn.info);
  if (intro) await turn.say(intro);
  await turn.show(renderHelpCard({ authorized, whoMayUse: whoMayUse(d.policy) }));
}
