import { z } from 'zod';
import { cardAction, requestId, typedText } from '../../../../src/bot/actions/action';
import { ALEX, aClick } from '../../../support/botFakes';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const seen: unknown[] = [];
const probe = cardAction({
  verb: 'test.probe',
  what: 'probe',
  data: z.object({ requestId, confirmText: typedText }),
  handle: async (_click, data) => {
    seen.push(data);
    return { card: {} };
  },
});

describe('cardAction', () => {
  beforeEach(() => (seen.length = 0));

  it.each([
    ['no data', undefined],
    ['text', 'signout.confirm'],
    ['no request id', { confirmText: 'x' }],
    ['a request id that is no UUID', { requestId: '../../etc/passwd' }],
    ['a request id that is a number', { requestId: 42 }],
  ])('refuses a click with %s: no handler runs', (_what, raw) => {
    expect(probe.bind(raw)).toBeUndefined();
  });

  it('gives the handler the checked data: the id in lower case, typed text only when it is text', async () => {
    await probe.bind({ requestId: ID.toUpperCase(), confirmText: { evil: true }, extra: 'dropped' })!(
      aClick(ALEX),
      {} as never,
    );
    await probe.bind({ requestId: ID, confirmText: '1234' })!(aClick(ALEX), {} as never);
    expect(seen).toEqual([
      { requestId: ID, confirmText: undefined },
      { requestId: ID, confirmText: '1234' },
    ]);
  });
});
