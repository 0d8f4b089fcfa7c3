/**
 * The headless host's settings: `<data-dir>/settings.json`, written with `conf`. The API key is
 * NOT in it: this host has no keychain to encrypt it with, so the key lives in memory only — seeded
 * from --api-key or STASH_API_KEY at start, replaced through updateSettings, gone when the process
 * ends. The file holds what a restart needs: the Stash address, the database choice, the periodic
 * sync and the entities (a PostgreSQL URL keeps its password, hence owner-only permissions).
 */
import Conf from 'conf';
import { z } from 'zod';
import { Backend, ENTITIES, MediaSettings, PeriodicSync } from '../shared/contract';
import {
  applySettingsUpdate,
  DEFAULT_SETTINGS,
  type ParsedSettingsUpdate,
  type SettingsRepository,
  type StoredSettings,
} from '../core/service/settings';

export const SETTINGS_FILE_NAME = 'settings';

type PersistedSettings = Omit<StoredSettings, 'apiKey'>;

/** Each field read on its own: a hand-edited file with one bad value keeps the others. */
const FIELDS = {
  stashUrl: z.string().nullable(),
  backend: Backend,
  periodicSync: PeriodicSync,
  entities: z.array(z.enum(ENTITIES)).min(1),
  media: MediaSettings,
} satisfies { [K in keyof PersistedSettings]: z.ZodType };

export interface ConfSettingsOptions {
  dataDir: string;
  /** Held in memory only. */
  apiKey?: string | null;
  /** Replaces the saved Stash address at start (the --stash-url option). */
  stashUrl?: string;
}

export class ConfSettingsRepository implements SettingsRepository {
  private readonly conf: Conf<PersistedSettings>;
  private apiKey: string | null;

  constructor(options: ConfSettingsOptions) {
    this.conf = new Conf<PersistedSettings>({
      cwd: options.dataDir,
      configName: SETTINGS_FILE_NAME,
      configFileMode: 0o600,
    });
    this.apiKey = options.apiKey || null;
    if (options.stashUrl) this.conf.set('stashUrl', options.stashUrl);
  }

  /** Where the settings are written. */
  get path(): string {
    return this.conf.path;
  }

  async load(): Promise<StoredSettings> {
    const read = <K extends keyof PersistedSettings>(key: K): PersistedSettings[K] => {
      const parsed = FIELDS[key].safeParse(this.conf.get(key));
      return parsed.success ? (parsed.data as PersistedSettings[K]) : DEFAULT_SETTINGS[key];
    };
    return {
      stashUrl: read('stashUrl'),
      apiKey: this.apiKey,
      backend: read('backend'),
      periodicSync: read('periodicSync'),
      entities: read('entities'),
      media: read('media'),
    };
  }

  async save(update: ParsedSettingsUpdate): Promise<StoredSettings> {
    const next = applySettingsUpdate(await this.load(), update);
    const { apiKey, ...persisted } = next;
    // Written first: a failed write (a full disk) leaves the key in memory as it was too.
    this.conf.set(persisted);
    this.apiKey = apiKey;
    return next;
  }
}
