import { Buffer } from 'node:buffer';
import type { AuditEntry } from './audit';
import { type LogChunk, lineBounds, parseLine } from './auditLines';
import { PARSE, UserLines } from './historyLines';

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

/**
 * currentBotBlock from the log read newest first (AuditSink.readNewestFirst): stops at the user's
 * latest `blocked` or `unblocked` entry, and parses only lines whose bytes may name the user
 * (historyLines.ts), instead of holding a year's log in memory.
 */
export async function botBlockNewestFirst(
  newestFirst: AsyncIterable<LogChunk>,
  userId: string,
): Promise<AuditEntry | undefined> {
  const id = userId.trim().toLowerCase();
  if (!id) return undefined;
  const filter = UserLines.of(id);
  for await (const chunk of newestFirst) {
    for (const e of newestEntries(chunk, filter)) {
      if (!e || (e.event !== 'blocked' && e.event !== 'unblocked')) continue;
      if (!names(e.targets, id)) continue;
      return e.event === 'blocked' ? e : undefined;
    }
  }
  return undefined;
}

/** A chunk's entries newest first; of a chunk of bytes, only those of lines that may name the user. */
function* newestEntries(chunk: LogChunk, filter: UserLines | undefined): Generator<AuditEntry | undefined> {
  if (!Buffer.isBuffer(chunk)) {
    yield* chunk as readonly AuditEntry[];
    return;
  }
  const { starts, ends } = lineBounds(chunk);
  const verdicts = filter?.verdicts(chunk, starts, ends);
  for (let i = starts.length - 1; i >= 0; i--) {
    if (!verdicts || verdicts[i] === PARSE) yield parseLine(chunk, starts[i], ends[i]);
  }
}

function names(targets: unknown, id: string): boolean {
  return (
    Array.isArray(targets) &&
    targets.some((t) => !!t && typeof t === 'object' && typeof t.id === 'string' && t.id.toLowerCase() === id)
  );
}
