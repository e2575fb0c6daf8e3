import { Authorizer, MAX_CACHED_CALLERS } from '../../../src/signout/authorizer';
import type { Directory } from '../../../src/graph/directory';
import type { Logger } from '../../../src/log';

function setup() {
  let now = 0;
  const asked: string[] = [];
  const directory = {
    isMemberOf: async (callerId: string) => {
      asked.push(callerId);
      return callerId.startsWith('admin');
    },
  } as unknown as Directory;
  const log = { warn: () => undefined } as unknown as Logger;
  const auth = new Authorizer({ adminUserIds: [], adminGroupId: 'group-1' }, directory, log, () => now);
  return { auth, asked, tick: (ms: number) => (now += ms) };
}

describe('Authorizer', () => {
  it('asks Graph once a minute per caller, for allowed and refused callers alike', async () => {
    const { auth, asked, tick } = setup();
    expect(await auth.check('admin-1')).toEqual({ allowed: true, via: 'group' });
    expect(await auth.check('user-1')).toEqual({ allowed: false, why: 'notAdmin' });
    tick(59_999);
    await auth.check('admin-1');
    await auth.check('user-1');
    expect(asked).toEqual(['admin-1', 'user-1']);
    tick(1);
    await auth.check('admin-1');
    expect(asked).toEqual(['admin-1', 'user-1', 'admin-1']);
  });

  it('remembers at most MAX_CACHED_CALLERS callers, however many write in a minute', async () => {
    const { auth, asked } = setup();
    for (let i = 0; i <= MAX_CACHED_CALLERS; i++) await auth.check(`user-${i}`);
    expect(asked).toHaveLength(MAX_CACHED_CALLERS + 1);
    // the first caller was pushed out and is asked again; the last is still known
    await auth.check(`user-${MAX_CACHED_CALLERS}`);
    await auth.check('user-0');
    expect(asked.slice(MAX_CACHED_CALLERS + 1)).toEqual(['user-0']);
  });
});
