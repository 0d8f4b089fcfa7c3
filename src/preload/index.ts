import { contextBridge } from 'electron';
import type { StashMirrorApi } from './index.d';

// Replaced at build time (electron.vite.config.ts) from package.json.
declare const __APP_VERSION__: string;

// Only plain data crosses the bridge; ipcRenderer itself is never exposed.
const api: StashMirrorApi = { version: __APP_VERSION__ };

contextBridge.exposeInMainWorld('stashMirror', api);
