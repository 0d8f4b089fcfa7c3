/** scripts/with-sync-flags.mjs: how npm's sync:stash, serve and demo get the V8 flags written once in runtime-flags.ts. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SYNC_PROCESS_FLAGS } from '../src/core/runtime-flags';
import { PROJECT_ROOT } from './support/cli';

const folder = mkdtempSync(join(tmpdir(), 'sync-flags-'));
const probe = join(folder, 'probe.ts');
writeFileSync(probe, 'const code: number = Number(process.argv[2]);\nconsole.log(JSON.stringify(process.execArgv));\nprocess.exitCode = code;\n');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function launch(...args: string[]) {
  return spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts/with-sync-flags.mjs'), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the sync process launcher', () => {
  it('runs the TypeScript entry with the sync process flags and passes its exit code on', () => {
    const run = launch(probe, '3');
    expect(run.status).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual([...SYNC_PROCESS_FLAGS, '--import', 'tsx']);
  });

  it('is what package.json runs the sync, the host and the demo with; no script spells the flags again', async () => {
    const { scripts } = (await import('../package.json', { with: { type: 'json' } })).default as { scripts: Record<string, string> };
    for (const name of ['sync:stash', 'serve', 'demo']) expect(scripts[name], name).toMatch(/^node scripts\/with-sync-flags\.mjs /);
    for (const flag of SYNC_PROCESS_FLAGS) expect(JSON.stringify(scripts)).not.toContain(flag.split('=')[0]);
  });
});
