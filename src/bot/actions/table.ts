import type { RegisteredAction } from './action';
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
  checkSignIns,
];
