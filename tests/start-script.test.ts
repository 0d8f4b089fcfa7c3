/** `npm start` where the Electron binary was never downloaded (an offline install): one line, no stack trace. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './support/cli';

const binaryAbsent = !existsSync(join(PROJECT_ROOT, 'node_modules', 'electron', 'path.txt'));

describe.skipIf(!binaryAbsent)('npm start without the Electron binary', () => {
  it('says in one line how to get it, tries no download and exits 1', () => {
    const run = spawnSync('npm', ['start', '--silent'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      'npm start: the Electron binary is not installed; get it with `node node_modules/electron/install.js` (needs the network), then run `npm run rebuild:electron`',
    ]);
  });
});
