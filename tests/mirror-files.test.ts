/**
 * The mirror's files: private modes, a foreign SQLite database left untouched, no file made by a
 * search or by bad arguments, and a mirror that can only be read.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteMirrorStore } from '../src/core/db/sqlite-store';
import { MIRROR_APPLICATION_ID } from '../src/core/db/sqlite-file';
import { makePrivateDir } from '../src/core/paths';
import { searchMarkers } from '../src/core/search/search';
import { PROJECT_ROOT, runCli, type CliResult } from './support/cli';
import { startHarness, type Harness } from './support/harness';

const SYNC = 'src/cli/sync-stash.ts';
const SEARCH = 'src/cli/search.ts';
const SERVE = 'src/server/main.ts';
let folder: string;
let h: Harness | undefined;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'mirror-files-'));
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  rmSync(folder, { recursive: true, force: true });
});

/** A command run by an account that may read the project but write nowhere in the test's folder. */
function runAsNobody(script: string, args: string[]): Promise<CliResult> {
  return runNodeAsNobody(['--import', 'tsx', join(PROJECT_ROOT, script), ...args]);
}

function runNodeAsNobody(nodeArgs: string[]): Promise<CliResult> {
  const child = spawn('runuser', ['-u', 'nobody', '--', process.execPath, ...nodeArgs], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: tmpdir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** A script that searches the mirror through the mirror service and prints the total. */
function serviceSearch(file: string): string {
  const module = (path: string) => JSON.stringify(join(PROJECT_ROOT, path));
  return `
    import { createMirrorService } from ${module('src/core/service/mirror-service.ts')};
    import { DEFAULT_SETTINGS, MemorySettingsRepository } from ${module('src/core/service/settings.ts')};
    const service = await createMirrorService({
      settings: new MemorySettingsRepository(DEFAULT_SETTINGS), databaseFile: ${JSON.stringify(file)}, host: 'web', version: 'test',
    });
    const result = await service.searchMarkers({ perPage: 1 });
    process.stdout.write(String(result.total));
    await service.close();`;
}

const mode = (path: string) => statSync(path).mode & 0o777;
const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Runs work with the given umask where the process may set one (not in a worker thread). */
function withUmask<T>(mask: number, work: () => T): T {
  let previous: number | null = null;
  try {
    previous = process.umask(mask);
  } catch {
    // Worker threads cannot change the umask; the modes are then checked under the inherited one.
  }
  try {
    return work();
  } finally {
    if (previous !== null) process.umask(previous);
  }
}

/** A database of another program, as Stash's own is: a table of its own, in WAL mode or not. */
function foreignDatabase(name: string, journal: 'wal' | 'delete'): string {
  const file = join(folder, name);
  const db = new Database(file);
  db.pragma(`journal_mode = ${journal}`);
  db.exec(`CREATE TABLE scenes (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO scenes (title) VALUES ('kept')`);
  db.close();
  return file;
}

describe('the mirror files are the owner’s alone', () => {
  it('creates the folders 0700 and the mirror, -wal, -shm and lock 0600 whatever the umask', async () => {
    const file = join(folder, 'data', 'nested', 'mirror.db');
    const store = withUmask(0, () => SqliteMirrorStore.open({ file }));
    try {
      const lock = await withUmask(0, () => store.acquireSyncLock());
      await lock.release();
      expect(mode(join(folder, 'data'))).toBe(0o700);
      expect(mode(join(folder, 'data', 'nested'))).toBe(0o700);
      for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}.sync-lock`]) expect(mode(path), path).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('narrows an existing mirror and lock file that others could open', async () => {
    const file = join(folder, 'mirror.db');
    await SqliteMirrorStore.open({ file }).close();
    chmodSync(file, 0o644);
    writeFileSync(`${file}.sync-lock`, '');
    chmodSync(`${file}.sync-lock`, 0o666);
    const store = SqliteMirrorStore.open({ file });
    try {
      await (await store.acquireSyncLock()).release();
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}.sync-lock`)).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('refuses a lock file another account owns, since its owner could hold a lock on it forever', async () => {
    const file = join(folder, 'mirror.db');
    const store = SqliteMirrorStore.open({ file });
    try {
      writeFileSync(`${file}.sync-lock`, '');
      chownSync(`${file}.sync-lock`, 65534, 65534);
      await expect(store.acquireSyncLock()).rejects.toThrow(/sync-lock belongs to another account/);
    } finally {
      await store.close();
    }
  });

  it('the CLI creates its default data folder 0700, and the headless host its data folder', async () => {
    const result = await runCli(SEARCH, ['sun'], { XDG_CONFIG_HOME: join(folder, 'config') });
    expect(result.code).toBe(1);
    h = await startHarness();
    const synced = await runCli(SYNC, ['--stash-url', h.fake.url, '--entities', 'tags'], { XDG_CONFIG_HOME: join(folder, 'config') });
    expect(synced.code).toBe(0);
    expect(mode(join(folder, 'config'))).toBe(0o700);
    expect(mode(join(folder, 'config', 'Stash Mirror'))).toBe(0o700);
    expect(mode(join(folder, 'config', 'Stash Mirror', 'stash-mirror.db'))).toBe(0o600);
    withUmask(0, () => makePrivateDir(join(folder, 'host', 'data')));
    expect(mode(join(folder, 'host'))).toBe(0o700);
    expect(mode(join(folder, 'host', 'data'))).toBe(0o700);
  });
});

describe('a SQLite database that is not a mirror', () => {
  for (const journal of ['wal', 'delete'] as const) {
    it(`is refused byte for byte unchanged, with no file beside it (${journal} journal)`, async () => {
      const file = foreignDatabase('stash-go.sqlite', journal);
      const before = hash(file);
      const listing = readdirSync(folder);
      expect(() => SqliteMirrorStore.open({ file })).toThrow(/database of another program, not a Stash Mirror/);
      const sync = await runCli(SYNC, ['--stash-url', 'http://127.0.0.1:9', '--db', file]);
      expect(sync.code).toBe(1);
      expect(sync.stderr.trim().split('\n')).toEqual([
        `sync:stash failed: ${file} is a SQLite database of another program, not a Stash Mirror; it was left untouched`,
      ]);
      const search = await runCli(SEARCH, ['--db', file, 'sun']);
      expect(search.code).toBe(1);
      expect(search.stderr).toMatch(/not a Stash Mirror/);
      expect(hash(file)).toBe(before);
      expect(readdirSync(folder)).toEqual(listing);
    });
  }

  it('is refused untouched when it is too large to inspect from a copy in memory', () => {
    const file = foreignDatabase('huge.sqlite', 'wal');
    // Sparse: past 2 GiB, yet nothing written to disk.
    truncateSync(file, 2.5 * 1024 ** 3);
    const { size, mtimeMs } = statSync(file);
    const listing = readdirSync(folder);
    expect(() => SqliteMirrorStore.open({ file })).toThrow(
      /cannot be inspected without writing beside it \(too large to read into memory\); it was left untouched/,
    );
    expect(statSync(file)).toMatchObject({ size, mtimeMs });
    expect(readdirSync(folder)).toEqual(listing);
  });

  it('is refused when it is no SQLite file at all', () => {
    const file = join(folder, 'notes.txt');
    writeFileSync(file, 'not a database, but precious\n');
    expect(() => SqliteMirrorStore.open({ file })).toThrow(/not a SQLite database/);
    expect(readFileSync(file, 'utf8')).toBe('not a database, but precious\n');
  });

  it('an empty file becomes a mirror, marked with the application id', async () => {
    const file = join(folder, 'empty.db');
    writeFileSync(file, '');
    await SqliteMirrorStore.open({ file }).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(MIRROR_APPLICATION_ID);
    db.close();
  });

  it('a mirror made before the application id still opens, and gets it', async () => {
    const file = join(folder, 'older.db');
    const store = SqliteMirrorStore.open({ file });
    store.db.pragma('application_id = 0');
    await store.close();
    const reopened = SqliteMirrorStore.open({ file });
    expect(reopened.db.pragma('application_id', { simple: true })).toBe(MIRROR_APPLICATION_ID);
    await reopened.close();
  });
});

describe('commands that must not create a mirror', () => {
  it('search on a missing path says there is no mirror and how to sync one, creating nothing', async () => {
    const db = join(folder, 'absent', 'mirror.db');
    const result = await runCli(SEARCH, ['--db', db, 'sun']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`No mirror at ${db}: sync one first with npm run sync:stash -- --db "${db}"`);
    expect(existsSync(join(folder, 'absent'))).toBe(false);
  });

  it('bad arguments exit 2 before any file or folder is made', async () => {
    const db = join(folder, 'new', 'mirror.db');
    const runs = [
      await runCli(SEARCH, ['--db', db, '--per-page', '0', 'sun']),
      await runCli(SEARCH, ['--db', db, '--from', 'yesterday']),
      await runCli(SYNC, ['--stash-url', 'http://127.0.0.1:9', '--db', db, '--entities', 'galleries']),
      await runCli(SYNC, ['--stash-url', 'http://127.0.0.1:9', '--db', db, '--no-such-option']),
      await runCli(SERVE, ['--data-dir', join(folder, 'new'), '--port', 'eighty']),
    ];
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    for (const run of runs) expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(folder, 'new'))).toBe(false);
  });
});

