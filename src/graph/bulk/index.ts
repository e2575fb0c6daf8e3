/**
 * Bulk sign-out through Graph JSON $batch: the one module the rest of the bot (and the bench) imports.
 * How the folder is split is in docs/decisions.md, "Structure (issue 11)".
 */
export { parseRetryAfter } from '../../domain/retryAfter';
export { systemClock, type Clock } from './clock';
export { MAX_BATCH_ITEMS, type BatchItem, type BatchItemResponse } from './items';
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_PAUSE_MS,
  DEFAULT_SAFETY_MARGIN,
  type BulkRevokeOptions,
  type BulkRevokeResult,
} from './options';
export { SharedBudgets } from './pacing';
export type { BulkProgress } from './progress';
export { runBulkRevoke } from './scheduler';
export { graphBatchTransport, type BatchTransport } from './transport';
