import { joinMarkdown, msg, type Markdown } from './markdown';
import { person } from './outcomeMessages';
import type { DirectoryUser } from './types';

/** Answers when the users or group a command names cannot be found, or match more than one. */

/** A list of users, one `- ` line each. */
function userList(users: readonly DirectoryUser[]): Markdown {
  return joinMarkdown(
    users.map((u) => msg`- ${person(u)}`),
    msg`\n`,
  );
}

/** "Did you mean" lines: users whose names start with what was typed, to copy, never acted on. */
function didYouMean(typed: string, like: readonly DirectoryUser[] | undefined): Markdown {
  if (!like?.length) return msg``;
  if (like.length === 1) return msg`\nFor "${typed}", did you mean ${person(like[0])}?`;
  return msg`\nFor "${typed}", did you mean one of these?\n${userList(like)}`;
}

export function notFound(typed: string, like?: readonly DirectoryUser[]): Markdown {
  return msg`I couldn't find a user "${typed}" in the directory. Check the spelling, or use their user principal name (e.g. name@contoso.com) or Entra object id.${didYouMean(typed, like)}`;
}

/** `moreWords`: text followed the name, so a name with spaces may have lost its quotes. */
export function groupNotFound(typed: string, byId: boolean, moreWords = false): Markdown {
  if (byId)
    return msg`There is no group with object id ${typed}, so I did nothing. Copy the id from the group's page in the Entra admin center, or use group:"Group name".`;
  const quotes =
    moreWords && !/\s/.test(typed)
      ? msg` If its name has spaces, put all of it in quotes, e.g. group:"Migration Wave 1".`
      : msg``;
  return msg`I couldn't find a group named "${typed}", so I did nothing. The name must match the group's display name exactly (case does not matter), or use ${'group:<object id>'}.${quotes}`;
}

export function ambiguous(typed: string, users: DirectoryUser[]): Markdown {
  return msg`"${typed}" matches ${users.length} users, and I won't guess. Sign out one of them by user principal name:\n${userList(users.slice(0, 10))}`;
}

/** `like`: suggestions for some of the typed values (see Directory.suggest). */
export function notFoundList(
  what: string[],
  like: ReadonlyMap<string, readonly DirectoryUser[]> = new Map(),
): Markdown {
  const list = quotedList(what.slice(0, 10));
  const more = what.length > 10 ? msg` and ${what.length - 10} more` : msg``;
  const hints = joinMarkdown(
    what.map((w) => didYouMean(w, like.get(w))),
    msg``,
  );
  return msg`I couldn't find ${list}${more} in the directory, so I did nothing. Check the spelling, or use user principal names or object ids, and ask again.${hints}`;
}

/** "a", "b", "c": each typed value quoted and escaped on its own. */
function quotedList(typed: readonly string[]): Markdown {
  return joinMarkdown(
    typed.map((t) => msg`"${t}"`),
    msg`, `,
  );
}

export function ambiguousInList(typed: string[]): Markdown {
  return msg`${quotedList(typed)} ${typed.length === 1 ? 'matches' : 'match'} several users, and I won't guess. Use their user principal names and ask again.`;
}

export function ambiguousGroup(typed: string, count: number): Markdown {
  return msg`${count} groups are named "${typed}", and I won't guess. Use the group's object id: signout group:${'<id>'}.`;
}

export function noUsers(source: string): Markdown {
  return msg`${source} has no users, so there is nobody to sign out.`;
}
