// npm run sync:stash, serve and demo: runs a TypeScript entry point in a node process started with
// the V8 flags of src/core/runtime-flags.ts, which a package.json script cannot import.
//   node scripts/with-sync-flags.mjs ENTRY.ts [ARGS…]
import { spawn } from 'node:child_process';
import { tsImport } from 'tsx/esm/api';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/with-sync-flags.mjs ENTRY.ts [ARGS…]');
  process.exit(2);
}
const { SYNC_PROCESS_FLAGS } = await tsImport('../src/core/runtime-flags.ts', import.meta.url);
const child = spawn(process.execPath, [...SYNC_PROCESS_FLAGS, '--import', 'tsx', entry, ...args], { stdio: 'inherit' });

// This process waits for the command to end and passes each signal on once. A Ctrl-C reaches the
// command from the terminal and npm sends this process a copy too: forwarding every copy would make
// one Ctrl-C look like two, and a second one is how a user forces a sync to stop.
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const forwarded = new Set();
for (const signal of FORWARDED) {
  process.on(signal, () => {
    if (forwarded.has(signal)) return;
    forwarded.add(signal);
    child.kill(signal);
  });
}

child.on('close', (code, signal) => {
  if (signal) {
    // Ended by a signal: end the same way, so npm and the shell see what happened.
    for (const name of FORWARDED) process.removeAllListeners(name);
    process.kill(process.pid, signal);
  }
  process.exitCode = code ?? 1;
});
