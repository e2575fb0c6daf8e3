import {
  renderChoiceCard,
  renderConfirmCard,
  renderProgressCard,
  renderResultCard,
  type CardOptions,
} from '../cards/render';
import type { SignoutRequest } from '../domain/types';

/** The one card that shows a request's current state, so every path shows the same truth. */
export function cardFor(req: SignoutRequest, o: CardOptions = {}): object {
  if (req.status === 'pending' && req.choices) return renderChoiceCard(req.source ?? '', req.choices, req.id);
  if (req.status === 'pending' || req.status === 'approved') return renderConfirmCard(req, o);
  if (req.status === 'running' && req.targets.length > 1) return renderProgressCard(req, o);
  return renderResultCard(req, o);
}
