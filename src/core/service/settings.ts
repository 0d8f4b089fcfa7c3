/**
 * The app's settings as the mirror service uses them, and the one interface every host stores
 * them through. Hosts differ only in where secrets go: the desktop app encrypts them with the
 * operating system's keychain (Electron safeStorage) in its main process; the headless host keeps
 * the API key in memory only. The service itself never learns which.
 */
import { describeBackend } from '../db/backend';
import { normalizeStashUrl } from '../stash/client';
import { ENTITIES, type EntityName } from '../mirror-rows';
import type { Backend, MediaSettings, PeriodicSync, SettingsUpdate, SettingsView } from '../../shared/contract';

/** Settings with secrets in the clear: only ever held in memory. */
export interface StoredSettings {
  stashUrl: string | null;
  apiKey: string | null;
  backend: Backend;
  periodicSync: PeriodicSync;
  entities: EntityName[];
  media: MediaSettings;
}

export const DEFAULT_SETTINGS: StoredSettings = {
  stashUrl: null,
  apiKey: null,
  backend: { kind: 'sqlite' },
  periodicSync: { enabled: false, intervalMinutes: 60 },
  entities: [...ENTITIES],
  media: { enabled: true, budgetGb: 4, includePreviews: false },
};

/** Where settings live. `save` takes an update already validated against the contract's schema. */
export interface SettingsRepository {
  load(): Promise<StoredSettings>;
  save(update: ParsedSettingsUpdate): Promise<StoredSettings>;
}

export type ParsedSettingsUpdate = { [K in keyof SettingsUpdate]: Exclude<SettingsUpdate[K], undefined> };

export function applySettingsUpdate(current: StoredSettings, update: ParsedSettingsUpdate): StoredSettings {
  return {
    stashUrl: update.stashUrl ?? current.stashUrl,
    apiKey: keepsApiKey(current, update) ? current.apiKey : update.apiKey || null,
    backend: update.backend ?? current.backend,
    periodicSync: update.periodicSync ?? current.periodicSync,
    // Always in dependency order, without repeats.
    entities: update.entities ? ENTITIES.filter((e) => update.entities!.includes(e)) : current.entities,
    media: update.media ?? current.media,
  };
}

/**
 * Whether the saved API key stays: none comes with the update, and the Stash address keeps its
 * origin. A key belongs to its server; another server must never receive it.
 */
export function keepsApiKey(current: StoredSettings, update: ParsedSettingsUpdate): boolean {
  if (update.apiKey !== undefined) return false;
  return update.stashUrl === undefined || sameOrigin(update.stashUrl, current.stashUrl);
}

/** Two Stash addresses on the same server, compared as the client normalizes them. */
export function sameOrigin(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  try {
    return normalizeStashUrl(a).origin === normalizeStashUrl(b).origin;
  } catch {
    // An address that does not parse is no known server: the saved key is not sent to it.
    return false;
  }
}

/** What the interface may see: no API key, no database password. */
export function viewSettings(settings: StoredSettings, sqliteFile: string): SettingsView {
  return {
    stashUrl: settings.stashUrl,
    hasApiKey: settings.apiKey !== null,
    backend: describeBackend(settings.backend, sqliteFile).view,
    periodicSync: settings.periodicSync,
    entities: settings.entities,
    media: settings.media,
  };
}

/** A repository in memory: tests, and the starting point of hosts that persist elsewhere. */
export class MemorySettingsRepository implements SettingsRepository {
  constructor(private settings: StoredSettings = DEFAULT_SETTINGS) {}

  async load(): Promise<StoredSettings> {
    return this.settings;
  }

  async save(update: ParsedSettingsUpdate): Promise<StoredSettings> {
    this.settings = applySettingsUpdate(this.settings, update);
    return this.settings;
  }
}
