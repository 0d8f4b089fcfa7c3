/**
 * The mirror service: database, sync engine, scheduler and search behind the contract's methods.
 * Plain Node; the desktop app runs it in a utility process, the headless host in its own process,
 * the tests in theirs.
 */
import type { AppInfo, StashMirrorEvents, StashMirrorMethods } from '../../shared/contract';
import type { SettingsRepository } from './settings';

/** Everything a window may call, except opening a browser, which only a host can do. */
export interface MirrorService extends Omit<StashMirrorMethods, 'openExternal'> {
  on<E extends keyof StashMirrorEvents>(event: E, listener: (payload: StashMirrorEvents[E]) => void): () => void;
  /** The configured Stash origin (for a host's checks and image policy), or null. */
  stashOrigin(): Promise<string | null>;
  /** Cancels a running sync, stops the scheduler, closes the database. */
  close(): Promise<void>;
}

export interface MirrorServiceOptions {
  settings: SettingsRepository;
  /** The embedded SQLite mirror, used when the settings choose SQLite. */
  databaseFile: string;
  host: AppInfo['host'];
  version: string;
  /** Migration folders, when not beside the source (a bundled build). */
  migrationsFolder?: string;
  pgMigrationsFolder?: string;
}
