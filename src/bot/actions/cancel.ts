import { z } from 'zod';
import { cardAction, requestId } from './action';

/** "Cancel" on a confirmation, choice or progress card: withdraws a request, or stops a running job. */
export const cancel = cardAction({
  verb: 'signout.cancel',
  what: 'cancel a sign-out',
  data: z.object({ requestId }),
  handle: (click, data, d) => d.requests.cancel(click.info, click.caller, data.requestId),
});
