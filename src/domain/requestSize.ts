import type { SignoutRequest } from './types';

/**
 * The three sizes of a request that change what the bot does, each with its own name; "bulk" means
 * only the last one.
 */

/**
 * More than one target: a multi-target request runs as a job through the $batch scheduler, shows a
 * progress card, can be stopped part-way, and has a CSV of its outcomes.
 */
export function isMultiTarget(req: Pick<SignoutRequest, 'targets'>): boolean {
  return req.targets.length > 1;
}

/** Rows a result card lists one by one; with more targets than this it summarizes (summarizesOutcomes). */
export const RESULT_LIST_LIMIT = 20;

/**
 * More targets than a result card lists one by one: its result counts the outcomes and lists the
 * failures only.
 */
export function summarizesOutcomes(req: Pick<SignoutRequest, 'targets'>): boolean {
  return req.targets.length > RESULT_LIST_LIMIT;
}

/**
 * A bulk request: at least BULK_APPROVAL_THRESHOLD targets (so the default of 10 counts 10 users, not
 * only 11). Under APPROVAL_POLICY=bulk a second admin must approve it.
 */
export function isBulk(targetCount: number, bulkThreshold: number): boolean {
  return targetCount >= bulkThreshold;
}
