import { admitted, type CommandHandler } from './command';

/** `history [user] [n]`: the last audited actions, of everyone or of one user, as a card. */
export const history: CommandHandler<'history'> = async (turn, cmd, d) => {
  if (!(await admitted(turn, d, 'view history'))) return;
  let user;
  if (cmd.user) {
    const found = await d.users.find(cmd.user);
    if ('answer' in found) return void (await turn.say(found.answer));
    user = found.user;
  }
  await turn.show(await d.history.card({ user, count: cmd.count, zone: turn.info.zone }));
};
