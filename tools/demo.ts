/**
 * `npm run demo`: the main job without a Stash server. Starts the fake Stash with the sample
 * library, runs the real `sync:stash` command against it, then stops the server.
 * Extra arguments go to sync:stash (e.g. `--json`). The sample library goes to a mirror of its own,
 * never the default one a real Stash syncs into, unless `--db` or `--database-url` says otherwise.
 */
import { join } from 'node:path';
import { runSyncCommand } from '../src/cli/sync-stash';
import { userDataDir } from '../src/core/paths';
import { createClock, generateLibrary, SAMPLE_SIZE, startFakeStash } from './fake-stash';

const DEMO_DB_FILENAME = 'stash-mirror-demo.db';

const args = process.argv.slice(2);
const namesDatabase = args.some((a) => /^--(db|database-url)(=|$)/.test(a));
const demoDb = join(userDataDir(), DEMO_DB_FILENAME);

const library = generateLibrary({ seed: 1, size: SAMPLE_SIZE, clock: createClock({ mode: 'real' }) });
const stash = await startFakeStash({ library });
process.stderr.write(`Demo Stash with ${library.scenes.size} scenes and ${library.markers.size} markers at ${stash.url}\n`);
try {
  process.exitCode = await runSyncCommand(['--stash-url', stash.url, ...(namesDatabase ? [] : ['--db', demoDb]), ...args]);
  if (process.exitCode === 0 && !namesDatabase) {
    process.stderr.write(`Search the demo mirror: npm run search -- --db "${demoDb}" massage\n`);
  }
} finally {
  await stash.close();
}
