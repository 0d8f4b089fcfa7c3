// npm start: opens the desktop app, or says in one line how to get Electron's binary, which an
// offline `npm ci` leaves out. Checked here because electron's own entry point, asked for the
// binary's path, starts a download and ends in a stack trace when that fails.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Where electron would find its binary, the way its index.js looks, without downloading. */
function electronBinaryPresent() {
  let folder;
  try {
    folder = dirname(require.resolve('electron/package.json'));
  } catch {
    return false;
  }
  const pathFile = join(folder, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron';
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return existsSync(join(process.env.ELECTRON_OVERRIDE_DIST_PATH, executable));
  return existsSync(pathFile) && existsSync(join(folder, 'dist', executable));
}

if (!electronBinaryPresent()) {
  console.error(
    'npm start: the Electron binary is not installed; get it with `node node_modules/electron/install.js` (needs the network), then run `npm run rebuild:electron`',
  );
  process.exit(1);
}

const child = spawn(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'preview', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
child.on('close', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
