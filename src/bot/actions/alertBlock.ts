import { cardAction } from './action';
import { alertClick } from './alertData';

/** "Block and sign out" on an alert card: a `--block` sign-out request, through the usual flow. */
export const alertBlock = cardAction({
  verb: 'alert.block',
  what: 'block and sign out a user from an alert card',
  data: alertClick,
  handle: (click, data, d) => d.alertClicks.act(click.info, click.caller, 'block', data),
});
