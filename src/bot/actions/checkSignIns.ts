import { z } from 'zod';
import { cardAction, requestId } from './action';

/** "Check sign-ins" on an outcome card (and "Check again" on a verify card): reads the logs anew. */
export const checkSignIns = cardAction({
  verb: 'signout.checkSignIns',
  what: 'check sign-ins',
  data: z.object({ requestId }),
  handle: (click, data, d) => d.signInChecks.check(click.info, data.requestId),
});
