/**
 * The bridge the sandboxed renderer gets as `window.stashMirror`: exactly the contract's API, one
 * function per method, and `on` for events. ipcRenderer itself is never exposed. Imports only the
 * zod-free channel names: a sandboxed preload can require nothing but 'electron'.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, METHOD_NAMES, ipcChannel } from '../shared/channels';
import type { EventName, StashMirrorApi, StashMirrorEvents, StashMirrorMethods } from '../shared/contract';

const methods = Object.fromEntries(
  METHOD_NAMES.map((method) => [method, (arg?: unknown) => ipcRenderer.invoke(ipcChannel.invoke(method), arg)]),
) as unknown as StashMirrorMethods;

function on<E extends EventName>(event: E, listener: (payload: StashMirrorEvents[E]) => void): () => void {
  // Only the contract's events: a page must not be able to listen on any other channel.
  if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`Unknown event ${String(event)}`);
  const channel = ipcChannel.event(event);
  // The IPC event object (with its sender) stays here: the page gets the payload only.
  const forward = (_event: IpcRendererEvent, payload: StashMirrorEvents[E]) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => void ipcRenderer.removeListener(channel, forward);
}

const api: StashMirrorApi = { ...methods, on };

contextBridge.exposeInMainWorld('stashMirror', api);
