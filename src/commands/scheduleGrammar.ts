/** `schedule`: the scheduled sign-outs that have not started. Takes nothing after the verb. */

import { refuse, type VerbGrammar } from './grammar';
import { show } from './text';

export const scheduleGrammar: VerbGrammar = {
  spellings: ['schedule', 'schedules', 'scheduled'],
  usage: 'Usage: schedule (lists the scheduled sign-outs that have not started)',
  parse: (args) =>
    args.trim()
      ? refuse(
          `schedule takes nothing after it (found ${show(args.trim())}). To schedule a sign-out, write: signout <users> at 18:00 UTC`,
        )
      : { kind: 'schedule' },
};
