import { z } from 'zod';
import { cardAction, requestId, typedText } from './action';

/** "Approve" on a request that needs a second admin; `confirmText` as for confirm. */
export const approve = cardAction({
  verb: 'signout.approve',
  what: 'approve a sign-out',
  data: z.object({ requestId, confirmText: typedText }),
  handle: async (click, data, d) => {
    const judge = { who: click.caller, allowed: await d.guard.isApprover(click.caller) };
    return d.requests.approve(click.info, judge, data.requestId, data.confirmText);
  },
});
