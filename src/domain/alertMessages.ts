import { graphReference, type GraphFailure } from './graphErrors';
import { msg, type Markdown } from './markdown';

/** What the bot says about alert cards: in the security channel, and privately to whoever clicks. */

/** Graph refused the risky-users poll: a permission or the licence is missing. Said once, until it works. */
export function riskAccessDeniedNotice(f: GraphFailure, retryMinutes: number): Markdown {
  return msg`Warning: Sign-out Bot cannot read risky users from Microsoft Entra ID Protection ${graphReference(f)}. It needs the application permission IdentityRiskyUser.ReadWrite.All (or IdentityRiskyUser.Read.All) with admin consent, and the tenant needs Microsoft Entra ID P2. It tries again every ${retryMinutes} minutes and says nothing more until it works.`;
}

/** The risky-users poll works again after a refusal. */
export const RISK_ACCESS_RESTORED: Markdown = msg`Sign-out Bot can read risky users from Microsoft Entra ID Protection again: risky-user cards are back on.`;

/** A click on an alert card whose record is gone or superseded by a newer episode. */
export const STALE_ALERT_CARD: Markdown = msg`This alert card is out of date: a newer card about this user is in the security channel. Nothing was changed.`;

/** A click on an alert card whose user is no longer at risk. */
export const ALERT_CLOSED: Markdown = msg`This user's risk has ended (see the card), so there is nothing left to do from it. Nothing was changed.`;

export const SIGNOUT_ALREADY_ASKED: Markdown = msg`A sign-out was already asked from this card; its card shows where it stands. Nothing more was asked.`;

/** The user an alert card names is no longer in the directory. */
export function userGone(who: string): Markdown {
  return msg`Microsoft Graph has no user ${who} any more. Nothing was changed.`;
}

export const DISMISS_NEEDS_REASON: Markdown = msg`Give a reason to dismiss the risk: everyone in the security channel will see it. Nothing was changed.`;

/** Outcome words the card shows after a click, for everyone. */
export const CONFIRMED_OUTCOME =
  'Identity Protection now holds the user compromised: their risk is high for Entra’s own policies.';
export const DISMISSED_OUTCOME = 'Identity Protection dismissed the user’s risk.';
export const SIGNOUT_ASKED_OUTCOME = 'A sign-out request was made; its card replaced this one.';

/** Why confirm or dismiss failed, in words for the card and the clicker. */
export function riskAnswerFailed(action: 'confirm' | 'dismiss', f: GraphFailure): string {
  const what = action === 'confirm' ? 'confirm the user compromised' : 'dismiss the user’s risk';
  const hint =
    f.status === 403
      ? ' The bot needs the permission IdentityRiskyUser.ReadWrite.All with admin consent, and Microsoft Entra ID P2.'
      : f.status === 404
        ? ' Identity Protection has no record of this user.'
        : ' Try again in a moment.';
  return `Microsoft Graph refused to ${what}; nothing was changed.${hint} ${graphReference(f)}`;
}

/** The detections line when they could not be read. */
export function detectionsUnavailable(f: GraphFailure): string {
  return f.status === 403
    ? `Risk detections could not be read: the bot needs the permission IdentityRiskEvent.Read.All. ${graphReference(f)}`
    : `Risk detections could not be read right now. ${graphReference(f)}`;
}
