import type { Command } from '../../domain/command';
import type { CommandDeps, CommandHandler, MessageTurn } from './command';
import { help } from './help';
import { history } from './history';
import { schedule } from './schedule';
import { invalid } from './invalid';
import { signout } from './signout';
import { status } from './status';
import { unblock } from './unblock';
import { unknown } from './unknown';
import { verify } from './verify';

/** Every command the parser knows, with its handler: a new kind of Command fails to compile until it is here. */
export const COMMANDS: { [K in Command['kind']]: CommandHandler<K> } = {
  help,
  unknown,
  invalid,
  status,
  signout,
  unblock,
  history,
  verify,
  schedule,
};

/** Commands that store something; while the store refuses writes they are answered without starting. */
export const WRITING_COMMANDS: ReadonlySet<Command['kind']> = new Set(['signout', 'unblock']);

/** Runs the handler of the command's kind (TypeScript cannot pair a union's member with its entry). */
export function runCommand(turn: MessageTurn, cmd: Command, d: CommandDeps): Promise<void> {
  const handler = COMMANDS[cmd.kind] as (t: MessageTurn, c: Command, deps: CommandDeps) => Promise<void>;
  return handler(turn, cmd, d);
}
