/** The README's search examples, run as written against the demo library: each must find markers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLibrary, SAMPLE_SIZE } from '../tools/fake-stash';
import { PROJECT_ROOT, runCli } from './support/cli';
import { startHarness, type Harness } from './support/harness';

/** A command line's words: double-quoted words keep their spaces (all the README uses). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const EXAMPLES = [...README.matchAll(/^npm run search -- (.+)$/gm)].map((m) => m[1]!);

let h: Harness;
beforeAll(async () => {
  // The library `npm run demo` generates: the same seed and size.
  h = await startHarness({ library: generateLibrary({ seed: 1, size: SAMPLE_SIZE }) });
  const synced = await runCli('src/cli/sync-stash.ts', ['--stash-url', h.fake.url, ...h.database.cliArgs]);
  expect(synced.code).toBe(0);
}, 120_000);
afterAll(async () => h?.close());

describe('the README’s search examples on the demo library', () => {
  it('are there', () => expect(EXAMPLES.length).toBeGreaterThanOrEqual(2));

  for (const example of EXAMPLES) {
    it(example, async () => {
      const run = await runCli('src/cli/search.ts', [...words(example), ...h.database.cliArgs, '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).total).toBeGreaterThan(0);
    });
  }
});
