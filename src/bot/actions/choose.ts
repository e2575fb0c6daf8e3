import { z } from 'zod';
import { plain } from '../../domain/markdown';
import { displayNameOf } from '../../domain/userNames';
import { cardAction, requestId, typedText } from './action';

/**
 * A user picked on a choice card (a name that matched several): the request becomes one for that user,
 * with the guardrails applied as if they had been named, and a guardrail's refusal recorded (audit line,
 * security notice) as a typed command's is.
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
      if (assessed.ok) return { targets: assessed.targets, approval: assessed.approval };
      await d.guard.refuse(click.info, `sign out ${displayNameOf(chosen)}`, assessed.problem);
      return plain(assessed.problem);
    }),
});
