import type { GraphApi } from '../client';
import type { Clock } from './clock';
import {
  answerMismatch,
  batchTimeoutFailure,
  failureFromError,
  mismatchFailure,
  type AttemptFailure,
} from './failures';
import type { BatchItem, BatchItemResponse } from './items';

/**
 * Thin I/O seam: posts one JSON $batch (<= 20 items) and returns its responses. Throws on transport
 * failure; an error with `status` (and optionally `code`, `requestId`, `retryAfterSeconds`, as
 * GraphCallError has) is read as the whole batch's HTTP answer, e.g. a 429 for the whole batch.
 */
export type BatchTransport = (items: BatchItem[]) => Promise<BatchItemResponse[]>;

/** A BatchTransport over the bot's Graph seam: one POST /$batch per call. */
export function graphBatchTransport(graph: Pick<GraphApi, 'call'>): BatchTransport {
  return async (items) => {
    const res = await graph.call<{ responses?: BatchItemResponse[] }>('POST', '/$batch', {
      body: { requests: items },
    });
    return res.body?.responses ?? [];
  };
}

/** One response per item, by item id; or a failure of the whole batch. */
export type BatchAnswer = { responses: Map<string, BatchItemResponse> } | { failure: AttemptFailure };

/**
 * Sends one batch. It fails as a whole when the transport throws, when no answer comes within
 * `timeoutMs` (the late answer is then ignored), or when the answer cannot be matched to the items.
 */
export async function sendBatch(
  transport: BatchTransport,
  items: BatchItem[],
  clock: Clock,
  timeoutMs: number,
): Promise<BatchAnswer> {
  let responses: BatchItemResponse[];
  const timeout = new AbortController();
  try {
    const answer = transport(items);
    const timer = clock.sleep(timeoutMs, timeout.signal).then(
      () => 'timeout' as const,
      () => 'timeout' as const,
    );
    const result = await Promise.race([answer, timer]);
    if (result === 'timeout') {
      answer.catch(() => undefined);
      return { failure: batchTimeoutFailure() };
    }
    responses = result;
  } catch (err) {
    return { failure: failureFromError(err) };
  } finally {
    timeout.abort();
  }
  const problem = answerMismatch(items, responses);
  if (problem) return { failure: mismatchFailure(problem) };
  return { responses: new Map(responses.map((r) => [String(r.id), r])) };
}
