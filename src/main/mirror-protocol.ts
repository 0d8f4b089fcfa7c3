/**
 * What the main process and the mirror's utility process say to each other over RPC. The service
 * runs in the utility process; the settings stay in main, where the keychain is.
 */
import type { LogRecord } from '../core/log';
import type { MethodName, StashMirrorEvents } from '../shared/contract';
import type { MirrorService, MirrorServiceOptions } from '../core/service/types';
import type { ParsedSettingsUpdate, StoredSettings } from '../core/service/settings';

/** Contract methods the utility process serves: all but openExternal, which main handles itself. */
export type ForwardedMethod = Exclude<MethodName, 'openExternal'>;

/** The service's options that cross to the utility process: plain data, settings and logger excluded. */
export type MirrorProcessStart = Omit<MirrorServiceOptions, 'settings' | 'logger'>;

/** Served by the utility process. */
export interface MirrorProcessMethods extends Pick<MirrorService, ForwardedMethod> {
  /** Creates the service; called first, and again after a failed start. */
  start(options: MirrorProcessStart): Promise<void>;
  /** Closes the service (cancels a sync, closes the database) before the process is ended. */
  close(): Promise<void>;
}

/** Served by the main process: the settings repository the service reads and writes through. */
export interface MainProcessMethods {
  loadSettings(): Promise<StoredSettings>;
  saveSettings(update: ParsedSettingsUpdate): Promise<StoredSettings>;
}

/** The contract's events, and the utility process's log records, which main writes to its log file. */
export type MirrorEvents = StashMirrorEvents & { log: LogRecord };

export type CreateMirrorService = (options: MirrorServiceOptions) => MirrorService | Promise<MirrorService>;
