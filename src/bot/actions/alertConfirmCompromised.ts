import { cardAction } from './action';
import { alertClick } from './alertData';

/** "Confirm compromised" on an alert card: Entra ID Protection raises the user's risk to high. */
export const alertConfirmCompromised = cardAction({
  verb: 'alert.confirmCompromised',
  what: 'confirm a user compromised from an alert card',
  data: alertClick,
  handle: (click, data, d) => d.alertClicks.act(click.info, click.caller, 'confirmCompromised', data),
});
