/** The tray icon and its menu, drawn from tray-model.ts. */
import { join } from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { SyncStatus } from '../shared/contract';
import { trayMenu, statusLine, type TrayAction, type TrayMenuItem } from './tray-model';

/** Often enough for "5 minutes ago" to stay true. */
const REFRESH_MS = 30_000;

function menuItem(item: TrayMenuItem, act: (action: TrayAction) => void): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'separator':
      return { type: 'separator' };
    case 'label':
      return { label: item.label, enabled: false };
    case 'action':
      return { label: item.label, enabled: item.enabled, click: () => act(item.action) };
  }
}

export class AppTray {
  private readonly tray: Tray;
  private status: SyncStatus | null = null;
  private shown = '';
  private readonly timer: NodeJS.Timeout;

  constructor(
    iconsFolder: string,
    private readonly act: (action: TrayAction) => void,
  ) {
    // macOS tints a template image for light and dark menu bars; @2x is picked up by itself.
    const icon = nativeImage.createFromPath(join(iconsFolder, process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'));
    if (process.platform === 'darwin') icon.setTemplateImage(true);
    this.tray = new Tray(icon);
    this.tray.on('click', () => act('open'));
    this.timer = setInterval(() => this.render(), REFRESH_MS);
    this.render();
  }

  update(status: SyncStatus): void {
    this.status = status;
    this.render();
  }

  destroy(): void {
    clearInterval(this.timer);
    this.tray.destroy();
  }

  /** Rebuilds the native menu only when it changed: statuses arrive several times a second. */
  private render(): void {
    const state = { status: this.status, now: new Date() };
    const items = trayMenu(state);
    const key = JSON.stringify(items);
    if (key === this.shown) return;
    this.shown = key;
    this.tray.setToolTip(`Stash Mirror: ${statusLine(state)}`);
    this.tray.setContextMenu(Menu.buildFromTemplate(items.map((item) => menuItem(item, this.act))));
  }
}
