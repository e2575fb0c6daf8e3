import { renderStatusCard } from '../../cards/status';
import { admitted, type CommandHandler } from './command';

/** `status <user>`: whether sign-in is enabled, and since when sessions are valid, as a card. */
export const status: CommandHandler<'status'> = async (turn, cmd, d) => {
  if (!(await admitted(turn, d, 'view a status'))) return;
  const found = await d.users.find(cmd.user);
  if ('answer' in found) return void (await turn.say(found.answer));
  await turn.show(renderStatusCard(found.user, { zone: turn.info.zone }));
};
