/**
 * A request's `requested` audit entry as lines of a bounded size. Pure.
 *
 * `signout all` in a tenant of 100,000 users would otherwise be one line of 11 MB, which every reader of
 * the log (history, unblock) must parse whole to learn anything about the request. So the `requested`
 * line names at most TARGETS_PER_LINE targets and says how many there are (`targetCount`); `targeted`
 * lines, appended in the same write, name the rest. History counts targets from `targetCount` and reads
 * a `targeted` line only when it names the user asked about (historyItem.ts).
 */

import type { NewAuditEntry } from './audit';

export const TARGETS_PER_LINE = 1000;

/** The lines of one `requested` entry: itself when its targets fit one line. */
export function requestedLines(requested: NewAuditEntry): NewAuditEntry[] {
  const targets = requested.targets ?? [];
  if (targets.length <= TARGETS_PER_LINE) return [requested];
  const lines: NewAuditEntry[] = [
    { ...requested, targets: targets.slice(0, TARGETS_PER_LINE), targetCount: targets.length },
  ];
  for (let i = TARGETS_PER_LINE; i < targets.length; i += TARGETS_PER_LINE) {
    lines.push({
      event: 'targeted',
      tenantId: requested.tenantId,
      requestId: requested.requestId,
      actor: requested.actor,
      targets: targets.slice(i, i + TARGETS_PER_LINE),
    });
  }
  return lines;
}
