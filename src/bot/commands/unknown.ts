import { NOT_UNDERSTOOD } from '../../domain/chatMessages';
import type { CommandHandler } from './command';
import { sendHelp } from './help';

/** Text that is no command: says so, then shows the help card. */
export const unknown: CommandHandler<'unknown'> = (turn, _cmd, d) => sendHelp(turn, d, NOT_UNDERSTOOD);
