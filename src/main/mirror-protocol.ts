/**
 * What the main process and the mirror's utility process say to each other over RPC. The service
 * runs in the utility process; the settings stay in main, where the keychain is.
 */
import type { LogRecord } from '../core/log';
import { METHOD_NAMES } from '../shared/channels';
import type { MethodName, StashMirrorEvents } from '../shared/contract';
import type { RpcMethodList } from '../shared/rpc';
import type { MirrorService, MirrorServiceOptions } from '../core/service/types';
import type { ParsedSettingsUpdate, StoredSettings } from '../core/service/settings';
import type { CachedPictureFile } from '../server/stash-picture';

/** Contract methods the utility process serves: all but openExternal, which main handles itself. */
export type ForwardedMethod = Exclude<MethodName, 'openExternal'>;

export const FORWARDED_METHODS = METHOD_NAMES.filter((m): m is ForwardedMethod => m !== 'openExternal');

/** The service's options that cross to the utility process: plain data, settings and logger excluded. */
export type MirrorProcessStart = Omit<MirrorServiceOptions, 'settings' | 'logger'>;

/** Served by the utility process. */
export interface MirrorProcessMethods extends Pick<MirrorService, ForwardedMethod> {
  /** Creates the service; called first, and again after a failed start. */
  start(options: MirrorProcessStart): Promise<void>;
  /** Closes the service (cancels a sync, closes the database) before the process is ended. */
  close(): Promise<void>;
  /** The picture cache's entry for a Stash picture path; read there, off main's thread. */
  lookupPicture(stashPath: string): Promise<CachedPictureFile | null>;
}

export const MIRROR_PROCESS_METHODS = {
  start: true,
  close: true,
  lookupPicture: true,
  getAppInfo: true,
  getSettings: true,
  updateSettings: true,
  testConnection: true,
  getSyncStatus: true,
  listSyncRuns: true,
  syncNow: true,
  cancelSync: true,
  searchMarkers: true,
  suggest: true,
  listGenders: true,
} as const satisfies RpcMethodList<MirrorProcessMethods>;

/** Served by the main process: the settings repository the service reads and writes through. */
export interface MainProcessMethods {
  loadSettings(): Promise<StoredSettings>;
  saveSettings(update: ParsedSettingsUpdate): Promise<StoredSettings>;
}

export const MAIN_PROCESS_METHODS = { loadSettings: true, saveSettings: true } as const satisfies RpcMethodList<MainProcessMethods>;

/** The contract's events, and the utility process's log records, which main writes to its log file. */
export type MirrorEvents = StashMirrorEvents & { log: LogRecord };

export type CreateMirrorService = (options: MirrorServiceOptions) => MirrorService | Promise<MirrorService>;
