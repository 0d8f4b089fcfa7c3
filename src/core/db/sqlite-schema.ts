/**
 * The SQLite mirror's schema as this version's migrations make it: applying them (refusing a
 * mirror a newer version migrated), the check a read-only mirror must pass, and the secondary
 * indexes and read-only triggers they create, which the store builds back when they are missing.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { ROW_TABLES } from './mirror-sql';
import { MirrorSchemaError } from './store';
import { newestKnownMigration, readJournal, refuseNewerSchema } from './store-core';

export interface SchemaObject {
  name: string;
  sql: string;
}

export interface SecondaryIndex extends SchemaObject {
  table: string;
}

export function secondaryIndexesOf(db: Database.Database): SecondaryIndex[] {
  const tables = ROW_TABLES.map((t) => `'${t}'`).join(', ');
  // Primary keys' automatic indexes have no SQL and are never dropped.
  return db
    .prepare(
      `SELECT name, tbl_name AS "table", sql FROM sqlite_master
       WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables}) ORDER BY name`,
    )
    .all() as SecondaryIndex[];
}

/** The secondary indexes and triggers the migrations create, read off a mirror migrated in memory. */
const expectedSchemaCache = new Map<string, { indexes: SecondaryIndex[]; triggers: SchemaObject[] }>();
export function expectedSchema(migrationsFolder: string, nativeBinding: string | undefined): { indexes: SecondaryIndex[]; triggers: SchemaObject[] } {
  let schema = expectedSchemaCache.get(migrationsFolder);
  if (!schema) {
    // The app's addon, not node_modules' own: the desktop app ships one built for Electron.
    const scratch = new Database(':memory:', { nativeBinding });
    try {
      migrateSqlite(scratch, ':memory:', migrationsFolder);
      schema = {
        indexes: secondaryIndexesOf(scratch),
        triggers: scratch.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).all() as SchemaObject[],
      };
    } finally {
      scratch.close();
    }
    expectedSchemaCache.set(migrationsFolder, schema);
  }
  return schema;
}

/** A read-only mirror cannot be migrated: it must already have every migration this version knows. */
export function requireCurrentSchema(db: Database.Database, file: string, migrationsFolder: string): void {
  const known = readJournal(migrationsFolder).length;
  const applied = hasLedger(db) ? (db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n : 0;
  if (applied < known) {
    throw new MirrorSchemaError(`The mirror at ${file} is read-only and older than this version: open it once where it can be written, to update it`);
  }
}

function hasLedger(db: Database.Database): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`).get() !== undefined;
}

/** Applies drizzle/sqlite in order, refusing a database that a newer version of the app migrated. */
export function migrateSqlite(db: Database.Database, file: string, migrationsFolder: string): void {
  const newestKnown = newestKnownMigration(migrationsFolder);
  if (hasLedger(db)) {
    const { newest } = db.prepare('SELECT max(created_at) AS newest FROM __drizzle_migrations').get() as { newest: number | null };
    refuseNewerSchema(Number(newest ?? 0), newestKnown, file);
  }
  migrate(drizzle(db), { migrationsFolder });
}
