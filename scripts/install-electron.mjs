// postinstall: fetch the Electron binary without ever failing the install.
//
// package.json's allowScripts denies electron's own install script, so an
// offline `npm ci` still succeeds; this runs that same installer under a time
// limit and turns any failure into one warning line. Only launching the app
// needs the binary: building, type-checking, tests and the CLI do not.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const TIME_LIMIT_MS = Number(process.env.ELECTRON_INSTALL_TIMEOUT_MS) || 120_000;
const MANUAL = 'run `node node_modules/electron/install.js` when online';

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('install-electron: ELECTRON_SKIP_BINARY_DOWNLOAD is set, not downloading the Electron binary.');
  process.exit(0);
}

let installer;
try {
  // Resolved from this file, not the cwd, so it finds this project's electron.
  installer = createRequire(import.meta.url).resolve('electron/install.js');
} catch {
  // e.g. `npm ci --omit=dev`: electron is a devDependency.
  console.log('install-electron: electron is not installed here, nothing to download.');
  process.exit(0);
}

const reason = await new Promise((resolve) => {
  const child = spawn(process.execPath, [installer], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: TIME_LIMIT_MS,
    killSignal: 'SIGKILL',
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.on('error', (error) => resolve(error.message));
  child.on('close', (code, signal) => {
    if (code === 0) return resolve(null);
    if (signal === 'SIGKILL') return resolve(`timed out after ${Math.round(TIME_LIMIT_MS / 1000)} s`);
    if (signal) return resolve(`installer stopped by ${signal}`);
    // The installer prints an error stack; its first line names the error.
    const firstLine = stderr.split('\n').find((line) => line.trim() !== '');
    resolve(firstLine?.trim() ?? `installer exited with code ${code}`);
  });
});

if (reason !== null) {
  console.warn(`Electron binary not downloaded (${reason}): everything but launching the app works; ${MANUAL}`);
}
process.exit(0);
