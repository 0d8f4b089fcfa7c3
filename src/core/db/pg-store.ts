/**
 * The mirror in PostgreSQL, for one mirror shared by several machines. Same contract as the SQLite
 * store; the connection and the sync's write path are the driver's (pg-driver.ts). What PostgreSQL
 * does its own way lives here: the page upsert from JSON records, the listing comparison in the
 * server, the session advisory lock (which the server drops by itself when the holder's connection
 * dies), the deferred indexes' definitions kept in the mark, and migrating under a lock.
 */
import { dirname, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { AnyRow, EntityName } from '../mirror-rows';
import { ENTITY_TABLES, latestCopies, ROW_TABLES, tablesOf, type EntityTable } from './mirror-sql';
import { withoutPassword } from './database-url';
import { textDocumentsOf } from './search-sql';
import { PgDriver, runOn, SYNC_LOCK_KEY, upsertWords, type LockSession } from './pg-driver';
import { migratePg, newestAppliedMigration } from './pg-migrate';
import { MirrorStoreCore, refuseNewerSchema } from './store-core';
import { clearMirrorState, DEFERRED_INDEXES, readMirrorState, saveMirrorState, saveState } from './store-sql';
import { MirrorConnectionError, SyncAlreadyRunningError, WHOLE_LISTING } from './store';
import type { Listing, ListingComparison, SyncLock, SyncState } from './store';

export interface PgStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  migrationsFolder?: string;
  /** How long a statement waits for a lock another session holds before it fails; DEFAULT_LOCK_TIMEOUT_MS. */
  lockTimeoutMs?: number;
}

/**
 * A sync that meets a lock another session holds (an open transaction that wrote a mirror row, a
 * LOCK TABLE) fails after this long, naming the holder, instead of waiting without end.
 */
export const DEFAULT_LOCK_TIMEOUT_MS = 5000;

export function defaultPgMigrationsFolder(): string {
  return resolve(dirname(new URL(import.meta.url).pathname), '../../../drizzle/pg');
}

interface DroppedIndex {
  name: string;
  table: string;
  sql: string;
}

