import { z } from 'zod';
import { cardAction, requestId, typedText } from './action';

/** "Reject" on a request that needs a second admin, with the reason typed above the button. */
export const reject = cardAction({
  verb: 'signout.reject',
  what: 'reject a sign-out',
  data: z.object({ requestId, rejectReason: typedText }),
  handle: async (click, data, d) => {
    const judge = { who: click.caller, allowed: await d.guard.isApprover(click.caller) };
    return d.requests.reject(click.info, judge, data.requestId, data.rejectReason);
  },
});
