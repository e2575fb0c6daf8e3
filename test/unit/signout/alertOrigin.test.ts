import { createLogger } from '../../../src/log';
import { AlertOrigin } from '../../../src/signout/alertOrigin';
import type { StoredOrigin } from '../../../src/store/alertStore';

const A = { serviceUrl: 'https://smba.example/emea/', bot: { id: '28:bot', name: 'Sign-out Bot' } };

function store(initial?: StoredOrigin) {
  const saved: StoredOrigin[] = [];
  let current = initial;
  return {
    saved,
    set: (o: StoredOrigin) => (current = o),
    getOrigin: async () => current,
    saveOrigin: async (o: StoredOrigin) => void saved.push(o),
  };
}

describe('AlertOrigin', () => {
  it('reads the stored origin at start-up, and asks again while there is none', async () => {
    const s = store();
    const origin = new AlertOrigin(s, createLogger('silent'));
    expect(await origin.get()).toBeUndefined();
    // another instance saw Teams meanwhile
    s.set(A);
    expect(await origin.get()).toEqual(A);
  });

  it('stores an origin only when it changes, and tells its listeners the first time', async () => {
    const s = store();
    const origin = new AlertOrigin(s, createLogger('silent'));
    let first = 0;
    origin.onFirst(() => first++);
    origin.note(A);
    origin.note({ ...A });
    origin.note(undefined);
    origin.note({ ...A, serviceUrl: 'https://smba.example/amer/' });
    await new Promise((r) => setImmediate(r));
    expect(s.saved.map((o) => o.serviceUrl)).toEqual([
      'https://smba.example/emea/',
      'https://smba.example/amer/',
    ]);
    expect(first).toBe(1);
    expect((await origin.get())?.serviceUrl).toBe('https://smba.example/amer/');
  });
});
