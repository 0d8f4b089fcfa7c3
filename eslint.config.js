// Lint for the whole repository: typed rules for TypeScript (through the tsconfigs, found per file by
// the project service), React's hook rules for the interface, and the layer boundaries as import rules.
// Formatting is Prettier's job (npm run format:check); eslint-config-prettier turns off the rules that
// would fight it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { LAYER_RULES } from './eslint.layers.js';

export default defineConfig([
  globalIgnores(['out/**', 'dist/**', 'build/**', 'test-results/**', 'playwright-report/**', '.bench/**', 'drizzle/**', 'resources/*.png']),

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Plain .mjs scripts and this config belong to no tsconfig; they get a default program.
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs', 'resources/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // An empty block says nothing about why nothing happens there: a catch that ignores its error
      // must carry a comment saying why nothing is lost (a comment inside the block satisfies the rule).
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Unused names are noise in a diff; a leading underscore marks one kept on purpose (a handler's
      // signature, a rest sibling that drops a key).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],

      // Turned off as noise for this code base:
      // - The unsafe-* family flags every value that comes from JSON.parse, a database row, a worker
      //   message or GraphQL before zod (or the row type) narrows it; those boundaries are checked at
      //   run time and in tests, and marking each line would bury the real findings.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Template literals interpolate numbers, nulls and enums on purpose all over the log and error
      // texts; String() around each would say nothing more.
      '@typescript-eslint/restrict-template-expressions': 'off',
      // Methods passed as values are bound or arrow-defined where it matters, and the rule cannot tell
      // zod's and drizzle's static helpers from unbound instance methods.
      '@typescript-eslint/unbound-method': 'off',
      // `async` on an interface implementation keeps its promise-returning contract and turns a
      // throw into a rejection; requiring an await there would change behaviour, not style.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // JavaScript files: no types to check against.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // It warns that the React Compiler would skip memoizing a component (TanStack Virtual's
      // useVirtualizer); this build runs no compiler, so there is nothing to act on.
      'react-hooks/incompatible-library': 'off',
    },
  },
  {
    files: ['tests/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      // Tests read JSON answers field by field and the assertions are the check; typing every
      // response body would repeat the contract for no gain.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['e2e/**/*.ts'],
    // Playwright's page.evaluate bodies run in the page.
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },

  ...LAYER_RULES,

  prettier,
]);
