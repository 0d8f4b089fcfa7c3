/**
 * What every settings repository promises the service, checked on each: the API key stays with its
 * server, and a save that fails changes nothing, in memory or on disk.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, MemorySettingsRepository, type SettingsRepository } from '../src/core/service/settings';
import { EncryptedSettingsRepository, type KeyValueStore, type SecretCipher } from '../src/main/encrypted-settings';
import { ConfSettingsRepository } from '../src/server/conf-settings';

const KEY = 'key-of-the-first-server';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stash-mirror-repo-'));
  dirs.push(dir);
  return dir;
}

/** A JSON file that can be made to fail its writes, as a full disk would. */
class FailingFileStore implements KeyValueStore {
  full = false;
  constructor(readonly file: string) {}
  get(key: string): unknown {
    return existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>)[key] : undefined;
  }
  set(key: string, value: unknown): void {
    if (this.full) throw new Error('ENOSPC: no space left on device, write');
    writeFileSync(this.file, JSON.stringify({ [key]: value }));
  }
}

/** Reversible, not secret: these tests are about what is kept, not how it is encrypted. */
const plainCipher: SecretCipher = {
  available: () => true,
  encrypt: (plain) => Buffer.from(plain, 'utf8').reverse(),
  decrypt: (encrypted) => Buffer.from(encrypted).reverse().toString('utf8'),
};

interface Subject {
  repository: SettingsRepository;
  /** A new repository on the same storage: what the next start reads. */
  reopen(): SettingsRepository;
  /** From now on, writes fail. */
  fillDisk(): void;
}

const subjects: Record<string, () => Subject> = {
  memory: () => {
    const repository = new MemorySettingsRepository(DEFAULT_SETTINGS);
    return { repository, reopen: () => repository, fillDisk: () => {} };
  },
  conf: () => {
    const dir = tempDir();
    const repository = new ConfSettingsRepository({ dataDir: dir });
    return {
      repository,
      // The key lives in this process only: the next start is seeded with what it held.
      reopen: () => repository,
      // conf writes the whole file in set(); a full disk makes that throw.
      fillDisk: () =>
        vi.spyOn(Conf.prototype, 'set').mockImplementation(() => {
          throw new Error('ENOSPC: no space left on device, write');
        }),
    };
  },
  encrypted: () => {
    const store = new FailingFileStore(join(tempDir(), 'settings.json'));
    return {
      repository: new EncryptedSettingsRepository(store, plainCipher),
      reopen: () => new EncryptedSettingsRepository(store, plainCipher),
      fillDisk: () => (store.full = true),
    };
  },
};

describe.each(Object.keys(subjects))('%s settings repository', (name) => {
  const subject = subjects[name]!;

  it('drops the API key when the Stash address moves to another server, unless a key comes with it', async () => {
    const { repository, reopen } = subject();
    await repository.save({ stashUrl: 'http://127.0.0.1:9999/graphql', apiKey: KEY });
    // Same origin, another path (or spelled as a bare origin): the same server keeps its key.
    expect((await repository.save({ stashUrl: 'http://127.0.0.1:9999/' })).apiKey).toBe(KEY);
    expect((await reopen().load()).apiKey).toBe(KEY);

    expect((await repository.save({ stashUrl: 'http://127.0.0.1:8888/graphql' })).apiKey).toBeNull();
    expect((await reopen().load()).apiKey).toBeNull();

    expect((await repository.save({ stashUrl: 'http://127.0.0.1:7777', apiKey: 'second-key' })).apiKey).toBe('second-key');
    expect((await reopen().load()).apiKey).toBe('second-key');
  });

  it('keeps the picture cache on, 4 GB, without previews until told otherwise, and keeps what it is told', async () => {
    const { repository, reopen } = subject();
    expect((await repository.load()).media).toEqual({ enabled: true, budgetGb: 4, includePreviews: false });
    const media = { enabled: false, budgetGb: 0.5, includePreviews: true };
    expect((await repository.save({ media })).media).toEqual(media);
    expect((await reopen().load()).media).toEqual(media);
  });

  it.skipIf(name === 'memory')('changes nothing when the save fails to write', async () => {
    const { repository, reopen, fillDisk } = subject();
    const before = await repository.save({ stashUrl: 'http://127.0.0.1:9999/graphql', apiKey: KEY });
    fillDisk();
    await expect(repository.save({ stashUrl: 'http://127.0.0.1:8888/graphql', apiKey: 'new-key', entities: ['tags'] })).rejects.toThrow(/ENOSPC/);
    expect(await repository.load()).toEqual(before);
    expect(await reopen().load()).toEqual(before);
  });
});
