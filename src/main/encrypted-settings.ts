/**
 * The desktop app's settings repository: plain settings in a key-value store (electron-store on
 * disk), secrets (the API key, a PostgreSQL URL with a password) encrypted by the operating
 * system's keychain and stored as base64. Without a keychain a secret is refused, never stored in
 * the clear. Store and cipher are injected: Electron's are thin adapters (electron-settings.ts).
 */
import { Backend, ENTITIES, MediaSettings, PeriodicSync, type EntityName } from '../shared/contract';
import { hasPassword } from '../core/db/database-url';
import { silentLogger, type Logger } from '../core/log';
import {
  applySettingsUpdate,
  DEFAULT_SETTINGS,
  keepsApiKey,
  type ParsedSettingsUpdate,
  type SettingsRepository,
  type StoredSettings,
} from '../core/service/settings';

export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export interface SecretCipher {
  /** False when the system offers no real encryption (e.g. Linux without a keyring). */
  available(): boolean;
  encrypt(plain: string): Uint8Array;
  decrypt(encrypted: Uint8Array): string;
}

export class SecretStorageUnavailableError extends Error {
  override readonly name = 'SecretStorageUnavailableError';
  constructor(what: string) {
    super(
      `Cannot save ${what}: this system offers no encrypted storage for secrets (on Linux, install and unlock a keyring such as GNOME Keyring or KWallet). Nothing was saved.`,
    );
  }
}

/** Under one key, as JSON. Secrets only ever appear here encrypted. */
interface PersistedSettings {
  stashUrl: string | null;
  /** base64 of the encrypted API key. */
  apiKeyEncrypted: string | null;
  /** A PostgreSQL URL is encrypted whenever it can be; in the clear only if it holds no password. */
  backend: { kind: 'sqlite' } | { kind: 'postgres'; urlEncrypted: string } | { kind: 'postgres'; url: string };
  periodicSync: PeriodicSync;
  entities: EntityName[];
  media: MediaSettings;
}

const STORE_KEY = 'settings';

export class EncryptedSettingsRepository implements SettingsRepository {
  private cached: StoredSettings | null = null;
  private readonly listeners = new Set<(settings: StoredSettings) => void>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly cipher: SecretCipher,
    /** Told when a saved secret cannot be read back, which the settings alone do not show. */
    private readonly log: Logger = silentLogger,
  ) {}

  async load(): Promise<StoredSettings> {
    this.cached ??= this.decode(this.readPersisted());
    return this.cached;
  }

  async save(update: ParsedSettingsUpdate): Promise<StoredSettings> {
    const current = await this.load();
    const persisted = this.readPersisted();
    const next = applySettingsUpdate(current, update);
    // Secrets are encrypted only when they change, so an unchanged key survives a lost keychain.
    const apiKeyEncrypted = keepsApiKey(current, update)
      ? persisted.apiKeyEncrypted
      : next.apiKey === null
        ? null
        : this.encrypt(next.apiKey, 'the API key');
    const backend = update.backend === undefined ? persisted.backend : this.encodeBackend(next.backend);
    this.store.set(STORE_KEY, {
      stashUrl: next.stashUrl,
      apiKeyEncrypted,
      backend,
      periodicSync: next.periodicSync,
      entities: next.entities,
      media: next.media,
    } satisfies PersistedSettings);
    this.cached = next;
    for (const listener of this.listeners) listener(next);
    return next;
  }

  /** Called after every save, with the new settings (secrets included: main-process use only). */
  onChange(listener: (settings: StoredSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private encrypt(plain: string, what: string): string {
    if (!this.cipher.available()) throw new SecretStorageUnavailableError(what);
    return Buffer.from(this.cipher.encrypt(plain)).toString('base64');
  }

  /** A secret that no longer decrypts (another keychain, a reinstalled system) counts as not set. */
  private decrypt(encrypted: string, what: string): string | null {
    if (!this.cipher.available()) {
      this.log.warn(`The saved ${what} cannot be read: this system offers no encrypted storage now; it counts as not set`);
      return null;
    }
    try {
      return this.cipher.decrypt(Buffer.from(encrypted, 'base64'));
    } catch {
      // The cipher's own words tell no more than this line does.
      this.log.warn(`The saved ${what} no longer decrypts (another keychain or a reinstalled system?): it counts as not set`);
      return null;
    }
  }

  private encodeBackend(backend: Backend): PersistedSettings['backend'] {
    if (backend.kind === 'sqlite') return backend;
    if (!this.cipher.available() && !hasPassword(backend.url)) return { kind: 'postgres', url: backend.url };
    return { kind: 'postgres', urlEncrypted: this.encrypt(backend.url, 'the PostgreSQL URL (it holds a password)') };
  }

  private decodeBackend(backend: PersistedSettings['backend']): Backend {
    if (backend.kind === 'sqlite') return backend;
    const url = 'url' in backend ? backend.url : this.decrypt(backend.urlEncrypted, 'PostgreSQL URL');
    // Unreadable: the embedded mirror, until the user chooses PostgreSQL again.
    return url === null ? DEFAULT_SETTINGS.backend : { kind: 'postgres', url };
  }

  private decode(persisted: PersistedSettings): StoredSettings {
    return {
      stashUrl: persisted.stashUrl,
      apiKey: persisted.apiKeyEncrypted === null ? null : this.decrypt(persisted.apiKeyEncrypted, 'API key'),
      backend: this.decodeBackend(persisted.backend),
      periodicSync: persisted.periodicSync,
      entities: persisted.entities,
      media: persisted.media,
    };
  }

  /** What the store holds, each field checked: a hand-edited or older file falls back to defaults. */
  private readPersisted(): PersistedSettings {
    const raw = this.store.get(STORE_KEY);
    const value = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof PersistedSettings, unknown>>;
    const backend = value.backend as PersistedSettings['backend'] | undefined;
    const validBackend =
      backend?.kind === 'sqlite' ||
      (backend?.kind === 'postgres' &&
        (('urlEncrypted' in backend && typeof backend.urlEncrypted === 'string') || ('url' in backend && Backend.safeParse(backend).success)));
    const entities = Array.isArray(value.entities) ? ENTITIES.filter((e) => (value.entities as unknown[]).includes(e)) : [];
    return {
      stashUrl: typeof value.stashUrl === 'string' ? value.stashUrl : null,
      apiKeyEncrypted: typeof value.apiKeyEncrypted === 'string' ? value.apiKeyEncrypted : null,
      backend: validBackend ? backend : DEFAULT_SETTINGS.backend,
      periodicSync: PeriodicSync.safeParse(value.periodicSync).data ?? DEFAULT_SETTINGS.periodicSync,
      entities: entities.length > 0 ? entities : DEFAULT_SETTINGS.entities,
      media: MediaSettings.safeParse(value.media).data ?? DEFAULT_SETTINGS.media,
    };
  }
}
