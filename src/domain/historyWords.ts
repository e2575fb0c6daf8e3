/** The bot's words for how a history item ended. Pure. */

import type { HistoryTone } from './history';
import { OUTCOME_WORDS } from './outcomeWords';
import type { TargetOutcomeKind } from './types';
import { num, plural } from './wording';

export const OUTCOME_KINDS: readonly TargetOutcomeKind[] = [
  'revoked',
  'guestSkipped',
  'notFound',
  'denied',
  'failed',
];
const KIND_WORDS: Record<TargetOutcomeKind, [one: string, many: string]> = {
  revoked: ['signed out', 'signed out'],
  guestSkipped: ['guest skipped', 'guests skipped'],
  notFound: ['not found', 'not found'],
  denied: ['not allowed', 'not allowed'],
  failed: ['failed', 'failed'],
  unblocked: ['unblocked', 'unblocked'],
};

export function outcomeWords(
  counts: Map<TargetOutcomeKind, number>,
  total: number,
  finished: number,
  stopped: boolean,
): { text: string; tone: HistoryTone } {
  const revoked = counts.get('revoked') ?? 0;
  const tone: HistoryTone =
    revoked === total ? 'good' : revoked > 0 || (counts.get('guestSkipped') ?? 0) > 0 ? 'partial' : 'bad';
  if (total === 1 && finished === 1) {
    const [kind] = [...counts.keys()];
    return { text: OUTCOME_WORDS[kind], tone };
  }
  const parts = OUTCOME_KINDS.filter((k) => counts.get(k)).map((k) => {
    const n = counts.get(k) ?? 0;
    return plural(n, ...KIND_WORDS[k]);
  });
  if (total > finished) parts.push(`${num(total - finished)} not signed out`);
  if (!stopped && revoked === total && total > 0) return { text: `All ${num(total)} signed out`, tone };
  return { text: capitalise(parts.join(', ')), tone };
}

export function nameOf(p: { id?: string; name?: string } | undefined): string {
  return p?.name || p?.id || 'someone';
}

export function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

export function lowerFirst(s: string): string {
  return s && !/^[A-Z]{2}/.test(s) ? s[0].toLowerCase() + s.slice(1) : s;
}
