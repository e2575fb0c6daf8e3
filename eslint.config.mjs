import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layers (docs/architecture.md): imports point down, bot → signout → graph/store/cards/commands → domain.
 * Each entry lists what a folder may import besides its own files; anything else fails `npm run lint`.
 */
function layer(folder, allowed, why) {
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: `^(?!(?:${['\\./', 'node:', ...allowed].join('|')}))`, message: why }] },
      ],
    },
  };
}
const LAYERS = [
  layer('domain', [], 'src/domain/ is pure: it imports only src/domain/ and Node built-ins.'),
  layer(
    'commands',
    ['\\.\\./domain/'],
    'src/commands/ turns text into a Command: it imports only src/domain/.',
  ),
  layer(
    'cards',
    ['\\.\\./domain/', 'adaptivecards-templating$'],
    'src/cards/ renders card templates from domain values: src/domain/ and adaptivecards-templating only.',
  ),
  layer(
    'graph',
    ['\\.\\./domain/', '\\.\\./config$', '@azure/identity$', '@microsoft/microsoft-graph-client'],
    'src/graph/ talks to Microsoft Graph: src/domain/, the config type and the Graph and identity SDKs only.',
  ),
  layer(
    // one folder deeper: its own files, the rest of src/graph/ and the same layers below
    'graph/bulk',
    [
      '\\.\\./(?!\\.\\./)',
      '\\.\\./\\.\\./domain/',
      '\\.\\./\\.\\./config$',
      '@azure/identity$',
      '@microsoft/microsoft-graph-client',
    ],
    'src/graph/bulk/ is part of src/graph/: src/graph/, src/domain/, the config type and the Graph and identity SDKs only.',
  ),
  layer(
    'store',
    ['\\.\\./domain/', '\\.\\./config$', '@azure/storage-blob$', 'botbuilder$', 'botbuilder-azure-blobs'],
    "src/store/ keeps requests and the audit log: src/domain/, the config type, botbuilder's Storage and Azure Blob only.",
  ),
  layer(
    'signout',
    [
      '\\.\\./domain/',
      '\\.\\./commands(?:/|$)',
      '\\.\\./cards/',
      '\\.\\./graph/',
      '\\.\\./store/',
      '\\.\\./log$',
      '\\.\\./config$',
    ],
    'src/signout/ holds the application services: they reach Teams only through the port src/bot/ implements, never through botbuilder or teams-ai.',
  ),
  {
    // the composition root and its settings: Teams is wired in src/bot/
    files: ['src/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?:botbuilder|botframework-|@microsoft/teams-ai)',
              message: 'Only src/bot/ (and src/store/, for Storage) use botbuilder and teams-ai.',
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', '.playground/', 'devTools/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // every post goes through src/bot/replies.ts, which takes only escaped Markdown (issue 9)
    files: ['src/**/*.ts'],
    ignores: ['src/bot/replies.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='sendActivity']",
          message:
            'Post with sendText(ctx, msg`…`) or sendCard from src/bot/replies.ts, so user text is escaped.',
        },
        {
          selector: "Property[key.name='textFormat']",
          message: 'Only src/bot/replies.ts sets textFormat.',
        },
      ],
    },
  },
  ...LAYERS,
  {
    files: ['scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // tests read JSON the bot posted; typing every card shape would add noise, not safety
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
