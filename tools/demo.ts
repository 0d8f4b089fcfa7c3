/**
 * `npm run demo`: the main job without a Stash server. Starts the fake Stash with the sample
 * library, runs the real `sync:stash` command against it, then stops the server.
 * Extra arguments go to sync:stash (e.g. `--db ./demo.db --json`).
 */
import { runSyncCommand } from '../src/cli/sync-stash';
import { createClock, generateLibrary, SAMPLE_SIZE, startFakeStash } from './fake-stash';

const library = generateLibrary({ seed: 1, size: SAMPLE_SIZE, clock: createClock({ mode: 'real' }) });
const stash = await startFakeStash({ library });
process.stderr.write(`Demo Stash with ${library.scenes.size} scenes and ${library.markers.size} markers at ${stash.url}\n`);
try {
  process.exitCode = await runSyncCommand(['--stash-url', stash.url, ...process.argv.slice(2)]);
} finally {
  await stash.close();
}
