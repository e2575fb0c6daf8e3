/**
 * `history` without reading the whole log: the audit log read from its end, a chunk at a time, until the
 * last `count` actions are known. Pure (the chunks come from the caller).
 *
 * The rule rests on one assumption: the log is in time order, give or take `skewMs` (entries are stamped
 * when they are appended, and instances' clocks agree to within seconds, as job leases already need).
 * So every entry not read yet is at most `skewMs` newer than the oldest time read so far (the bound).
 * An action whose entries are all read (RankedAction.whole) and that was asked after the bound ranks
 * above everything not read yet; once `count` such actions lead the ranking, and no action that ranks
 * among them could still change, reading stops. Otherwise it
 * goes on to the start of the log, and the answer is buildHistory's over everything.
 * Lines left unparsed (historyLog.ts) do not count towards the oldest time read: the bound can only be
 * later, which may make reading go on longer, never stop too early.
 */

import type { AuditEntry } from './audit';
import type { LogChunk } from './auditLines';
import {
  buildHistory,
  entryTime,
  type HistoryItem,
  type HistoryQuery,
  rankActions,
  userMatch,
} from './history';
import { HistoryLog } from './historyLog';

/** How far out of time order the log may be. */
export const HISTORY_SKEW_MS = 5 * 60_000;
/** Lines read before the first check; each later check waits until twice as many are read. */
const FIRST_CHECK = 256;

/**
 * The same answer as `buildHistory(all entries, q)`, from chunks of the log read newest first: each
 * chunk is older than the one before it. For one user, lines that cannot matter are never parsed
 * (historyLines.ts).
 */
export async function recentHistory(
  newestFirst: AsyncIterable<LogChunk>,
  q: HistoryQuery,
  { skewMs = HISTORY_SKEW_MS, firstCheck = FIRST_CHECK }: { skewMs?: number; firstCheck?: number } = {},
): Promise<HistoryItem[]> {
  const read = new HistoryLog(q.user);
  let oldest = Infinity;
  let nextCheck = firstCheck;
  const candidates = new Candidates(q.user);
  const add = (e: AuditEntry) => {
    const t = e && typeof e === 'object' ? entryTime(e.at) : -Infinity;
    if (t !== -Infinity && t < oldest) oldest = t;
    candidates.add(e);
  };
  for await (const chunk of newestFirst) {
    read.add(chunk, add);
    // ranking is the costly part: not before enough actions could match
    if (read.lines < nextCheck || candidates.size < q.count) continue;
    nextCheck = read.lines * 2;
    const settled = settledHistory(read.entries(), q, oldest + skewMs);
    if (settled) return settled;
  }
  return buildHistory(read.entries().reverse(), q);
}

/**
 * The answer, if the entries read so far (newest first) already decide it: `count` whole actions asked
 * after `bound`, the newest time an entry not read yet can have.
 */
export function settledHistory(
  readNewestFirst: readonly AuditEntry[],
  q: HistoryQuery,
  bound: number,
): HistoryItem[] | undefined {
  const count = Math.max(0, q.count);
  if (count === 0) return [];
  const sure: HistoryItem[] = [];
  for (const a of rankActions(readNewestFirst.slice().reverse(), q.user)) {
    if (entryTime(a.item.at) <= bound) break;
    // a request not whole was asked before the bound; a refusal not whole ranks here but may yet match
    if (!a.whole && a.request) continue;
    if (!a.whole) return undefined;
    if (!a.match) continue;
    sure.push(a.item);
    if (sure.length === count) return sure;
  }
  return undefined;
}

/**
 * The actions read so far that name the user (or all, without one): a cheap count that tells when a
 * ranking could find enough. A refusal that names only its request's targets is not counted, so the
 * count may be short; that delays a check, never changes the answer.
 */
class Candidates {
  private readonly keys = new Set<string>();
  private readonly match: ReturnType<typeof userMatch>;
  private singles = 0;

  constructor(user: HistoryQuery['user']) {
    this.match = userMatch(user);
  }

  get size(): number {
    return this.keys.size + this.singles;
  }

  add(e: AuditEntry): void {
    if (!e || typeof e !== 'object' || e.event === 'status' || e.event === 'downloaded') return;
    if (this.match.wanted.size && !this.match.touches(e.targets)) return;
    if (e.event === 'refused' || !e.requestId) this.singles++;
    else this.keys.add(e.requestId);
  }
}
