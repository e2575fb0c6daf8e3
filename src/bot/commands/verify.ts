import { msg, paragraphs, plain } from '../../domain/markdown';
import { resolveSince } from '../../domain/since';
import { displayNameOf, principalNameOf } from '../../domain/userNames';
import { admitted, type CommandHandler } from './command';

/**
 * `verify <user> [since <time>]`: what the sign-in logs show since the user's sessions were last
 * revoked (signInSessionsValidFromDateTime), or since the time given, as a card.
 */
export const verify: CommandHandler<'verify'> = async (turn, cmd, d) => {
  if (!(await admitted(turn, d, 'check sign-ins'))) return;
  const found = await d.users.find(cmd.user);
  if ('answer' in found) return void (await turn.say(found.answer));
  const user = found.user;
  let since: Date;
  if (cmd.since) {
    const resolved = resolveSince(cmd.since, d.now());
    if ('problem' in resolved) return void (await turn.say(plain(resolved.problem)));
    since = resolved.at;
  } else if (user.validFrom) {
    since = new Date(user.validFrom);
  } else {
    return void (await turn.say(
      msg`${displayNameOf(user)} (${principalNameOf(user)}) was never signed out, so there is no sign-out to check. To see recent sign-ins anyway: verify ${principalNameOf(user)} since 2h`,
    ));
  }
  const checked = await d.signIns.user(user, since, { zone: turn.info.zone });
  if ('problem' in checked) return void (await turn.say(paragraphs(checked.problem)));
  await turn.show(checked.card);
};
