import { paragraphs } from '../../domain/markdown';
import { admitted, type CommandHandler } from './command';

/** A known verb with something wrong in it: the parser's words, to admins only. */
export const invalid: CommandHandler<'invalid'> = async (turn, cmd, d) => {
  if (await admitted(turn, d, cmd.verb)) await turn.say(paragraphs(cmd.problem));
};
