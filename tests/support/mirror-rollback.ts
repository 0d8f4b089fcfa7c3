/**
 * Mirrors as an earlier version left them: the newest migration undone by hand and dropped from
 * drizzle's ledger (so the next open applies it again), and the migration folders as that version
 * shipped them.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openMirrorStore } from '../../src/core/db/open';
import type { MirrorStore } from '../../src/core/db/store';
import type { Dialect, MirrorDatabase } from './harness';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FOLDER: Record<Dialect, string> = { sqlite: 'sqlite', postgres: 'pg' };

/** Runs `undo` (statements separated by `;`), then forgets the newest migration. */
export async function forgetNewestMigration(database: MirrorDatabase, undo: string): Promise<void> {
  if (database.dialect === 'sqlite') {
    const db = new Database(database.cliArgs[1]);
    try {
      db.exec(undo);
      db.exec('DELETE FROM __drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM __drizzle_migrations)');
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: database.cliArgs[1]! });
  await client.connect();
  try {
    await client.query(`BEGIN;\n${undo};\nCOMMIT`);
    await client.query('DELETE FROM drizzle.__drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM drizzle.__drizzle_migrations)');
  } finally {
    await client.end();
  }
}

/** `statements` run as the sync's writer, the only way past the read-only guards of the sync's own tables. */
function asSyncWriter(dialect: Dialect, statements: string[]): string[] {
  return dialect === 'sqlite'
    ? ["INSERT INTO stash_sync_writer (token) VALUES ('rollback')", ...statements, 'DELETE FROM stash_sync_writer']
    : ["SELECT set_config('stash_mirror.sync_writer', 'on', true)", ...statements, "SELECT set_config('stash_mirror.sync_writer', '', true)"];
}

/** What migration 0010 (each run's picture counts) adds, undone. */
export function undo0010(): string {
  return ['downloaded', 'already_cached', 'placeholders', 'failed', 'removed']
    .map((count) => `ALTER TABLE stash_sync_runs DROP COLUMN pictures_${count}`)
    .join(';\n');
}

/** What migration 0009 (studios, performer tags, the scenes' new columns) adds, undone, with the studios' sync state. */
export function undo0009(dialect: Dialect): string {
  return [
    'DROP TABLE stash_studios',
    'DROP TABLE stash_performer_tags',
    'DROP INDEX stash_scenes_studio_idx',
    'ALTER TABLE stash_performers DROP COLUMN favorite',
    'ALTER TABLE stash_scenes DROP COLUMN rating100',
    'ALTER TABLE stash_scenes DROP COLUMN organized',
    'ALTER TABLE stash_scenes DROP COLUMN studio_id',
    ...asSyncWriter(dialect, ["DELETE FROM stash_sync_state WHERE entity = 'studios'"]),
  ].join(';\n');
}

/**
 * Opens `database` with the migrations up to and including `lastTag` only, as the version that
 * shipped them would, and closes it after `use`: a new database gets exactly that schema.
 */
export async function withMigrationsUpTo<T>(database: MirrorDatabase, lastTag: string, use: (store: MirrorStore) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'stash-mirror-old-migrations-'));
  try {
    const folder = join(dir, FOLDER[database.dialect]);
    cpSync(join(root, 'drizzle', FOLDER[database.dialect]), folder, { recursive: true });
    const journalFile = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    const last = journal.entries.findIndex((e) => e.tag === lastTag);
    if (last < 0) throw new Error(`no migration ${lastTag}`);
    for (const later of journal.entries.slice(last + 1)) rmSync(join(folder, `${later.tag}.sql`));
    writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, last + 1) }));
    const location = database.cliArgs[1]!;
    const store = await (database.dialect === 'sqlite'
      ? openMirrorStore({ file: location, migrationsFolder: folder })
      : openMirrorStore({ databaseUrl: location, pgMigrationsFolder: folder }));
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
