import { join } from 'node:path';
import { app, BrowserWindow, session } from 'electron';

function createWindow(): void {
  const window = new BrowserWindow({
    title: 'Stash Mirror',
    width: 1200,
    height: 800,
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });

  window.once('ready-to-show', () => window.show());

  // electron-vite sets this only for `electron-vite dev`.
  const devServerUrl = process.env['ELECTRON_RENDERER_URL'];
  if (!app.isPackaged && devServerUrl) {
    void window.loadURL(devServerUrl);
  } else {
    void window.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  }
}

// The renderer only ever shows the app's own page: every other navigation,
// popup and permission request is refused, for all web contents.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    // The same URL is a reload (e.g. the dev server's full reload).
    if (url !== contents.getURL()) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  createWindow();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
