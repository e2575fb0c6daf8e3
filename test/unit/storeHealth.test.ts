import { StoreHealth, StoreUnavailableError, storeRefusal } from '../../src/store/storeHealth';

const errno = (code: string) =>
  Object.assign(new Error(`${code}: oops, open '/data/requests/x.json'`), { code });
const azure = (statusCode: number, code: string) =>
  Object.assign(new Error(`${code}\nRequestId:1`), { statusCode, code, name: 'RestError' });

describe('storeRefusal', () => {
  it('names the file system and Azure Storage refusals of a write', () => {
    expect(storeRefusal(errno('EROFS'))).toMatch(/read-only file system \(EROFS\)/);
    expect(storeRefusal(errno('EACCES'))).toMatch(/may not write.*EACCES/);
    expect(storeRefusal(errno('EPERM'))).toMatch(/may not write.*EPERM/);
    expect(storeRefusal(errno('ENOSPC'))).toMatch(/disk is full/);
    expect(storeRefusal(azure(403, 'AuthorizationFailure'))).toBe(
      'Azure Storage refuses the bot (403 AuthorizationFailure)',
    );
    expect(storeRefusal(azure(403, 'AuthenticationFailed'))).toMatch(/403 AuthenticationFailed/);
    expect(storeRefusal(azure(404, 'ContainerNotFound'))).toMatch(/404 ContainerNotFound/);
    expect(storeRefusal(azure(409, 'BlobImmutableDueToPolicy'))).toMatch(/409 BlobImmutableDueToPolicy/);
  });

  it('leaves other failures alone: conflicts, passing faults, damaged records', () => {
    expect(storeRefusal(new Error('Storage: error writing "k" due to eTag conflict.'))).toBeUndefined();
    expect(storeRefusal(azure(412, 'ConditionNotMet'))).toBeUndefined();
    expect(storeRefusal(azure(409, 'BlobAlreadyExists'))).toBeUndefined();
    expect(storeRefusal(azure(500, 'InternalError'))).toBeUndefined();
    expect(storeRefusal(errno('ECONNRESET'))).toBeUndefined();
    expect(storeRefusal(new SyntaxError('Unterminated string in JSON at position 703'))).toBeUndefined();
    expect(storeRefusal(undefined)).toBeUndefined();
  });
});

describe('StoreHealth', () => {
  afterEach(() => jest.useRealTimers());

  const health = (probe: () => Promise<void>, changes: (string | undefined)[] = []) =>
    new StoreHealth({ probe, probeMs: 5_000, healthyProbeMs: 30_000, onChange: (p) => changes.push(p) });

  it('turns a refused write into StoreUnavailableError, and heals on the next write that succeeds', async () => {
    const changes: (string | undefined)[] = [];
    const h = health(async () => undefined, changes);
    expect(h.problem).toBeUndefined();
    const refused = h.guard(async () => {
      throw errno('EROFS');
    });
    await expect(refused).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(refused).rejects.toMatchObject({ problem: expect.stringMatching(/EROFS/) });
    expect(h.problem).toMatch(/EROFS/);
    await expect(h.guard(async () => 42)).resolves.toBe(42);
    expect(h.problem).toBeUndefined();
    expect(changes).toEqual([expect.stringMatching(/EROFS/), undefined]);
    h.stop();
  });

  it('passes other failures through as they are, without changing its state', async () => {
    const h = health(async () => undefined);
    const conflict = new Error('Storage: error writing "k" due to eTag conflict.');
    await expect(
      h.guard(async () => {
        throw conflict;
      }),
    ).rejects.toBe(conflict);
    expect(h.problem).toBeUndefined();
    h.stop();
  });

  it('probes at start, every few seconds while refused, and heals when a probe succeeds', async () => {
    jest.useFakeTimers();
    let writable = false;
    const probe = jest.fn(async () => {
      if (!writable) throw errno('EACCES');
    });
    const changes: (string | undefined)[] = [];
    const h = health(probe, changes).start();
    await jest.advanceTimersByTimeAsync(0);
    expect(h.problem).toMatch(/EACCES/);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(probe).toHaveBeenCalledTimes(2);
    writable = true;
    await jest.advanceTimersByTimeAsync(5_000);
    expect(h.problem).toBeUndefined();
    expect(changes).toEqual([expect.stringMatching(/EACCES/), undefined]);
    // healthy: it looks less often
    await jest.advanceTimersByTimeAsync(29_000);
    expect(probe).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(probe).toHaveBeenCalledTimes(4);
    h.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(probe).toHaveBeenCalledTimes(4);
  });
});
