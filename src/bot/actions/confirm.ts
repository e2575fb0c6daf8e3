import { z } from 'zod';
import { cardAction, requestId, typedText } from './action';

/** "Sign out" (or "Unblock") on a confirmation card; `confirmText` is what `signout all` asks to type. */
export const confirm = cardAction({
  verb: 'signout.confirm',
  what: 'confirm a sign-out',
  data: z.object({ requestId, confirmText: typedText }),
  handle: (click, data, d) => d.requests.confirm(click.info, click.caller, data.requestId, data.confirmText),
});
