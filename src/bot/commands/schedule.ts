import { renderScheduleListCard } from '../../cards/scheduleList';
import { admitted, type CommandHandler } from './command';

/** `schedule` (admins only): the scheduled sign-outs that have not started, soonest first, as a card. */
export const schedule: CommandHandler<'schedule'> = async (turn, _cmd, d) => {
  if (!(await admitted(turn, d, 'list scheduled sign-outs'))) return;
  await turn.show(renderScheduleListCard(await d.requests.active(), turn.info.zone));
};
