// The layers of docs/architecture.md (and the README's Layout table) as import rules, so a change that crosses one fails the lint:
// - src/core is plain Node: no Electron, no React, nothing from the interface.
// - src/renderer reaches the mirror only through src/shared (not even for types), so the interface
//   never bundles or depends on the core's internals.
// - src/shared may name the storage's types, but never pulls its runtime (drivers, SQL) into the
//   preload or the interface bundle.
// tests/lint-layers.test.ts proves each rule reports what it forbids and passes what it allows.

const ELECTRON = { regex: '^electron(/.*)?$', message: 'src/core is plain Node: Electron belongs in src/main or src/preload.' };
const REACT = { regex: '^react(-dom)?(/.*)?$', message: 'src/core is plain Node: React belongs in src/renderer.' };
const RENDERER = { regex: '(^|/)renderer(/|$)', message: 'src/core must not depend on the interface (src/renderer).' };
const OUTSIDE_SHARED = {
  regex: '(^|/)(core|main|server|preload)(/|$)',
  message: 'src/renderer reaches the mirror only through src/shared (re-export what it needs there).',
};
const CORE_DB_RUNTIME = {
  regex: '(^|/)core/db(/|$)',
  allowTypeImports: true,
  message: 'src/shared may import only types from src/core/db (use `import type`): its runtime must stay out of the interface.',
};

/** A dynamic import() whose specifier matches one of the patterns. */
function dynamicImports(patterns) {
  return patterns.map(({ regex, message }) => ({ selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`, message }));
}

export const LAYER_RULES = [
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [ELECTRON, REACT, RENDERER] }],
      'no-restricted-syntax': ['error', ...dynamicImports([ELECTRON, REACT, RENDERER])],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [OUTSIDE_SHARED] }],
      'no-restricted-syntax': ['error', ...dynamicImports([OUTSIDE_SHARED])],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [CORE_DB_RUNTIME] }],
      'no-restricted-syntax': ['error', ...dynamicImports([CORE_DB_RUNTIME])],
    },
  },
];
