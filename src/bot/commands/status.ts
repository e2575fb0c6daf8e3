import { renderStatusCard } from '../../cards/status';
import { admitted, type CommandHandler } from './command';

/** Access tokens live a day at most: an older sign-out needs no "out everywhere by". */
const MAX_LIFETIME_MS = 24 * 3_600_000;

/**
 * `status <user>`: whether sign-in is enabled, since when sessions are valid, and after a recent
 * sign-out until when old access tokens may still work, as a card.
 */
export const status: CommandHandler<'status'> = async (turn, cmd, d) => {
  if (!(await admitted(turn, d, 'view a status'))) return;
  const found = await d.users.find(cmd.user);
  if ('answer' in found) return void (await turn.say(found.answer));
  const now = d.now();
  const validFrom = found.user.validFrom ? Date.parse(found.user.validFrom) : NaN;
  const recent = now.getTime() - validFrom < MAX_LIFETIME_MS;
  const lifetime = recent ? await d.lifetime.lifetime() : undefined;
  await turn.show(renderStatusCard(found.user, { zone: turn.info.zone, lifetime, now }));
};
