/**
 * Bulk sign-out through Graph JSON $batch: the one module the rest of the bot (and the bench) imports.
 * How the folder is split is in docs/decisions.md, "Structure (issue 11)".
 */
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_PAUSE_MS,
  MAX_BATCH_ITEMS,
  MAX_TIMER_MS,
  graphBatchTransport,
  parseRetryAfter,
  runBulkRevoke,
  systemClock,
  type BatchItem,
  type BatchItemResponse,
  type BatchTransport,
  type BulkProgress,
  type BulkRevokeOptions,
  type BulkRevokeResult,
  type Clock,
} from './scheduler';