export class PgMirrorStore extends MirrorStoreCore<PgDriver> {
  readonly location: string;
  /** The newest migration this version knows: a database migrated past it is refused. */
  private newestKnownMigration = 0;

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
    lockTimeoutMs: number,
  ) {
    super(new PgDriver(pool, url, withoutPassword(url), lockTimeoutMs));
    this.location = withoutPassword(url);
  }

  static async open(options: PgStoreOptions): Promise<PgMirrorStore> {
    const where = withoutPassword(options.url);
    const lockTimeoutMs = Math.max(1, Math.trunc(options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS));
    const pool = new pg.Pool({
      connectionString: options.url,
      max: 4,
      connectionTimeoutMillis: 10_000,
      // A server gone mid-sync is noticed instead of waited on; and the server, asked to probe a
      // silent connection after 30 s instead of the system's two hours, drops the lock of a
      // machine that vanished mid-sync within about a minute.
      keepAlive: true,
      // Every session's lock waits are bounded: a sync (or a search) never hangs on another session's lock.
      options: `-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3 -c lock_timeout=${lockTimeoutMs}`,
    });
    pool.on('error', () => {}); // an idle client's error surfaces on its next query instead
    const store = new PgMirrorStore(pool, options.url, lockTimeoutMs);
    try {
      await pool.query('SELECT 1').catch((error: unknown) => {
        throw connectionError(error, options.url);
      });
      store.newestKnownMigration = await migratePg(pool, where, options.migrationsFolder ?? defaultPgMigrationsFolder());
      await store.restoreAfterCrash();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  async acquireSyncLock(signal?: AbortSignal): Promise<SyncLock> {
    const client = await this.pool.connect();
    let session: LockSession;
    try {
      // An app left running while a newer version migrated the database must not write to it.
      // Checked before locking: a refusal then leaves no lock behind on the pooled connection.
      refuseNewerSchema(await newestAppliedMigration(client), this.newestKnownMigration, this.location);
      const { rows } = await client.query<{ locked: boolean; pid: number }>('SELECT pg_try_advisory_lock($1) AS locked, pg_backend_pid() AS pid', [
        SYNC_LOCK_KEY,
      ]);
      if (!rows[0]?.locked) throw new SyncAlreadyRunningError(this.location);
      session = { pid: rows[0].pid, lost: null };
    } catch (error) {
      client.release();
      throw error;
    }
    // The lock's connection sits idle while the sync works on others: if it dies, say so at the
    // next write instead of crashing on an unhandled error.
    const onError = (error: Error) => (session.lost = error);
    client.on('error', onError);
    this.driver.lockSession = session;
    // A cancel must stop a statement that waits on a lock or runs long, not only the next one.
    const onAbort = () => void this.driver.cancelSyncStatements();
    signal?.addEventListener('abort', onAbort);
    return {
      release: async () => {
        signal?.removeEventListener('abort', onAbort);
        if (this.driver.lockSession === session) this.driver.lockSession = null;
        let broken = session.lost ?? undefined;
        if (!broken) {
          // A dead connection took the lock with it: nothing is left to release.
          await client.query('SELECT pg_advisory_unlock($1)', [SYNC_LOCK_KEY]).catch((error: Error) => (broken = error));
        }
        client.off('error', onError);
        client.release(broken);
      },
    };
  }

  async compareWithListing(entity: EntityName, listing: Listing, range = WHOLE_LISTING): Promise<ListingComparison> {
    const table = ENTITY_TABLES[entity].table;
    // The merge runs in the server: the listing arrives as two arrays and is joined with the
    // table's rows in the range; the live count of that range comes back with the same snapshot.
    const { rows } = await this.driver.syncQuery((client) =>
      client.query<{ id: number | null; kind: 'changed' | 'vanished' | 'live' }>(
        `WITH listed AS (SELECT * FROM unnest($1::int8[], $2::text[]) AS l(id, stamp)),
       mirrored AS (SELECT id, stash_updated_at, is_stale FROM ${table} WHERE id > $3::int8 AND id <= $4::int8)
       SELECT coalesce(l.id, m.id) AS id, CASE WHEN l.id IS NULL THEN 'vanished' ELSE 'changed' END AS kind
       FROM listed l FULL JOIN mirrored m ON m.id = l.id
       WHERE (l.id IS NULL AND NOT m.is_stale)
          OR (l.id IS NOT NULL AND (m.id IS NULL OR m.is_stale OR m.stash_updated_at <> l.stamp))
       UNION ALL
       SELECT count(*), 'live' FROM mirrored WHERE NOT is_stale
       ORDER BY 2, 1`,
        [listing.ids, listing.stamps, range.after ?? -1, range.through ?? Number.MAX_SAFE_INTEGER],
      ),
    );
    return {
      changed: rows.filter((r) => r.kind === 'changed').map((r) => Number(r.id)),
      vanished: rows.filter((r) => r.kind === 'vanished').map((r) => Number(r.id)),
      live: Number(rows.find((r) => r.kind === 'live')?.id ?? 0),
    };
  }

  async applyPage(entity: EntityName, rows: readonly AnyRow[], state?: Partial<SyncState>): Promise<number> {
    const spec = ENTITY_TABLES[entity] as EntityTable<AnyRow>;
    // One statement may touch a row only once, and a row's relations must be those of one copy.
    const latest = latestCopies(rows);
    // As text once: a Date in every record would be formatted again for each of them.
    const now = new Date().toISOString();
    await this.driver.writeTransaction(async (client) => {
      const columns = ['id', 'stash_updated_at', ...spec.columns.map((c) => c.column)];
      const updates = [...columns.filter((c) => c !== 'id'), 'synced_at', 'is_stale'].map((c) => `${c} = excluded.${c}`);
      // xmax is 0 on a row the statement inserted: only rows already in the mirror can own join rows
      // to replace (a first sync deletes nothing). Tag edges are the exception, as on SQLite: another
      // tag's sync may have written an edge to a tag not yet mirrored.
      const written = await insertRecords(
        client,
        spec.table,
        columns,
        latest.map((row) => [row.id, row.stashUpdatedAt, ...spec.columns.map((c) => c.value(row))]),
        now,
        `ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')} RETURNING id, xmax::text <> '0' AS existed`,
      );
      const owners = entity === 'tags' ? latest.map((row) => row.id) : written.filter((r) => r.existed).map((r) => Number(r.id));
      for (const join of spec.joins) {
        if (owners.length > 0) await client.query(`DELETE FROM ${join.table} WHERE ${join.ownerColumn} = ANY($1::int8[])`, [owners]);
      }
      for (const join of spec.joins) {
        const pairOwners: number[] = [];
        const pairOthers: number[] = [];
        for (const row of latest) {
          for (const other of join.otherIds(row)) {
            pairOwners.push(row.id);
            pairOthers.push(other);
          }
        }
        // Two integer arrays and the time once: as JSON records, the server parsed each pair's
        // keys and time again.
        if (pairOwners.length > 0) {
          await client.query(
            `INSERT INTO ${join.table} (${join.ownerColumn}, ${join.otherColumn}, synced_at)
             SELECT owner, other, $3::timestamptz FROM unnest($1::int4[], $2::int4[]) AS pair(owner, other)
             ON CONFLICT DO NOTHING`,
            [pairOwners, pairOthers, now],
          );
        }
      }
      // The rows' words, in the same transaction: the search index never disagrees with the mirror.
      await upsertWords(client, textDocumentsOf(entity, latest));
      if (state) await runOn(client, saveState(entity, state, now));
    });
    return latest.length;
  }

  async markStale(entity: EntityName, ids: readonly number[]): Promise<number> {
    return this.driver.writeTransaction(async (client) => {
      const result = await client.query(`UPDATE ${ENTITY_TABLES[entity].table} SET is_stale = true WHERE id = ANY($1::int8[]) AND NOT is_stale`, [
        ids,
      ]);
      return result.rowCount ?? 0;
    });
  }

  /**
   * As on SQLite, a first sync into an empty mirror builds the secondary indexes (the full-text GIN
   * index among them) after the rows instead of row by row. An empty mirror has nothing for other
   * readers to find meanwhile. PostgreSQL cannot be migrated in memory to learn the definitions
   * again, so the mark's value keeps them.
   */
  async deferIndexes(): Promise<boolean> {
    const tables = [...ROW_TABLES, 'stash_text_search'];
    const { rows: filled } = await this.pool.query(tables.map((t) => `(SELECT 1 FROM ${t} LIMIT 1)`).join(' UNION ALL '));
    if (filled.length > 0) return false;
    const { rows: dropped } = await this.pool.query<DroppedIndex>(
      `SELECT indexname AS name, tablename AS "table", indexdef AS sql FROM pg_indexes i
       WHERE schemaname = current_schema() AND tablename = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
       ORDER BY indexname`,
      [tables],
    );
    if (dropped.length === 0) return false;
    // Recorded first: a sync killed from here on leaves the mark. Each index is then dropped on its
    // own, CONCURRENTLY: a plain DROP INDEX locks its table exclusively and would deadlock with a
    // reader that holds one table of a join and waits for the other.
    await this.driver.transaction([saveMirrorState(DEFERRED_INDEXES, JSON.stringify(dropped), new Date())]);
    for (const { name } of dropped) await this.pool.query(`DROP INDEX CONCURRENTLY IF EXISTS ${pg.escapeIdentifier(name)}`);
    return true;
  }

  async restoreIndexes(entity?: EntityName): Promise<void> {
    const [mark] = await this.driver.all<{ value: string }>(readMirrorState(DEFERRED_INDEXES));
    if (!mark) return;
    const tables = entity ? tablesOf(entity) : null;
    // A DROP INDEX CONCURRENTLY killed half-way leaves the index invalid: unused, yet present.
    const present = new Set(
      await this.driver.column<string>(sql`SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
        WHERE c.relnamespace = current_schema()::regnamespace AND x.indisvalid`),
    );
    const missing = (JSON.parse(mark.value) as DroppedIndex[]).filter(
      (index) => !present.has(index.name) && (!tables || tables.includes(index.table)),
    );
    await this.driver.writeTransaction(async (client) => {
      for (const { name, sql } of missing) await client.query(`DROP INDEX IF EXISTS ${pg.escapeIdentifier(name)}; ${sql}`);
      if (!tables) await runOn(client, clearMirrorState(DEFERRED_INDEXES));
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** A first sync that died left its indexes dropped; a sync running elsewhere restores its own. */
  private async restoreAfterCrash(): Promise<void> {
    if ((await this.driver.all(readMirrorState(DEFERRED_INDEXES))).length === 0) return;
    let lock: SyncLock;
    try {
      lock = await this.acquireSyncLock();
    } catch (error) {
      if (error instanceof SyncAlreadyRunningError) return;
      throw error;
    }
    try {
      await this.restoreIndexes();
    } finally {
      await lock.release();
    }
  }
}

/**
 * Inserts many rows with one parameter: a JSON array of records the server expands with the table's
 * own row type, so no column types are spelled out here and no statement grows with the batch.
 * Each row is live and synced at `now`, given once rather than parsed again in every record.
 */
async function insertRecords(client: pg.PoolClient, table: string, columns: string[], rows: unknown[][], now: string, onConflict: string) {
  if (rows.length === 0) return [];
  // Keys set in one order make objects of one shape, which JSON.stringify writes several times faster.
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) record[columns[i]!] = row[i];
    return record;
  });
  const list = columns.join(', ');
  const result = await client.query(
    `INSERT INTO ${table} (${list}, synced_at, is_stale)
     SELECT ${list}, $2::timestamptz, false FROM json_populate_recordset(NULL::${table}, $1::json) ${onConflict}`,
    [JSON.stringify(records), now],
  );
  return result.rows as Record<string, unknown>[];
}

/** One line a user can act on, for the ways a PostgreSQL connection fails. */
function connectionError(error: unknown, url: string): Error {
  const e = error as { code?: string; message?: string };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return new MirrorConnectionError(`"${withoutPassword(url)}" is not a PostgreSQL URL (postgres://user:password@host:port/database)`);
  }
  const server = `${parsed.hostname}:${parsed.port || 5432}`;
  const user = decodeURIComponent(parsed.username || 'postgres');
  const database = decodeURIComponent(parsed.pathname.slice(1) || user);
  switch (e.code) {
    case '28P01':
      return new MirrorConnectionError(`PostgreSQL at ${server} refused the password for user "${user}"`);
    case '28000':
      // No pg_hba.conf entry for this host, a role that may not log in, ...: the server says which.
      return new MirrorConnectionError(`PostgreSQL at ${server} does not let user "${user}" connect: ${e.message}`);
    case '3D000':
      return new MirrorConnectionError(`PostgreSQL at ${server} has no database "${database}"; create it first`);
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return new MirrorConnectionError(`Cannot connect to PostgreSQL at ${server} (${e.code})`);
    default:
      return new MirrorConnectionError(`Cannot use PostgreSQL at ${server}: ${e.message ?? String(error)}`);
  }
}
