import { cardAction } from './action';
import { alertClick } from './alertData';

/** "Sign out" on an alert card: the usual sign-out request, whose confirmation card replaces the alert card. */
export const alertSignout = cardAction({
  verb: 'alert.signout',
  what: 'sign out a user from an alert card',
  data: alertClick,
  handle: (click, data, d) => d.alertClicks.act(click.info, click.caller, 'signout', data),
});
