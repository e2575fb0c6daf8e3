import { INVALID_BATCH_RESPONSE, outcomeUnknown } from '../../../../src/domain/graphErrors';
import {
  answerMismatch,
  batchTimeoutFailure,
  failureFromError,
  failureFromResponse,
  graphFailureOf,
  isRetryable,
  isSuccess,
  mismatchFailure,
} from '../../../../src/graph/bulk/failures';
import type { BatchItem } from '../../../../src/graph/bulk/items';

describe('failureFromResponse', () => {
  it("takes Graph's error code and message, the request-id header and a Retry-After in seconds", () => {
    const f = failureFromResponse(
      {
        id: '1',
        status: 429,
        headers: { 'Request-Id': 'req-1', 'retry-after': '7' },
        body: {
          error: { code: 'TooManyRequests', message: 'slow down', innerError: { 'request-id': 'inner' } },
        },
      },
      0,
    );
    expect(f).toEqual({
      status: 429,
      code: 'TooManyRequests',
      message: 'slow down',
      requestId: 'req-1',
      retryAfterMs: 7000,
    });
  });

  it('reads a Retry-After date against now, and the request-id from innerError when no header has it', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const inTen = new Date(now + 10_000).toUTCString();
    const upper = failureFromResponse(
      {
        id: '1',
        status: 503,
        headers: { 'Retry-After': inTen },
        body: { error: { code: 'ServiceUnavailable', innerError: { 'request-id': 'inner-1' } } },
      },
      now,
    );
    expect(upper).toMatchObject({ requestId: 'inner-1', retryAfterMs: 10_000 });
    const lower = failureFromResponse(
      { id: '1', status: 500, body: { error: { innererror: { 'request-id': 'i2' } } } },
      0,
    );
    expect(lower.requestId).toBe('i2');
  });

  it('falls back to HTTP<status> without an error body, and to no wait for a Retry-After it cannot read', () => {
    expect(failureFromResponse({ id: '1', status: 502 }, 0)).toEqual({
      status: 502,
      code: 'HTTP502',
      message: undefined,
      requestId: undefined,
      retryAfterMs: undefined,
    });
    const empty = failureFromResponse(
      { id: '1', status: 404, body: { error: { code: '' } }, headers: { 'Retry-After': 'soon' } },
      0,
    );
    expect(empty).toMatchObject({ code: 'HTTP404', retryAfterMs: undefined });
  });
});

describe('failureFromError', () => {
  it("reads a GraphCallError's status, code, request-id and Retry-After seconds as the whole batch's answer", () => {
    const err = Object.assign(new Error('throttled'), {
      status: 429,
      code: 'TooManyRequests',
      requestId: 'req-9',
      retryAfterSeconds: 2,
    });
    expect(failureFromError(err)).toEqual({
      status: 429,
      code: 'TooManyRequests',
      message: 'throttled',
      requestId: 'req-9',
      retryAfterMs: 2000,
    });
  });

  it('reads an error without a status as Graph not reached (status 0, Unreachable)', () => {
    expect(failureFromError(new Error('socket hang up'))).toMatchObject({
      status: 0,
      code: 'Unreachable',
      message: 'socket hang up',
    });
    expect(failureFromError(Object.assign(new Error('x'), { status: 503 })).code).toBe('HTTP503');
  });

  it('ignores fields of the wrong type, and survives a thrown string or undefined', () => {
    const odd = { status: '429', code: 42, message: {}, requestId: 7, retryAfterSeconds: '5' };
    expect(failureFromError(odd)).toEqual({
      status: 0,
      code: 'Unreachable',
      message: undefined,
      requestId: undefined,
      retryAfterMs: undefined,
    });
    expect(failureFromError('boom')).toMatchObject({ status: 0, code: 'Unreachable' });
    expect(failureFromError(undefined)).toMatchObject({ status: 0, code: 'Unreachable' });
  });
});

describe('isSuccess and isRetryable', () => {
  it('counts only 2xx as success', () => {
    expect([199, 200, 204, 299, 300, 429].map(isSuccess)).toEqual([false, true, true, true, false, false]);
  });

  it('retries no answer, timeouts, failed dependencies and server errors; never 4xx refusals or 429', () => {
    expect([0, 408, 424, 500, 503, 504].every(isRetryable)).toBe(true);
    expect([400, 401, 403, 404, 409, 429].some(isRetryable)).toBe(false);
  });
});

describe('failures that leave the outcome unknown', () => {
  it('a timeout and an answer that does not match are both of unknown outcome, so a revoke is checked', () => {
    const timeout = batchTimeoutFailure();
    const mismatch = mismatchFailure('the batch answer had two responses for request 1');
    expect(timeout).toMatchObject({ status: 0, code: 'Timeout' });
    expect(mismatch).toEqual({
      status: 0,
      code: INVALID_BATCH_RESPONSE,
      message: 'the batch answer had two responses for request 1',
    });
    expect(outcomeUnknown(timeout)).toBe(true);
    expect(outcomeUnknown(mismatch)).toBe(true);
  });

  it('graphFailureOf keeps everything but the wait', () => {
    const f = { status: 429, code: 'TooManyRequests', message: 'm', requestId: 'r', retryAfterMs: 5 };
    expect(graphFailureOf(f)).toEqual({ status: 429, code: 'TooManyRequests', message: 'm', requestId: 'r' });
  });
});

describe('answerMismatch', () => {
  const items: BatchItem[] = ['1', '2', '3'].map((id) => ({ id, method: 'GET', url: `/users/u${id}` }));
  const ok = (id: string | number) => ({ id, status: 200 });

  it('accepts one response per request, in any order, with string or numeric ids', () => {
    expect(answerMismatch(items, [ok('3'), ok(1), ok('2')])).toBeUndefined();
    expect(answerMismatch([], [])).toBeUndefined();
  });

  it.each([
    ['not a list', { value: [] }, 'the batch answer had no list of responses'],
    [
      'a response without an id',
      [{ status: 200 }, ok('2'), ok('3')],
      'a response in the batch answer had no id or status',
    ],
    [
      'a response without a status',
      [{ id: '1' }, ok('2'), ok('3')],
      'a response in the batch answer had no id or status',
    ],
    [
      'a status that is not a number',
      [{ id: '1', status: '200' }, ok('2'), ok('3')],
      'a response in the batch answer had no id or status',
    ],
    ['a null response', [null, ok('2'), ok('3')], 'a response in the batch answer had no id or status'],
    [
      'an id that was not sent',
      [ok('1'), ok('2'), ok('3'), ok('x')],
      'the batch answer had a response for request x, which was not sent',
    ],
    [
      'a response twice',
      [ok('1'), ok('2'), ok(2), ok('3')],
      'the batch answer had two responses for request 2',
    ],
    ['a missing response', [ok('1'), ok('3')], 'the batch answer had no response for some requests'],
  ])('refuses an answer with %s', (_what, responses, why) => {
    expect(answerMismatch(items, responses)).toBe(why);
  });
});
