import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * `npm run bench [-- scenario …]`: runs the named benchmarks one after the other (each in its own
 * process), or the default set. Every scenario prints figures and asserts nothing; docs/performance.md
 * records them. A scenario's own flags go after `--` of its script, e.g.
 * `node dist/bench/load.js --rounds 6 --seconds 10`.
 */
const SCENARIOS: Record<string, { script: string; args: string[]; about: string }> = {
  bulk: { script: 'bulk.js', args: [], about: 'bulk sign-out of 1,000 and 10,000 users (about 2.5 min)' },
  slow: {
    script: 'bulk.js',
    args: ['--users', '10000', '--batch-latency', '1000-4000', '--sample', '20'],
    about: 'the 10,000-user run with each $batch taking 1–4 s (about 1 min)',
  },
  records: {
    script: 'records.js',
    args: [],
    about: 'audit appends, history over a year of the log, the CSV',
  },
  parser: { script: 'parser.js', args: [], about: 'the command parser on hostile text' },
  load: {
    script: 'load.js',
    args: [],
    about: 'help and status at 20 senders, beside a bare teams-ai bot (about 2 min)',
  },
  flood: { script: 'flood.js', args: [], about: '1,000 hostile bodies, then help again' },
  'signout-all': {
    script: 'signoutAll.js',
    args: [],
    about: 'signout all through the bot in a 100,000-user tenant, limits ×10 (15 minutes or more)',
  },
};
const DEFAULT = ['bulk', 'records', 'parser', 'load', 'flood'];

const asked = process.argv.slice(2);
if (asked.includes('--help') || asked.some((a) => !(a in SCENARIOS))) {
  console.log('usage: npm run bench [-- scenario …]   (default: ' + DEFAULT.join(' ') + ')');
  for (const [name, s] of Object.entries(SCENARIOS)) console.log(`  ${name.padEnd(8)} ${s.about}`);
  process.exit(asked.includes('--help') ? 0 : 2);
}
for (const name of asked.length ? asked : DEFAULT) {
  const { script, args } = SCENARIOS[name];
  console.log(`\n=== ${name}: node dist/bench/${script} ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [path.join(__dirname, script), ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
