// @ts-check
/**
 * npm run lint: ESLint (this file) and dependency-cruiser (.dependency-cruiser.cjs). A modest rule set: the
 * recommended rules, promises that are awaited or explicitly voided (type-aware), query builders only in src/db,
 * and the workflow sandbox's import rules.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' };
const browserGlobals = {
  window: 'readonly',
  document: 'readonly',
  fetch: 'readonly',
  URL: 'readonly',
  console: 'readonly',
};

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', '.cache/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Our wrapped errors quote the cause's message on purpose (usage text, what to do next).
      'preserve-caught-error': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise is awaited, returned, or explicitly let go with `void` (and then handles its own errors).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.type='MemberExpression']" +
            '[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|mergeInto|replaceInto|selectNoFrom)$/]',
          message: 'All SQL lives in src/db: write a repository function there (db or transaction first) and call it.',
        },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox and is bundled on its own: no Node built-ins, no I/O
    // modules, nothing but the workflow API, the pure planner, the workflows' own modules and activity *types*.
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./activities/',
              allowTypeImports: true,
              message: 'Workflows import only activity types: `import type` (activities run in the worker).',
            },
            {
              regex:
                '^(?!@temporalio/workflow$|\\./|\\.\\./sync/|\\.\\./activities/|\\.\\./temporal/search-attributes\\.js$)',
              message:
                "Workflow files import only @temporalio/workflow, src/sync (the pure planner), the workflows' own " +
                'modules, search-attribute keys and activity types; no Node built-ins or I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests read JSON bodies of many shapes.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['bin/**/*.js', '**/*.cjs'],
    languageOptions: { globals: { ...nodeGlobals, module: 'writable', require: 'readonly' } },
  },
  { files: ['src/api/admin/assets/**/*.js'], languageOptions: { globals: browserGlobals } },
);
