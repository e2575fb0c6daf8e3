import { isMultiTarget } from '../domain/requestSize';
import type { SignoutRequest } from '../domain/types';
import type { CardOptions } from './cardOptions';
import { renderChoiceCard } from './choice';
import { renderConfirmCard } from './confirm';
import { renderProgressCard } from './progress';
import { renderResultCard } from './result';

/**
 * The one card that shows a request's current state, so every path shows the same truth. The only place
 * that decides which card a request gets:
 * - pending, with candidates for a typed name: the choice card (nothing to confirm until one is chosen);
 * - pending or approved: the confirmation card (Sign out, or Approve / Reject, and Cancel);
 * - scheduled (confirmed, waiting for its time): the confirmation card with only Cancel;
 * - running with more than one target: the progress card (with Cancel);
 * - otherwise (running with one target, or ended): the result card.
 */
export function cardFor(req: SignoutRequest, o: CardOptions = {}): object {
  if (req.status === 'pending' && req.choices) return renderChoiceCard(req.source ?? '', req.choices, req.id);
  if (req.status === 'pending' || req.status === 'approved' || req.status === 'scheduled')
    return renderConfirmCard(req, o);
  if (req.status === 'running' && isMultiTarget(req)) return renderProgressCard(req, o);
  return renderResultCard(req, o);
}
