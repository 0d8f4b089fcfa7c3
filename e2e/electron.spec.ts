/**
 * The built desktop app (out/main/index.js, npm run build) in Electron itself: the window, the
 * preload's bridge (the contract's methods, nothing more) and the interface it serves. Skipped
 * where the Electron binary has not been downloaded.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { _electron, expect, test, type ElectronApplication } from '@playwright/test';
import { APP_NAME } from '../src/core/paths';
import { METHOD_NAMES } from '../src/shared/channels';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The binary's path, without require('electron'): that starts a download when the binary is
 * missing. electron/install.js records the binary's path in path.txt once it has fetched it.
 */
function electronBinary(): string | null {
  const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : null;
}

const executablePath = electronBinary();
const NO_ELECTRON = 'Electron binary not installed: run node node_modules/electron/install.js';

// The reason is in the title too: the list reporter prints titles of skipped tests, not reasons.
test.describe(`desktop app${executablePath === null ? ` (skipped: ${NO_ELECTRON})` : ''}`, () => {
  test.skip(executablePath === null, NO_ELECTRON);

  let app: ElectronApplication;
  let home: string;

  test.beforeAll(async () => {
    // A fresh user-data folder (the app keeps it under XDG_CONFIG_HOME on Linux, HOME elsewhere).
    home = mkdtempSync(join(tmpdir(), 'stash-mirror-electron-'));
    app = await _electron.launch({
      executablePath: executablePath!,
      args: [join(ROOT, 'out/main/index.js'), ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ELECTRON_RENDERER_URL: '' },
    });
  });

  test.afterAll(async () => {
    await app?.close();
    rmSync(home, { recursive: true, force: true });
  });

  test('opens the window with the contract bridge and nothing else', async () => {
    const window = await app.firstWindow();
    await expect(window).toHaveTitle('Stash Mirror');

    const bridge = await window.evaluate(() => {
      const api = (window as unknown as { stashMirror: Record<string, unknown> }).stashMirror;
      const globals = window as unknown as Record<string, unknown>;
      return {
        keys: Object.keys(api).sort(),
        allFunctions: Object.values(api).every((value) => typeof value === 'function'),
        exposesIpc: 'ipcRenderer' in api || 'ipcRenderer' in globals || 'require' in globals || 'process' in globals,
      };
    });
    expect(bridge.keys).toEqual([...METHOD_NAMES, 'on'].sort());
    expect(bridge.allFunctions).toBe(true);
    expect(bridge.exposesIpc).toBe(false);

    // A call goes all the way to the mirror process and back.
    const info = await window.evaluate(() =>
      (window as unknown as { stashMirror: { getAppInfo(): Promise<{ host: string }> } }).stashMirror.getAppInfo(),
    );
    expect(info.host).toBe('electron');
  });

  test('writes its log file in the user-data folder', async () => {
    test.skip(process.platform !== 'linux', 'Only on Linux is the user-data folder under the fresh XDG_CONFIG_HOME');
    await app.firstWindow();
    const file = join(home, '.config', APP_NAME, 'logs', 'stash-mirror.log');
    await expect.poll(() => (existsSync(file) ? readFileSync(file, 'utf8') : '')).toMatch(/ INFO {2}main: Stash Mirror \S+ is starting\n/);
  });

  test('shows the search and settings pages', async () => {
    const window = await app.firstWindow();
    const nav = window.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Search' })).toBeVisible();
    await nav.getByRole('link', { name: 'Settings' }).click();
    await expect(nav.getByRole('link', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
    await expect(window.getByRole('heading', { name: 'Stash server' })).toBeVisible();
  });
});
