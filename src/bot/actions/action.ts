import { z } from 'zod';
import { GUID_PATTERN } from '../../domain/guid';
import type { Person } from '../../domain/types';
import type { ActivityInfo } from '../../signout/activityInfo';
import type { AlertClicks } from '../../signout/alertClicks';
import type { ClickAnswer } from '../../signout/clickedRequest';
import type { RequestAssessor } from '../../signout/requestAssessor';
import type { RequestService } from '../../signout/requestService';
import type { SignInCheckRequests } from '../../signout/signInCheckRequests';
import type { Guard } from '../guard';

/** A click the guard has admitted: what is known of it, and the admin who clicked. */
export interface Click {
  info: ActivityInfo;
  caller: Person;
}

/** What the card actions use. */
export interface ActionDeps {
  requests: Omit<RequestService, 'create'>;
  guard: Pick<Guard, 'isApprover' | 'refuse'>;
  assessor: Pick<RequestAssessor, 'assess'>;
  /** the buttons of alert cards (risky users, submitted alerts) */
  alertClicks: Pick<AlertClicks, 'act'>;
  /** "Check sign-ins" */
  signInChecks: Pick<SignInCheckRequests, 'check'>;
}

/** Every request card's buttons carry the id of their request (a UUID, as the bot made it). */
export const requestId = z
  .string()
  .regex(GUID_PATTERN)
  .transform((id) => id.toLowerCase());

/**
 * A value typed into the card (a confirmation phrase, a reason): text when it is text. Anything else is
 * treated as not typed, which the request's own checks then answer (e.g. "That doesn't match").
 */
export const typedText = z.string().optional().catch(undefined);

/** One verb of the cards (`Action.Execute`), with the shape of its data and its handler. */
export interface CardAction<T> {
  verb: string;
  /** what the clicker tries, for a refusal: "confirm a sign-out" */
  what: string;
  /** checks the click's data, which anyone can forge; a click whose data does not fit is refused */
  data: z.ZodType<T, z.ZodTypeDef, unknown>;
  handle(click: Click, data: T, d: ActionDeps): Promise<ClickAnswer>;
}

/** A card action as the table holds it: its data checked before its handler runs. */
export interface RegisteredAction {
  verb: string;
  what: string;
  /** the handler with its data bound, or undefined when the data does not fit the verb */
  bind(raw: unknown): ((click: Click, d: ActionDeps) => Promise<ClickAnswer>) | undefined;
}

export function cardAction<T>(action: CardAction<T>): RegisteredAction {
  return {
    verb: action.verb,
    what: action.what,
    bind(raw) {
      const parsed = action.data.safeParse(raw);
      if (!parsed.success) return undefined;
      const data = parsed.data;
      return (click, d) => action.handle(click, data, d);
    },
  };
}
