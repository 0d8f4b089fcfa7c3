/**
 * Bringing a PostgreSQL mirror to this version's schema: machines opening a new database at once
 * take turns, a database a newer version migrated is refused, and a schema holding another
 * program's tables is left alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { MirrorSchemaError } from './store';
import { newestKnownMigration, refuseNewerSchema } from './store-core';

/** Opening a database that needs migrating takes this advisory lock ('stash-mirror migrate'). */
const MIGRATION_LOCK_KEY = 0x5354_4d4d;

/**
 * Brings the database to this version's schema and returns the newest migration it knows. A
 * database already current is only read, so a role that may only read can open it. Machines
 * opening a new database at once take turns: one migrates, the others find it done.
 */
export async function migratePg(pool: pg.Pool, where: string, migrationsFolder: string): Promise<number> {
  const newestKnown = newestKnownMigration(migrationsFolder);
  const client = await pool.connect();
  // A connection that may still hold the migration lock must not go back to the pool.
  let keepsLock: Error | undefined;
  try {
    const current = async () => {
      const newest = await newestAppliedMigration(client);
      refuseNewerSchema(newest, newestKnown, where);
      return newest === newestKnown;
    };
    if (await current()) return newestKnown;
    // Another machine's migration is waited for however long it takes, not the usual lock timeout.
    await client.query(`SET lock_timeout = 0; SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      if (!(await current())) {
        await refuseForeignTables(client, where, migrationsFolder);
        await migrate(drizzle(client), { migrationsFolder });
      }
    } catch (error) {
      if (error instanceof MirrorSchemaError) throw error;
      const cause = ((error as { cause?: Error }).cause ?? (error as Error)).message;
      throw new MirrorSchemaError(`Cannot create or update the mirror's tables in ${where}: ${cause}`);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((error: Error) => (keepsLock = error));
      // A connection whose reset failed is dropped below as well: nothing else depends on it.
      await client.query('RESET lock_timeout').catch((error: Error) => (keepsLock = error));
    }
  } finally {
    // Given an error, the pool closes the connection, and the server releases its session lock.
    client.release(keepsLock);
  }
  return newestKnown;
}

/** The tables this version's migrations create, as named in their CREATE TABLE statements. */
function mirrorTableNames(migrationsFolder: string): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql'))) {
    for (const match of readFileSync(join(migrationsFolder, file), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?(\w+)"?/gi)) {
      names.add(match[1]!);
    }
  }
  return names;
}

/**
 * Before migrating: the schema the mirror would use must be empty or hold an older mirror. Other
 * tables there (a `scenes` of another app, or tables named like ours that no migration of ours
 * made) would be altered beside or confused with the mirror's, so nothing is created or changed.
 * One catalog read.
 */
async function refuseForeignTables(client: pg.PoolClient, where: string, migrationsFolder: string): Promise<void> {
  const ours = (await newestAppliedMigration(client)) > 0 ? mirrorTableNames(migrationsFolder) : new Set<string>();
  const { rows } = await client.query<{ schema: string; name: string }>(
    `SELECT current_schema() AS schema, c.relname AS name FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname`,
  );
  const foreign = rows.filter((r) => !ours.has(r.name)).map((r) => r.name);
  if (foreign.length === 0) return;
  const shown = foreign.length > 5 ? [...foreign.slice(0, 5), `${foreign.length - 5} more`] : foreign;
  throw new MirrorSchemaError(
    `The schema "${rows[0]!.schema}" of ${where} holds tables that are not Stash Mirror's (${shown.join(', ')}); ` +
      'nothing was changed: use an empty database or schema for the mirror',
  );
}

/** The newest migration applied to the database (drizzle's ledger), 0 for a new database. */
export async function newestAppliedMigration(client: pg.PoolClient): Promise<number> {
  const ledger = await client.query<{ ledger: string | null }>(`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS ledger`);
  if (!ledger.rows[0]?.ledger) return 0;
  const { rows } = await client.query<{ newest: string | null }>('SELECT max(created_at)::text AS newest FROM drizzle.__drizzle_migrations');
  return Number(rows[0]?.newest ?? 0);
}
