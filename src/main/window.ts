/** The main window: locked down, hidden rather than closed so the tray keeps the app running. */
import { app, BrowserWindow } from 'electron';
import { appPaths } from './app-paths';
import { APP_PAGE_URL, isAppPageUrl } from './app-scheme';

// electron-vite sets this only for `electron-vite dev`.
const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;

export function isAppPage(url: string): boolean {
  if (devServerUrl && url.startsWith(devServerUrl)) return true;
  return isAppPageUrl(url);
}

export function createMainWindow(isQuitting: () => boolean): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Stash Mirror',
    width: 1200,
    height: 800,
    show: false,
    webPreferences: {
      preload: appPaths.preload,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });

  window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    if (isQuitting()) return;
    event.preventDefault();
    window.hide();
  });

  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadURL(APP_PAGE_URL);
  return window;
}
