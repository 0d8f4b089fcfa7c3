import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/core/log';
import { viewSettings } from '../src/core/service/settings';
import { EncryptedSettingsRepository, SecretStorageUnavailableError, type KeyValueStore, type SecretCipher } from '../src/main/encrypted-settings';

const API_KEY = 'eyJhbGciOiJIUzI1NiJ9.secret-api-key';
const PG_URL = 'postgres://mirror:pg-password@db.local:5432/stash';

/** A JSON file, as electron-store keeps one: what ends up on disk is what the test reads back. */
class JsonFileStore implements KeyValueStore {
  constructor(readonly file: string) {}
  get(key: string): unknown {
    return existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>)[key] : undefined;
  }
  set(key: string, value: unknown): void {
    const all = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>) : {};
    writeFileSync(this.file, JSON.stringify({ ...all, [key]: value }));
  }
  raw(): string {
    return existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
  }
}

/** Real encryption (AES-256-GCM) standing in for the keychain; `available` can be switched off. */
class TestCipher implements SecretCipher {
  private readonly key = randomBytes(32);
  isAvailable = true;
  encryptions = 0;
  available(): boolean {
    return this.isAvailable;
  }
  encrypt(plain: string): Uint8Array {
    this.encryptions++;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }
  decrypt(encrypted: Uint8Array): string {
    const data = Buffer.from(encrypted);
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'stash-mirror-settings-'));
  dirs.push(dir);
  const store = new JsonFileStore(join(dir, 'settings.json'));
  const cipher = new TestCipher();
  return { store, cipher, repository: new EncryptedSettingsRepository(store, cipher) };
}

describe('desktop settings', () => {
  it('encrypts the API key and never writes it in the clear', async () => {
    const { store, cipher, repository } = setup();
    await repository.save({ stashUrl: 'http://stash.local:9999', apiKey: API_KEY });
    expect(cipher.encryptions).toBe(1);
    expect(store.raw()).toContain('http://stash.local:9999');
    expect(store.raw()).not.toContain(API_KEY);
    expect(store.raw()).not.toContain(Buffer.from(API_KEY).toString('base64'));

    // A new repository (the next launch) decrypts it again.
    const reopened = new EncryptedSettingsRepository(store, cipher);
    expect((await reopened.load()).apiKey).toBe(API_KEY);
  });

  it('encrypts a PostgreSQL URL, which may hold a password', async () => {
    const { store, repository } = setup();
    await repository.save({ backend: { kind: 'postgres', url: PG_URL } });
    expect(store.raw()).not.toContain('pg-password');
    expect(store.raw()).not.toContain('db.local');
    expect((await new EncryptedSettingsRepository(store, new TestCipher()).load()).backend).toEqual({ kind: 'sqlite' });
    expect((await repository.load()).backend).toEqual({ kind: 'postgres', url: PG_URL });
  });

  it('refuses to store a secret without encryption, and saves nothing of that update', async () => {
    const { store, cipher, repository } = setup();
    cipher.isAvailable = false;
    await expect(repository.save({ stashUrl: 'http://other:9999', apiKey: API_KEY })).rejects.toBeInstanceOf(SecretStorageUnavailableError);
    await expect(repository.save({ apiKey: API_KEY })).rejects.toThrow(/no encrypted storage/);
    await expect(repository.save({ backend: { kind: 'postgres', url: PG_URL } })).rejects.toThrow(/PostgreSQL URL/);
    expect(store.raw()).not.toContain(API_KEY);
    expect(store.raw()).not.toContain('pg-password');
    expect((await repository.load()).stashUrl).toBeNull();

    // What is no secret is still saved: removing the key, a password-less database URL.
    await repository.save({ apiKey: null, backend: { kind: 'postgres', url: 'postgres://db.local/stash' } });
    expect((await new EncryptedSettingsRepository(store, cipher).load()).backend).toEqual({ kind: 'postgres', url: 'postgres://db.local/stash' });
  });

  it('treats ?password= in any case as a password: refused without a keychain, masked when shown', async () => {
    const { store, cipher, repository } = setup();
    cipher.isAvailable = false;
    const url = 'postgres://mirror@db.local:5432/stash?sslmode=disable&PASSWORD=query-password';
    await expect(repository.save({ backend: { kind: 'postgres', url } })).rejects.toBeInstanceOf(SecretStorageUnavailableError);
    expect(store.raw()).not.toContain('query-password');
    cipher.isAvailable = true;
    const saved = await repository.save({ backend: { kind: 'postgres', url } });
    expect(store.raw()).not.toContain('query-password');
    expect(JSON.stringify(viewSettings(saved, '/data/mirror.db'))).not.toContain('query-password');
  });

  it('keeps an unchanged key when other settings change, and removes it on request', async () => {
    const { store, cipher, repository } = setup();
    await repository.save({ apiKey: API_KEY });
    await repository.save({ periodicSync: { enabled: true, intervalMinutes: 30 }, entities: ['scenes', 'tags'] });
    expect(cipher.encryptions).toBe(1);
    const reopened = await new EncryptedSettingsRepository(store, cipher).load();
    expect(reopened).toMatchObject({ apiKey: API_KEY, periodicSync: { enabled: true, intervalMinutes: 30 }, entities: ['tags', 'scenes'] });
    await repository.save({ apiKey: null });
    expect((await new EncryptedSettingsRepository(store, cipher).load()).apiKey).toBeNull();
  });

  it('treats a key that no longer decrypts as not set', async () => {
    const { store, repository } = setup();
    await repository.save({ apiKey: API_KEY });
    const warnings: string[] = [];
    const otherKeychain = new EncryptedSettingsRepository(
      store,
      new TestCipher(),
      createLogger((record) => warnings.push(record.message)),
    );
    expect((await otherKeychain.load()).apiKey).toBeNull();
    // Said once, in the log, without the key.
    expect(warnings).toEqual([expect.stringMatching(/^The saved API key no longer decrypts/)]);
  });

  it('never shows the key or the database password to the interface', async () => {
    const { repository } = setup();
    const changes: string[] = [];
    repository.onChange((settings) => changes.push(settings.stashUrl ?? ''));
    const saved = await repository.save({ stashUrl: 'http://stash.local:9999', apiKey: API_KEY, backend: { kind: 'postgres', url: PG_URL } });
    const view = JSON.stringify(viewSettings(saved, '/data/mirror.db'));
    expect(view).not.toContain(API_KEY);
    expect(view).not.toContain('pg-password');
    expect(view).toContain('"hasApiKey":true');
    expect(changes).toEqual(['http://stash.local:9999']);
  });

  it('falls back to defaults for a damaged settings file', async () => {
    const { store, cipher } = setup();
    writeFileSync(
      store.file,
      JSON.stringify({
        settings: {
          stashUrl: 42,
          backend: { kind: 'mysql' },
          periodicSync: { enabled: 'yes' },
          entities: ['nope'],
          media: { enabled: true, budgetGb: -1 },
        },
      }),
    );
    const loaded = await new EncryptedSettingsRepository(store, cipher).load();
    expect(loaded).toMatchObject({ stashUrl: null, apiKey: null, backend: { kind: 'sqlite' }, periodicSync: { enabled: false } });
    expect(loaded.media).toEqual({ enabled: true, budgetGb: 4, includePreviews: false });
    expect(loaded.entities.length).toBeGreaterThan(0);
  });
});
