/**
 * The windows' side of the contract: one ipcMain handler per method. Main validates every argument,
 * opens Stash pages itself, and forwards everything else to the mirror process.
 */
import { BrowserWindow, ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import { METHOD_NAMES, ipcChannel } from '../shared/channels';
import type { EventName, MethodName, StashMirrorEvents } from '../shared/contract';
import { isOnOrigin } from '../shared/content-policy';
import type { MarkerSearchResult } from '../core/search/query';
import { withAppScreenshots } from './app-pictures';
import { parseMethodInput } from './method-input';
import type { MirrorSupervisor } from './mirror-supervisor';

export interface IpcDependencies {
  supervisor: MirrorSupervisor;
  stashOrigin: () => string | null;
  /** Whether a frame's URL is one of the app's own pages. */
  isAppPage: (url: string) => boolean;
}

export function registerIpcHandlers({ supervisor, stashOrigin, isAppPage }: IpcDependencies): void {
  const handle = async (method: MethodName, event: IpcMainInvokeEvent, arg: unknown): Promise<unknown> => {
    // Navigation is blocked, but a frame that is not ours still gets nothing.
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isAppPage(frameUrl)) throw new Error(`Refused ${method} from ${frameUrl || 'an unknown frame'}`);
    if (method === 'openExternal') {
      const { url } = parseMethodInput(method, arg);
      if (!isOnOrigin(url, stashOrigin())) throw new Error('Only pages of the configured Stash server can be opened');
      return shell.openExternal(url);
    }
    const call = supervisor.service[method] as (arg: unknown) => Promise<unknown>;
    const result = await call(parseMethodInput(method, arg));
    // Screenshots come through the app scheme, cache first (app-pictures.ts).
    return method === 'searchMarkers' ? withAppScreenshots(result as MarkerSearchResult) : result;
  };
  for (const method of METHOD_NAMES) {
    ipcMain.handle(ipcChannel.invoke(method), (event, arg: unknown) => handle(method, event, arg));
  }
}

export function sendToAllWindows<E extends EventName>(event: E, payload: StashMirrorEvents[E]): void {
  for (const window of BrowserWindow.getAllWindows()) {
    if (!window.isDestroyed()) window.webContents.send(ipcChannel.event(event), payload);
  }
}
