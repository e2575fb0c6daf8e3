import type { LocalZone } from '../domain/timeFormat';
import type { Person, ThreadLabel } from '../domain/types';
import type { ProactiveOrigin } from './teamsPort';

/**
 * What the services know of the message or click they handle, as plain values: who sent it, from
 * where, in which time zone. src/bot/ reads it off the activity.
 */
export interface ActivityInfo {
  /** the sender's Entra identity; none when the activity carries no aadObjectId */
  caller?: Person;
  /** the sender's channel account id, which every activity has */
  senderId?: string;
  tenantId?: string;
  zone?: LocalZone;
  conversationId: string;
  thread: ThreadLabel;
  /** where the security notices it causes are posted from; none without a serviceUrl */
  origin?: ProactiveOrigin;
  /** the activity's conversation reference (botbuilder's, as JSON): a request made here keeps it */
  reference: Record<string, unknown>;
  /** a card click: Teams needs its answer within about 5 s, so the notices it causes do not wait */
  click: boolean;
}
