import { cardAction } from './action';
import { dismissClick } from './alertData';

/** "Dismiss" on a risky user's card, with the reason typed into it: Entra ID Protection dismisses the risk. */
export const alertDismiss = cardAction({
  verb: 'alert.dismiss',
  what: "dismiss a user's risk from an alert card",
  data: dismissClick,
  handle: (click, data, d) =>
    d.alertClicks.act(click.info, click.caller, 'dismiss', data, data.dismissReason),
});
