import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts its own fake Stash and database; files run in parallel processes.
    pool: 'forks',
    reporters: ['default', './tests/support/closing-line-reporter.ts'],
  },
});
