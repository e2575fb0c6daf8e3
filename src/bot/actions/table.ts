import type { RegisteredAction } from './action';
import { alertBlock } from './alertBlock';
import { alertConfirmCompromised } from './alertConfirmCompromised';
import { alertDismiss } from './alertDismiss';
import { alertSignout } from './alertSignout';
import { approve } from './approve';
import { checkSignIns } from './checkSignIns';
import { cancel } from './cancel';
import { choose } from './choose';
import { confirm } from './confirm';
import { reject } from './reject';

/** Every verb the bot's cards carry, each with its handler (src/bot/app.ts registers them). */
export const CARD_ACTIONS: readonly RegisteredAction[] = [
  confirm,
  cancel,
  approve,
  reject,
  choose,
  alertSignout,
  alertBlock,
  alertConfirmCompromised,
  alertDismiss,
  checkSignIns,
];
