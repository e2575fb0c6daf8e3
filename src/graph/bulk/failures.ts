import { INVALID_BATCH_RESPONSE, type GraphFailure } from '../../domain/graphErrors';
import { parseRetryAfter } from '../../domain/retryAfter';
import { headerOf, requestIdOf, type BatchItem, type BatchItemResponse } from './items';

/** A request that did not succeed, as Graph (or the lack of an answer) told it. */
export interface AttemptFailure extends GraphFailure {
  /** how long Graph asked to wait (Retry-After), in ms */
  retryAfterMs?: number;
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** Worth sending again: no answer (0), a timeout, a failed dependency or a server error. */
export function isRetryable(status: number): boolean {
  return status === 0 || status === 408 || status === 424 || status >= 500;
}

/** What a GraphFailure keeps of it: everything but the wait. */
export function graphFailureOf(f: AttemptFailure): GraphFailure {
  return { status: f.status, code: f.code, message: f.message, requestId: f.requestId };
}

/** A non-2xx item answer: Graph's error code and message, its request-id and Retry-After. */
export function failureFromResponse(r: BatchItemResponse, now: number): AttemptFailure {
  const error = r.body?.error as { code?: string; message?: string } | undefined;
  return {
    status: r.status,
    code: error?.code || `HTTP${r.status}`,
    message: error?.message,
    requestId: requestIdOf(r),
    retryAfterMs: parseRetryAfter(headerOf(r, 'retry-after'), now),
  };
}

/**
 * A batch that failed as a whole. An error with `status` (and optionally `code`, `requestId`,
 * `retryAfterSeconds`, as GraphCallError has) is the whole batch's HTTP answer, e.g. a 429; any other
 * error is a transport failure (status 0).
 */
export function failureFromError(err: unknown): AttemptFailure {
  const e = err as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
    requestId?: unknown;
    retryAfterSeconds?: unknown;
  };
  const status = typeof e?.status === 'number' ? e.status : 0;
  const code = typeof e?.code === 'string' && e.code ? e.code : status ? `HTTP${status}` : 'Unreachable';
  return {
    status,
    code,
    message: typeof e?.message === 'string' ? e.message : undefined,
    requestId: typeof e?.requestId === 'string' ? e.requestId : undefined,
    retryAfterMs: typeof e?.retryAfterSeconds === 'number' ? e.retryAfterSeconds * 1000 : undefined,
  };
}

export function batchTimeoutFailure(): AttemptFailure {
  return { status: 0, code: 'Timeout', message: 'Microsoft Graph did not answer the batch in time' };
}

/**
 * Why a $batch answer cannot be matched to its requests (a response per request id, each once, none
 * other, each with a numeric status), or undefined when it can. Such an answer fails the whole batch:
 * answers cannot be trusted to belong to the users they name.
 */
export function answerMismatch(items: BatchItem[], responses: unknown): string | undefined {
  if (!Array.isArray(responses)) return 'the batch answer had no list of responses';
  const wanted = new Set(items.map((i) => i.id));
  const seen = new Set<string>();
  for (const r of responses as unknown[]) {
    const rid = (r as { id?: unknown })?.id;
    const status = (r as { status?: unknown })?.status;
    if ((typeof rid !== 'string' && typeof rid !== 'number') || typeof status !== 'number')
      return 'a response in the batch answer had no id or status';
    const key = String(rid);
    if (!wanted.has(key)) return `the batch answer had a response for request ${key}, which was not sent`;
    if (seen.has(key)) return `the batch answer had two responses for request ${key}`;
    seen.add(key);
  }
  if (seen.size !== wanted.size) return 'the batch answer had no response for some requests';
  return undefined;
}

export function mismatchFailure(problem: string): AttemptFailure {
  return { status: 0, code: INVALID_BATCH_RESPONSE, message: problem };
}
