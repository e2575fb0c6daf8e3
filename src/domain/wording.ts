/** Small helpers for the bot's English. Pure. */

/** 1,234 */
export function num(n: number): string {
  return n.toLocaleString('en-US');
}

/** '1 user', '2 users', '1 guest skipped' / '3 guests skipped' with `many` given. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}
