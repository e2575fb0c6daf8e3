import type { AuditEntry } from './audit';

/**
 * The block of a user's sign-in that the bot made and that is still in force, as its own audit log
 * tells: the user's latest `blocked` or `unblocked` entry, when it is a `blocked` one. Undefined when the
 * bot never blocked the user, or when an unblock (even one that found sign-in already allowed) came
 * after the bot's last block. `unblock` acts only on such a block, so the bot never re-enables an
 * account someone else disabled (a leaver, an account under investigation). Pure, over the log in the
 * order it was appended, so a faster lookup can replace it without changing its answer.
 */
export function currentBotBlock(entries: readonly AuditEntry[], userId: string): AuditEntry | undefined {
  const id = userId.trim().toLowerCase();
  if (!id) return undefined;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (!e || (e.event !== 'blocked' && e.event !== 'unblocked')) continue;
    if (!names(e.targets, id)) continue;
    return e.event === 'blocked' ? e : undefined;
  }
  return undefined;
}

function names(targets: unknown, id: string): boolean {
  return (
    Array.isArray(targets) &&
    targets.some((t) => !!t && typeof t === 'object' && typeof t.id === 'string' && t.id.toLowerCase() === id)
  );
}
