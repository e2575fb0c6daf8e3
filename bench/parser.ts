import * as os from 'node:os';
import { normalizeMessageText, parseCommand } from '../src/commands';
import { HUGE_MARKUP_TEXTS, NEAR_LIMIT_TEXTS, randomMessages } from '../test/support/hostileText';

/**
 * `npm run bench` (third part): how long the message normalizer and the command parser take on hostile
 * text, the inputs of the parser's tests. Every message goes through both, so they must stay linear.
 * Prints figures, asserts nothing.
 */

const REPEATS = 5;

/** The slowest of a few runs is reported after one warm-up, so JIT compilation is not counted. */
function slowestMs(run: () => void): number {
  run();
  let slowest = 0;
  for (let i = 0; i < REPEATS; i++) {
    const started = process.hrtime.bigint();
    run();
    slowest = Math.max(slowest, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return slowest;
}

function report(title: string, cases: [string, () => void][]): void {
  const timed = cases.map(([label, run]) => ({ label, ms: slowestMs(run) }));
  const worst = timed.reduce((a, b) => (b.ms > a.ms ? b : a));
  const total = timed.reduce((n, t) => n + t.ms, 0);
  console.log(
    `${title.padEnd(44)} ${String(cases.length).padStart(5)} inputs   worst ${worst.ms.toFixed(2).padStart(6)} ms (${worst.label})   mean ${(total / cases.length).toFixed(3)} ms`,
  );
}

console.log('Sign-out Bot parser benchmark (figures only, nothing asserted)');
console.log(`  machine       ${os.cpus().length}× ${os.cpus()[0]?.model.trim()}, Node ${process.version}`);
console.log('');
report(
  'parse: hostile text near the 4,000-char limit',
  NEAR_LIMIT_TEXTS.map(([label, text]) => [label, () => parseCommand(text)]),
);
report(
  'normalize + parse: 100,000 chars of markup',
  HUGE_MARKUP_TEXTS.map(([label, raw]) => [label, () => parseCommand(normalizeMessageText(raw))]),
);
report(
  'normalize + parse: random messages (seeded)',
  randomMessages(0x5eed, 1000).map((raw, i) => [
    `#${i}`,
    () => parseCommand(normalizeMessageText(raw, ['Sign-out Bot'])),
  ]),
);
