import { CallbackChain } from '../../../../src/graph/bulk/callbacks';

describe('CallbackChain', () => {
  it('runs callbacks one at a time, in order', async () => {
    const chain = new CallbackChain(() => undefined);
    const seen: string[] = [];
    let active = 0;
    const step = (name: string) => async () => {
      expect(++active).toBe(1);
      await new Promise((r) => setImmediate(r));
      seen.push(name);
      active--;
    };
    chain.push(step('a'));
    chain.push(step('b'));
    chain.push(() => void seen.push('c'));
    await chain.settled();
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('keeps the first error as fatal, tells once, and still runs the callbacks after it', async () => {
    const onFatal = jest.fn();
    const chain = new CallbackChain(onFatal);
    const later = jest.fn();
    chain.push(() => {
      throw new Error('store unavailable');
    });
    chain.push(async () => {
      throw new Error('second');
    });
    chain.push(later);
    await chain.settled();
    expect(chain.fatal).toEqual({ error: new Error('store unavailable') });
    expect(onFatal).toHaveBeenCalledTimes(1);
    expect(later).toHaveBeenCalledTimes(1);
  });
});
