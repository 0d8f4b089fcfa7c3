/**
 * The mirror service: database, sync engine, scheduler and search behind the contract's methods.
 * Plain Node; the desktop app runs it in a utility process, the headless host in its own process,
 * the tests in theirs.
 */
import type { AppInfo, StashMirrorEvents, StashMirrorMethods, SyncOutcome, SyncRequest, SyncTrigger } from '../../shared/contract';
import type { Logger } from '../log';
import type { MediaCache } from '../media/media-cache';
import type { MediaStepRunner } from './media-after-sync';
import type { SchedulerClock } from './scheduler';
import type { SettingsRepository } from './settings';

/** Who asked for a sync: a window (the default), the periodic scheduler, or a host's HTTP API. */
export interface SyncCallOptions {
  trigger?: SyncTrigger;
}

/** Everything a window may call, except opening a browser, which only a host can do. */
export interface MirrorService extends Omit<StashMirrorMethods, 'openExternal' | 'syncNow'> {
  /** As the contract's syncNow; hosts pass the trigger when the request did not come from a window. */
  syncNow(request?: SyncRequest, options?: SyncCallOptions): Promise<SyncOutcome>;
  on<E extends keyof StashMirrorEvents>(event: E, listener: (payload: StashMirrorEvents[E]) => void): () => void;
  /** The picture cache that reads go to before Stash; null when Settings turned it off. */
  pictureCache(): MediaCache | null;
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
  /** better-sqlite3's compiled addon for this runtime, when not node_modules' own (the desktop app's Electron build). */
  nativeBinding?: string;
  /** The periodic sync's clock; tests pass a manual one. */
  schedulerClock?: SchedulerClock;
  /** The media step after each sync; tests pass their own. */
  runMediaStep?: MediaStepRunner;
  /** Where the service says what it does (syncs, settings saved, the sync's warnings); silent by default. */
  logger?: Logger;
}
