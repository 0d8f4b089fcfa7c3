/**
 * The desktop app's main process: the window, the tray, settings with the keychain, and the
 * contract's IPC. The mirror service itself runs in a utility process (mirror-process.ts).
 */
import { dirname, join } from 'node:path';
import { app, BrowserWindow, dialog, Notification, session, utilityProcess } from 'electron';
import { DEFAULT_DB_FILENAME } from '../core/paths';
import { SYNC_PROCESS_FLAGS } from '../core/runtime-flags';
import { utilityProcessChannel } from '../shared/rpc-channels';
import type { SyncStatus } from '../shared/contract';
import { openAppLog } from './app-log';
import { appPaths } from './app-paths';
import { registerAppScheme, serveAppFiles } from './app-protocol';
import { createElectronSettings } from './electron-settings';
import { registerIpcHandlers, sendToAllWindows } from './ipc';
import { MirrorSupervisor, type MirrorProcessHandle } from './mirror-supervisor';
import { AppTray } from './tray';
import { UnwatchedSyncWatcher, type TrayAction } from './tray-model';
import { blockNavigation, installWebSecurity } from './web-security';
import { createMainWindow, isAppPage } from './window';

/** Set once the user really quits: until then closing the window only hides it. */
let quitting = false;
let window: BrowserWindow | null = null;
let supervisor: MirrorSupervisor | null = null;
const log = openAppLog();
const logger = log.logger.child('main');

function showWindow(): void {
  if (!window || window.isDestroyed()) window = createMainWindow(() => quitting);
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function launchMirrorProcess(): MirrorProcessHandle {
  const child = utilityProcess.fork(appPaths.mirrorProcess, [], {
    serviceName: 'Stash Mirror service',
    stdio: 'inherit',
    execArgv: SYNC_PROCESS_FLAGS,
  });
  return { channel: utilityProcessChannel(child), kill: () => child.kill() };
}

function reloadAllWindows(): void {
  for (const open of BrowserWindow.getAllWindows()) if (!open.isDestroyed()) open.webContents.reload();
}

function notify(message: { title: string; body: string }): void {
  if (Notification.isSupported()) new Notification(message).show();
}

async function start(): Promise<void> {
  logger.info(`Stash Mirror ${app.getVersion()} is starting`);
  const webPolicy = installWebSecurity(session.defaultSession);
  const settings = createElectronSettings(log.logger.child('settings'));
  serveAppFiles(session.defaultSession, dirname(appPaths.renderer), webPolicy.policy, {
    // A cache the mirror process cannot read (it is restarting) is no cache: Stash is asked instead.
    lookup: (stashPath) => supervisor?.lookupPicture(stashPath).catch(() => null) ?? null,
    settings: () => settings.load(),
  });
  webPolicy.update(await settings.load());
  settings.onChange((next) => {
    const before = webPolicy.stashOrigin();
    webPolicy.update(next);
    // A page keeps the policy it was loaded with: reload it so images from the new server show.
    // After a moment, so the save's answer reaches the page first.
    if (webPolicy.stashOrigin() !== before) setTimeout(reloadAllWindows, 500);
  });

  const watcher = new UnwatchedSyncWatcher();
  let tray: AppTray | null = null;
  const onStatus = (status: SyncStatus): void => {
    watcher.onStatus(status);
    tray?.update(status);
  };

  const mirror = new MirrorSupervisor({
    launch: launchMirrorProcess,
    start: {
      databaseFile: join(app.getPath('userData'), DEFAULT_DB_FILENAME),
      host: 'electron',
      version: app.getVersion(),
      migrationsFolder: appPaths.sqliteMigrations(),
      pgMigrationsFolder: appPaths.pgMigrations(),
      nativeBinding: appPaths.sqliteNativeBinding(),
    },
    settings,
    onEvent(event, payload) {
      if (event === 'syncStatus') onStatus(payload as SyncStatus);
      if (event === 'syncFinished') {
        const windowVisible = BrowserWindow.getAllWindows().some((window) => window.isVisible());
        const failure = watcher.onFinished(payload as Parameters<UnwatchedSyncWatcher['onFinished']>[0], { windowVisible });
        if (failure) notify(failure);
      }
      sendToAllWindows(event, payload);
    },
    logger: log.logger.child('supervisor'),
    onLog: log.sink,
  });
  supervisor = mirror;
  registerIpcHandlers({ supervisor: mirror, stashOrigin: webPolicy.stashOrigin, isAppPage });

  const actions: Record<TrayAction, () => void> = {
    open: showWindow,
    // The outcome arrives as a syncFinished event, like any other sync's.
    syncNow: () => void mirror.service.syncNow().catch((error: Error) => logger.error(`Sync from the tray failed: ${error.message}`)),
    quit: () => app.quit(),
  };
  tray = new AppTray(appPaths.icons(), (action) => actions[action]());
  mirror.service.getSyncStatus().then(onStatus, (error: Error) => logger.error(`The first sync status could not be read: ${error.message}`));

  showWindow();
}

// One app per user: a second launch shows the running one's window.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  blockNavigation();
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  // The tray keeps the app running with no window open.
  app.on('window-all-closed', () => {});
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (event) => {
    if (!supervisor) return;
    // Close the database cleanly (and end a running sync) before the process goes.
    event.preventDefault();
    const closing = supervisor;
    supervisor = null;
    void closing.close().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((error: Error) => {
      logger.error(`Stash Mirror could not start: ${error.message}`);
      dialog.showErrorBox('Stash Mirror could not start', error.message);
      app.exit(1);
    });
}
