import { INVALID_BATCH_RESPONSE } from '../../../../src/domain/graphErrors';
import { graphBatchTransport, type BatchItem, type Clock } from '../../../../src/graph/bulk';
import { sendBatch } from '../../../../src/graph/bulk/transport';
import { FakeClock } from '../../../support/fakeClock';

describe('graphBatchTransport', () => {
  it('posts the items to /$batch and returns the responses', async () => {
    const call = jest
      .fn()
      .mockResolvedValue({ status: 200, body: { responses: [{ id: '1', status: 204 }] } });
    const items: BatchItem[] = [{ id: '1', method: 'POST', url: '/users/a/revokeSignInSessions', body: {} }];
    await expect(graphBatchTransport({ call })(items)).resolves.toEqual([{ id: '1', status: 204 }]);
    expect(call).toHaveBeenCalledWith('POST', '/$batch', { body: { requests: items } });
  });

  it('returns no responses for an answer without a list, for sendBatch to refuse', async () => {
    const call = jest.fn().mockResolvedValue({ status: 200, body: undefined });
    await expect(graphBatchTransport({ call })([])).resolves.toEqual([]);
  });
});

describe('sendBatch', () => {
  const items: BatchItem[] = ['1', '2'].map((id) => ({ id, method: 'GET', url: `/users/u${id}` }));

  it('returns the responses by item id, whatever their order and id type', async () => {
    const clock = new FakeClock();
    const answer = await clock.run(
      sendBatch(
        async () => [
          { id: 2 as unknown as string, status: 404 },
          { id: '1', status: 200 },
        ],
        items,
        clock,
        1000,
      ),
    );
    expect('responses' in answer && [...answer.responses.entries()]).toEqual([
      ['2', { id: 2, status: 404 }],
      ['1', { id: '1', status: 200 }],
    ]);
  });

  it("fails the whole batch with the thrown error's answer, also when the transport throws at once", async () => {
    const clock = new FakeClock();
    const throttled = Object.assign(new Error('throttled'), { status: 429, retryAfterSeconds: 3 });
    const failing = async () => {
      throw throttled;
    };
    await expect(clock.run(sendBatch(failing, items, clock, 1000))).resolves.toEqual({
      failure: expect.objectContaining({ status: 429, code: 'HTTP429', retryAfterMs: 3000 }),
    });
    const sync = () => {
      throw new Error('no socket');
    };
    await expect(clock.run(sendBatch(sync, items, clock, 1000))).resolves.toEqual({
      failure: expect.objectContaining({ status: 0, code: 'Unreachable', message: 'no socket' }),
    });
  });

  it('gives up on a batch without an answer after the timeout, as a timeout', async () => {
    const clock = new FakeClock();
    const answer = await clock.run(sendBatch(() => new Promise(() => undefined), items, clock, 10_000));
    expect(answer).toEqual({ failure: expect.objectContaining({ status: 0, code: 'Timeout' }) });
    expect(clock.now()).toBe(10_000);
  });

  it('cancels its timer once the answer comes', async () => {
    const clock = new FakeClock();
    let timer: AbortSignal | undefined;
    const watched: Clock = {
      now: () => clock.now(),
      sleep: (ms, signal) => {
        timer = signal;
        return clock.sleep(ms, signal);
      },
    };
    const ok = async () => [
      { id: '1', status: 200 },
      { id: '2', status: 200 },
    ];
    await clock.run(sendBatch(ok, items, watched, 60_000));
    expect(timer?.aborted).toBe(true);
  });

  it('fails the whole batch when the answer cannot be matched to the items', async () => {
    const clock = new FakeClock();
    const answer = await clock.run(sendBatch(async () => [{ id: '1', status: 200 }], items, clock, 1000));
    expect(answer).toEqual({
      failure: {
        status: 0,
        code: INVALID_BATCH_RESPONSE,
        message: 'the batch answer had no response for some requests',
      },
    });
  });
});
