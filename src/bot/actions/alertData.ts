import { z } from 'zod';
import { MAX_DISMISS_REASON } from '../../domain/alertActions';
import { GUID_PATTERN } from '../../domain/guid';
import type { AlertClick } from '../../signout/alertClicks';

/**
 * What an alert card's buttons carry (src/cards/riskAlert.json): which card, by ids only. A risky
 * user's card names the user and the episode (the riskLastUpdatedDateTime it started with); a submitted
 * alert's card names the alert. Anything else is refused as an unknown card.
 */
const guid = z
  .string()
  .regex(GUID_PATTERN)
  .transform((id) => id.toLowerCase());

export const alertClick: z.ZodType<AlertClick, z.ZodTypeDef, unknown> = z.union([
  z.object({ alert: z.literal('risk'), userId: guid, episode: z.string().min(1).max(40) }),
  z.object({ alert: z.literal('webhook'), alertId: guid }),
]);

/** Dismiss also carries the reason typed into its card. */
export const dismissClick = z.intersection(
  alertClick,
  z.object({
    dismissReason: z
      .string()
      .max(MAX_DISMISS_REASON * 4)
      .optional()
      .catch(undefined),
  }),
);
