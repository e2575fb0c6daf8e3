import { msg } from './markdown';

/** Private answers to a card click that changes nothing: said to the clicker only. */

export const UNKNOWN_CARD = msg`This card is no longer valid: I have no record of its request. Ask again if still needed.`;

export const OTHER_CONVERSATION = msg`This card belongs to another conversation. Use the card where the request was made.`;

export const PICK_FIRST = msg`Pick the user you mean on the card first.`;

export const NEEDS_APPROVAL = msg`This request needs a second admin: another admin must click Approve. You can still cancel it.`;

export const WRONG_CONFIRM_TEXT = msg`That doesn't match. To sign out everyone, type the number of users in the organization or its primary domain, exactly as the card asks.`;

export const OWN_REQUEST = msg`You can't approve your own request: the two-person rule needs another admin.`;

export const OWN_REQUEST_REJECT = msg`You asked for this one: use Cancel to withdraw it.`;

export const NOT_APPROVER = msg`Sorry, you aren't one of the admins who may approve sign-outs.`;

export const REJECT_NEEDS_REASON = msg`Please give a reason for rejecting, in the box above the Reject button.`;
