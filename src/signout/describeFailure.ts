import { SOMETHING_WRONG, STORE_UNAVAILABLE } from '../domain/chatMessages';
import { explainGraphFailure, type GraphAction } from '../domain/graphErrors';
import { plain, type Markdown } from '../domain/markdown';
import { GraphCallError } from '../graph/client';
import type { Logger } from '../log';
import { StoreUnavailableError } from '../store/storeHealth';

/**
 * What to tell the admin when a command or a click failed: the store refusing writes, Graph's refusal
 * in plain words (with its code and request-id), or that something went wrong and nothing changed.
 * Never a stack trace; the log gets the details.
 */
export function describeFailure(err: unknown, log: Logger, action: GraphAction): Markdown {
  if (err instanceof StoreUnavailableError) {
    log.warn({ problem: err.problem }, 'store refuses writes; command not done');
    return STORE_UNAVAILABLE;
  }
  if (err instanceof GraphCallError) {
    log.warn({ status: err.status, code: err.code, graphRequestId: err.requestId }, 'graph call failed');
    // Graph's message and the target's name are in it: escaped as a whole
    return plain(explainGraphFailure(err, action).text);
  }
  log.error({ err: (err as Error)?.message }, 'command failed');
  return SOMETHING_WRONG;
}
