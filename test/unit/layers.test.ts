import { spawnSync } from 'node:child_process';
import { repoRoot } from '../support/sandbox';

/**
 * Issue 11: the layers of docs/architecture.md are enforced by `npm run lint`. Each case lints a line of
 * code as if it were a file in that folder, with the repository's own eslint.config.mjs. ESLint loads
 * that config with a dynamic import, which jest's module system refuses, so the linting runs in a child
 * process (one for all cases).
 */

const LINT_CASES = `
const { ESLint } = require('eslint');
let input = '';
process.stdin.on('data', (d) => (input += d)).on('end', async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const [file, code] of JSON.parse(input)) {
    const [result] = await eslint.lintText(code + '\\nexport const used = x;\\n', { filePath: file });
    out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
  }
  process.stdout.write(JSON.stringify(out));
});`;

function lint(cases: [string, string][]): string[][] {
  const run = spawnSync(process.execPath, ['-e', LINT_CASES], {
    cwd: repoRoot(),
    input: JSON.stringify(cases),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const FORBIDDEN: [string, string][] = [
  ['src/domain/x.ts', "import { TurnContext as x } from 'botbuilder';"],
  ['src/domain/x.ts', "import type { AuditSink as x } from '../store/auditLog';"],
  ['src/domain/x.ts', "import { Application as x } from '@microsoft/teams-ai';"],
  ['src/domain/x.ts', "import { z as x } from 'zod';"],
  ['src/graph/x.ts', "import { Application as x } from '@microsoft/teams-ai';"],
  ['src/graph/x.ts', "import { createBot as x } from '../bot/app';"],
  ['src/graph/bulk/x.ts', "import { Application as x } from '@microsoft/teams-ai';"],
  ['src/graph/bulk/x.ts', "import { createBot as x } from '../../bot/app';"],
  ['src/graph/bulk/x.ts', "import type { AuditSink as x } from '../../store/auditLog';"],
  ['src/commands/x.ts', "import { GraphApi as x } from '../graph/client';"],
  ['src/cards/x.ts', "import { CardFactory as x } from 'botbuilder';"],
  ['src/store/x.ts', "import { Application as x } from '@microsoft/teams-ai';"],
  ['src/signout/x.ts', "import { TurnContext as x } from 'botbuilder';"],
  ['src/signout/x.ts', "import { sendText as x } from '../bot/replies';"],
  ['src/signout/x.ts', "import { Application as x } from '@microsoft/teams-ai';"],
  ['src/signout/x.ts', "import { TeamsInfo as x } from 'botbuilder-core';"],
  ['src/signout/x.ts', "import { z as x } from 'zod';"],
  ['src/index.ts', "import { TeamsAdapter as x } from '@microsoft/teams-ai';"],
];

const ALLOWED: [string, string][] = [
  ['src/domain/x.ts', "import { isFinal as x } from './requestLifecycle';"],
  ['src/domain/x.ts', "import x from 'node:path';"],
  ['src/commands/x.ts', "import type { Command as x } from '../domain/command';"],
  ['src/graph/x.ts', "import type { DirectoryUser as x } from '../domain/types';"],
  ['src/graph/bulk/x.ts', "import type { TargetOutcome as x } from '../../domain/types';"],
  ['src/graph/bulk/x.ts', "import type { GraphApi as x } from '../client';"],
  ['src/store/x.ts', "import type { Storage as x } from 'botbuilder';"],
  ['src/signout/x.ts', "import type { GraphApi as x } from '../graph/client';"],
  ['src/signout/x.ts', "import { runBulkRevoke as x } from '../graph/bulk';"],
  ['src/signout/x.ts', "import type { RequestStore as x } from '../store/requestStore';"],
  ['src/signout/x.ts', "import { cardFor as x } from '../cards/cardFor';"],
  ['src/signout/x.ts', "import { parseCommand as x } from '../commands';"],
  ['src/signout/x.ts', "import type { Logger as x } from '../log';"],
  ['src/signout/x.ts', "import type { Config as x } from '../config';"],
  ['src/signout/x.ts', "import { JobEnd as x } from './jobEnd';"],
  ['src/bot/x.ts', "import { Application as x } from '@microsoft/teams-ai';"],
];

describe('layers', () => {
  const results = lint([...FORBIDDEN, ...ALLOWED]);

  it.each(FORBIDDEN.map((c, i) => [...c, i] as const))('%s may not %s', (_file, _code, i) => {
    expect(results[i]).toHaveLength(1);
  });

  it.each(ALLOWED.map((c, i) => [...c, FORBIDDEN.length + i] as const))('%s may %s', (_file, _code, i) => {
    expect(results[i]).toEqual([]);
  });
});
