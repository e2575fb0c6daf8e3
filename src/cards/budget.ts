import { renderTemplate } from './template';

/**
 * Teams refuses a message over about 28 KB; the card gets this much of it, the rest is the activity's
 * envelope. Lists that could outgrow it (show all, history) are cut to fit, with "…and N more".
 */
export const MAX_CARD_BYTES = 26_000;

/** Size of a card as Teams counts it: UTF-8 bytes of its JSON. */
export function cardBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/**
 * Shrinks a list (through `set(k)`, which shows its first k items) until the rendered card fits
 * MAX_CARD_BYTES. Each round cuts by the measured overflow over the average item size, so it converges in
 * a few renders.
 */
export function fitToBudget(template: object, data: object, count: number, set: (k: number) => void): void {
  const size = () => cardBytes(renderTemplate(template, data));
  let k = count;
  let current = size();
  if (current <= MAX_CARD_BYTES) return;
  set(0);
  const base = size();
  while (current > MAX_CARD_BYTES && k > 0) {
    const perItem = Math.max(1, (current - base) / k);
    k = Math.max(0, Math.min(k - 1, Math.floor((MAX_CARD_BYTES - base) / perItem)));
    set(k);
    current = size();
  }
}
