import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
