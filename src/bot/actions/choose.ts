import { z } from 'zod';
import { plain } from '../../domain/markdown';
import { cardAction, requestId, typedText } from './action';

/**
 * A user picked on a choice card (a name that matched several): the request becomes one for that user,
 * with the guardrails applied as if they had been named.
 */
export const choose = cardAction({
  verb: 'signout.choose',
  what: 'choose a sign-out',
  data: z.object({ requestId, userId: typedText }),
  handle: (click, data, d) =>
    d.requests.choose(click.info, click.caller, data.requestId, data.userId, async (req, chosen) => {
      const assessed = await d.assessor.assess(req.requester, [chosen], {
        self: !!req.self,
        block: !!req.block,
        all: false,
        named: true,
      });
      return assessed.ok
        ? { targets: assessed.targets, approval: assessed.approval }
        : plain(assessed.problem);
    }),
});