describe('a mirror that can only be read', () => {
  async function syncedMirror(): Promise<string> {
    h = await startHarness();
    const file = join(folder, 'ro', 'mirror.db');
    const synced = await runCli(SYNC, ['--stash-url', h.fake.url, '--db', file]);
    expect(synced.code).toBe(0);
    return file;
  }

  it('opened read-only: searchable, never synced, left unchanged', async () => {
    const file = await syncedMirror();
    const before = hash(file);
    const store = SqliteMirrorStore.open({ file, readOnly: true });
    try {
      expect(store.readOnly).toBe(true);
      const result = await searchMarkers(store, { perPage: 5 });
      expect(result.total).toBe(h!.library.markers.size);
      await expect(store.acquireSyncLock()).rejects.toThrow(/read-only here: it can be searched, not synced/);
    } finally {
      await store.close();
    }
    expect(hash(file)).toBe(before);
  });

  it('a 0444 mirror in a 0555 folder is searched by an account that cannot write there', async () => {
    const file = await syncedMirror();
    const dir = join(folder, 'ro');
    for (const side of ['-wal', '-shm']) rmSync(`${file}${side}`, { force: true });
    chmodSync(file, 0o444);
    chmodSync(dir, 0o555);
    chmodSync(folder, 0o755);
    const before = hash(file);
    const listing = readdirSync(dir);
    try {
      const search = await runAsNobody(SEARCH, ['--db', file, '--json', '--per-page', '3']);
      expect(search.stderr).toBe('');
      expect(search.code).toBe(0);
      expect(JSON.parse(search.stdout).total).toBe(h!.library.markers.size);
      // The app's mirror service opens its SQLite mirror the same way.
      const service = await runNodeAsNobody(['--import', 'tsx', '--input-type=module', '-e', serviceSearch(file)]);
      expect(service.stderr).toBe('');
      expect(Number(service.stdout)).toBe(h!.library.markers.size);
      expect(readdirSync(dir)).toEqual(listing);
      expect(hash(file)).toBe(before);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
