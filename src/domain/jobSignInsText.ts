import type { JobSignInSummary } from './jobSignIns';
import { joinMarkdown, msg, plain, type Markdown } from './markdown';
import { placeOf } from './signIns';
import { formatShortTime, type LocalZone } from './timeFormat';
import type { DirectoryUser } from './types';
import { BASELINE_DAYS } from './unusualPlaces';
import { displayNameOf, principalNameOf } from './userNames';
import { num } from './wording';

/**
 * A multi-target job's follow-up in the thread: counts, then the users who signed in again from the most
 * unusual places. Names, apps, addresses and places are escaped: they come from the directory and the
 * sign-in logs.
 */
export function jobFollowUpText(
  s: JobSignInSummary,
  targets: readonly DirectoryUser[],
  o: { heading: string; zone?: LocalZone },
): Markdown {
  const byId = new Map(targets.map((t) => [t.id.toLowerCase(), t]));
  const users = (n: number) => `${num(n)} ${n === 1 ? 'user' : 'users'}`;
  const parts: Markdown[] = [
    msg`**${o.heading}**, from the sign-in logs of the ${users(s.users.length)} signed out:`,
    plain(
      s.refused
        ? `${num(s.refused)} ${s.refused === 1 ? 'attempt' : 'attempts'} with an old session ${s.refused === 1 ? 'was' : 'were'} refused (${users(s.usersRefused)}): the sign-out took effect there.`
        : 'No attempt with an old session was refused yet.',
    ),
    plain(
      s.usersWithNewSignIns
        ? `${users(s.usersWithNewSignIns)} signed in again since their sign-out.`
        : 'Nobody signed in again since.',
    ),
  ];
  if (s.top.length) {
    const lines = s.top.map((u) => {
      const user = byId.get(u.userId.toLowerCase());
      const who = user ? `${displayNameOf(user)} (${principalNameOf(user)})` : u.userId;
      const e = u.unusual?.entry;
      const where = e
        ? `${e.app} from ${e.ipAddress ?? 'an unknown address'}${placeOf(e) ? ` (${placeOf(e)})` : ''}, not seen in the ${BASELINE_DAYS} days before`
        : `${num(u.newSignIns)} new ${u.newSignIns === 1 ? 'sign-in' : 'sign-ins'}`;
      return msg`- ${who}: ${where}`;
    });
    parts.push(
      joinMarkdown(
        [
          plain(s.top.length < s.usersWithNewSignIns ? `The ${num(s.top.length)} most unusual:` : 'Who:'),
          ...lines,
        ],
        msg`\n`,
      ),
    );
    if (s.top.some((u) => u.unusual)) {
      parts.push(
        plain('If a sign-in from a new place was not that user, block them: signout --block <user>.'),
      );
    }
  }
  if (s.nonInteractiveMissing) {
    parts.push(
      plain(
        'Token refreshes (the non-interactive log) could not be read, so refused sessions may be missing.',
      ),
    );
  }
  parts.push(
    plain(
      `${s.newestEntryAt ? `Newest log entry: ${formatShortTime(s.newestEntryAt, o.zone)}. ` : ''}Entries can take several minutes to appear in the sign-in logs.`,
    ),
  );
  return joinMarkdown(parts, msg`\n\n`);
}
