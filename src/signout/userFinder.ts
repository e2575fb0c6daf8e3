import type { UserRef } from '../domain/command';
import { ambiguous, notFound } from '../domain/lookupMessages';
import type { Markdown } from '../domain/markdown';
import type { DirectoryUser } from '../domain/types';
import type { Directory } from '../graph/directory';
import type { Logger } from '../log';

/** names not found that get "did you mean" suggestions, each one Graph query */
const MAX_SUGGESTED = 3;

/**
 * Finds the one user a command names, or says in plain words why not: nobody (with "did you mean"
 * suggestions) or several (the bot never guesses). Graph failures are thrown, for the caller to explain.
 */
export class UserFinder {
  constructor(
    private readonly directory: Pick<Directory, 'findUser' | 'suggest'>,
    private readonly log: Logger,
  ) {}

  async find(ref: UserRef): Promise<{ user: DirectoryUser } | { answer: Markdown }> {
    const found = await this.directory.findUser(ref);
    if (found.kind === 'found') return { user: found.user };
    if (found.kind === 'ambiguous') return { answer: ambiguous(ref.value, found.users) };
    return { answer: notFound(ref.value, (await this.suggestions([ref])).get(ref.value)) };
  }

  /** "Did you mean" candidates for the first few names not found; none if Graph cannot say. */
  async suggestions(refs: UserRef[]): Promise<Map<string, DirectoryUser[]>> {
    const asked = refs.slice(0, MAX_SUGGESTED);
    const found = await Promise.all(
      asked.map((r) =>
        this.directory.suggest(r).catch((err: unknown) => {
          this.log.debug({ code: (err as { code?: string }).code }, 'no suggestions');
          return [];
        }),
      ),
    );
    return new Map(asked.map((r, i) => [r.value, found[i]]));
  }
}
