/**
 * The mirror in PostgreSQL, for one mirror shared by several machines. Same contract as the SQLite
 * store: every write is one transaction that first marks itself as the sync's (a transaction-local
 * setting the read-only triggers check), and one sync at a time holds a session advisory lock, which
 * the server drops by itself when the holder's connection dies.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { AnyRow, EntityName } from '../mirror-rows';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { MarkerQuery, MarkerSearchResult } from '../search/query';
import { DEFERRED_INDEXES, ENTITY_TABLES, latestCopies, ROW_TABLES, tablesOf, runRowFromDb, saveStateParams, SEARCH_INDEXED_AT, SEARCH_STATE, SHARED_SQL, type EntityTable } from './mirror-sql';
import { TEXT_KINDS } from '../search/marker-index';
import { withoutPassword } from './database-url';
import {
  executeSearch,
  MarkerIndexCache,
  refreshSearchIndex,
  textDocumentsOf,
  type SearchDialect,
  type SearchRefresh,
  type SearchStorage,
  type TextDocument,
} from './search-sql';
import {
  MirrorConnectionError,
  MirrorSchemaError,
  SyncAlreadyRunningError,
  type Listing,
  type ListingComparison,
  WHOLE_LISTING,
  type MirrorStore,
  type RunOutcome,
  type RunRecord,
  type SyncLock,
  type SyncRunRow,
  type SyncState,
} from './store';

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

/** Every Stash Mirror sync on one database takes this advisory lock ('stash-mirror sync'). */
const SYNC_LOCK_KEY = 0x5354_4d53;
/** Opening a database that needs migrating takes this one ('stash-mirror migrate'). */
const MIGRATION_LOCK_KEY = 0x5354_4d4d;

interface LockSession {
  /** The server process of the lock's connection. */
  pid: number;
  /** Set when that connection fails. */
  lost: Error | null;
}

const LOCK_LOST = 'stash mirror: the sync lock was lost';

/**
 * A statement that fails unless the server session `pid` still holds the sync lock. A bigint
 * advisory key shows in pg_locks as its high half (classid), its low half (objid) and objsubid 1.
 */
function lockStillHeld(pid: number): string {
  return `DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = ${Math.trunc(pid)}
                   AND classid = 0 AND objid = ${SYNC_LOCK_KEY} AND objsubid = 1) THEN
      RAISE EXCEPTION '${LOCK_LOST}';
    END IF;
  END $$`;
}

const pgDialect = new PgDialect();

/** The rows' text keys (textKey) as one comma-separated text. */
const TEXT_KEYS = sql`string_agg((entity_id::int8 * 4 + kind)::text, ',')`;

/**
 * A tsvector per indexed row whose lexemes are the app's words as they are, matched by prefix
 * ('word':*): PostgreSQL's own text parser never runs, so it cannot split a word differently from
 * the app (and SQLite), and indexing skips its cost.
 */
const PG_SEARCH: SearchDialect = {
  wordHits: (word) => sql`SELECT ${TEXT_KEYS} FROM stash_text_search WHERE document @@ ${prefixQuery(word)}`,
  // Primary-key probes, one per row, each checked against the word: for a few hundred rows far
  // cheaper than a common word's whole posting list from the GIN index.
  wordHitsAmong: (word, keys) => sql`SELECT ${TEXT_KEYS} FROM stash_text_search
    WHERE (kind, entity_id) IN (SELECT key % 4, key / 4 FROM unnest(${sql.param(keys)}::int8[]) AS key)
      AND document @@ ${prefixQuery(word)}`,
};

function prefixQuery(word: string): SQL {
  return sql`(quote_literal(${word}) || ':*')::tsquery`;
}

// int8 (file sizes, counts) as numbers: exact up to 2^53, beyond any file size.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function defaultPgMigrationsFolder(): string {
  return resolve(dirname(new URL(import.meta.url).pathname), '../../../drizzle/pg');
}

interface DroppedIndex {
  name: string;
  table: string;
  sql: string;
}

/** `?` placeholders, as the shared statements are written, to PostgreSQL's `$n`. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export class PgMirrorStore implements MirrorStore {
  readonly location: string;
  private readonly searchCache = new MarkerIndexCache();
  /** The server session holding the sync lock, while this store holds it: every write checks it still does. */
  private lockSession: LockSession | null = null;
  /** The newest migration this version knows: a database migrated past it is refused. */
  private newestKnownMigration = 0;
  /** Server processes of the connections running the sync's statements now: a cancel cancels them. */
  private readonly syncBackends = new Set<number>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly lockTimeoutMs: number,
  ) {
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
      if ((await newestAppliedMigration(client)) > this.newestKnownMigration) throw newerSchemaError(this.location);
      const { rows } = await client.query<{ locked: boolean; pid: number }>(
        'SELECT pg_try_advisory_lock($1) AS locked, pg_backend_pid() AS pid',
        [SYNC_LOCK_KEY],
      );
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
    this.lockSession = session;
    // A cancel must stop a statement that waits on a lock or runs long, not only the next one.
    const onAbort = () => void this.cancelSyncStatements();
    signal?.addEventListener('abort', onAbort);
    return {
      release: async () => {
        signal?.removeEventListener('abort', onAbort);
        if (this.lockSession === session) this.lockSession = null;
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

  /**
   * Asks the server to cancel the statements the sync's connections run now, from a connection of
   * its own: the pool's may all be taken by them. The sync then fails with the server's
   * "canceling statement" error, which it reports as cancelled.
   */
  private async cancelSyncStatements(): Promise<void> {
    const pids = [...this.syncBackends];
    if (pids.length === 0) return;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int4[]) AS pid', [pids]);
    } catch {
      // The server is gone: the sync's own statements fail with it.
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Runs one of the sync's statements on a connection a cancel can reach, its lock waits named. */
  private async syncQuery<T>(run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // The server process, from the connection's start-up (pg keeps it, its types do not say so).
    const pid = (client as unknown as { processID: number | null }).processID;
    if (pid !== null) this.syncBackends.add(pid);
    try {
      return await run(client);
    } catch (error) {
      throw await this.withLockHolder(error);
    } finally {
      if (pid !== null) this.syncBackends.delete(pid);
      client.release();
    }
  }

  private async syncRead<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.syncQuery(async (client) => (await client.query(numbered(sql), params)).rows as T[]);
  }

  /**
   * A lock wait that timed out, in one line naming the sessions holding locks on the mirror's
   * tables (other than plain reads, which block no sync); any other error as it is.
   */
  private async withLockHolder(error: unknown): Promise<unknown> {
    if ((error as { code?: string }).code !== '55P03') return error;
    const holders = await this.pool
      .query<{ pid: number; usename: string | null; application_name: string | null; state: string | null; locks: string }>(
        `SELECT l.pid, a.usename, a.application_name, a.state, string_agg(l.mode || ' on ' || c.relname, ', ' ORDER BY c.relname) AS locks
         FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.granted AND l.pid <> pg_backend_pid() AND NOT (l.pid = ANY($1::int4[])) AND c.relkind IN ('r', 'p')
           AND l.mode <> 'AccessShareLock' AND c.relnamespace = current_schema()::regnamespace
         GROUP BY l.pid, a.usename, a.application_name, a.state ORDER BY l.pid LIMIT 3`,
        [[...this.syncBackends]],
      )
      .then((result) => result.rows)
      .catch(() => []);
    const named = holders.map(
      (h) => `pid ${h.pid} (user "${h.usename ?? '?'}", application "${h.application_name ?? ''}", ${h.state ?? 'unknown state'}, ${h.locks})`,
    );
    return new MirrorConnectionError(
      `Waited more than ${this.lockTimeoutMs / 1000} s for a lock on ${this.location} that another session holds` +
        `${named.length > 0 ? `: ${named.join('; ')}` : ''}; end that session's transaction, then sync again`,
    );
  }

  async readSyncState(entity: EntityName): Promise<SyncState> {
    const [row] = await this.syncRead<{ watermark: string | null; files_watermark: string | null }>(SHARED_SQL.readState, [entity]);
    return { watermark: row?.watermark ?? null, filesWatermark: row?.files_watermark ?? null };
  }

  async compareWithListing(entity: EntityName, listing: Listing, range = WHOLE_LISTING): Promise<ListingComparison> {
    const table = ENTITY_TABLES[entity].table;
    // The merge runs in the server: the listing arrives as two arrays and is joined with the
    // table's rows in the range; the live count of that range comes back with the same snapshot.
    const { rows } = await this.syncQuery((client) => client.query<{ id: number | null; kind: 'changed' | 'vanished' | 'live' }>(
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
    ));
    return {
      changed: rows.filter((r) => r.kind === 'changed').map((r) => Number(r.id)),
      vanished: rows.filter((r) => r.kind === 'vanished').map((r) => Number(r.id)),
      live: Number(rows.find((r) => r.kind === 'live')?.id ?? 0),
    };
  }

  async countLive(entity: EntityName): Promise<number> {
    const [row] = await this.syncRead<{ n: number }>(SHARED_SQL.countLive(ENTITY_TABLES[entity].table));
    return row?.n ?? 0;
  }

  async findDependents(entity: EntityName): Promise<number[]> {
    const sql = ENTITY_TABLES[entity].dependentsSql;
    if (!sql) return [];
    return (await this.syncRead<{ id: number }>(sql)).map((r) => r.id);
  }

  async applyPage(entity: EntityName, rows: readonly AnyRow[], state?: Partial<SyncState>): Promise<number> {
    const spec = ENTITY_TABLES[entity] as EntityTable<AnyRow>;
    // One statement may touch a row only once, and a row's relations must be those of one copy.
    const latest = latestCopies(rows);
    // As text once: a Date in every record would be formatted again for each of them.
    const now = new Date().toISOString();
    await this.writeTransaction(async (client) => {
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
      if (state) await client.query(numbered(SHARED_SQL.saveState), saveStateParams(entity, state, now));
    });
    return latest.length;
  }

  async markStale(entity: EntityName, ids: readonly number[]): Promise<number> {
    return this.writeTransaction(async (client) => {
      const result = await client.query(
        `UPDATE ${ENTITY_TABLES[entity].table} SET is_stale = true WHERE id = ANY($1::int8[]) AND NOT is_stale`,
        [ids],
      );
      return result.rowCount ?? 0;
    });
  }

  async startRun(run: RunRecord): Promise<number> {
    return this.writeTransaction(async (client) => {
      const { rows } = await client.query<{ id: number }>(numbered(SHARED_SQL.startRun), [run.runId, run.entity, run.mode, new Date()]);
      return rows[0]!.id;
    });
  }

  async finishRun(runRowId: number, outcome: RunOutcome): Promise<void> {
    const { status, fetched, upserted, staleMarked, error } = outcome;
    await this.writeTransaction((client) =>
      client.query(numbered(SHARED_SQL.finishRun), [status, new Date(), fetched, upserted, staleMarked, error, runRowId]),
    );
  }

  async closeAbandonedRuns(): Promise<number> {
    return this.writeTransaction(async (client) => (await client.query(numbered(SHARED_SQL.closeAbandonedRuns), [new Date()])).rowCount ?? 0);
  }

  async listRuns(limit = 50): Promise<SyncRunRow[]> {
    const rows = await this.read<Record<string, unknown>>(SHARED_SQL.listRuns, [limit]);
    return rows.map((r) => runRowFromDb(r, (value) => value as Date));
  }

  /**
   * As on SQLite, a first sync into an empty mirror builds the secondary indexes (the full-text GIN
   * index among them) after the rows instead of row by row. An empty mirror has nothing for other
   * readers to find meanwhile. PostgreSQL cannot be migrated in memory to learn the definitions
   * again, so the mark's watermark keeps them.
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
    await this.writeTransaction((client) =>
      client.query(numbered(SHARED_SQL.saveState), saveStateParams(DEFERRED_INDEXES, { watermark: JSON.stringify(dropped) }, new Date())),
    );
    for (const { name } of dropped) await this.pool.query(`DROP INDEX CONCURRENTLY IF EXISTS ${pg.escapeIdentifier(name)}`);
    return true;
  }

  async restoreIndexes(entity?: EntityName): Promise<void> {
    const [mark] = await this.read<{ watermark: string }>(SHARED_SQL.readState, [DEFERRED_INDEXES]);
    if (!mark) return;
    const tables = entity ? tablesOf(entity) : null;
    // A DROP INDEX CONCURRENTLY killed half-way leaves the index invalid: unused, yet present.
    const present = new Set(
      (
        await this.read<{ name: string }>(
          `SELECT c.relname AS name FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
           WHERE c.relnamespace = current_schema()::regnamespace AND x.indisvalid`,
        )
      ).map((r) => r.name),
    );
    const missing = (JSON.parse(mark.watermark) as DroppedIndex[]).filter(
      (index) => !present.has(index.name) && (!tables || tables.includes(index.table)),
    );
    await this.writeTransaction(async (client) => {
      for (const { name, sql } of missing) await client.query(`DROP INDEX IF EXISTS ${pg.escapeIdentifier(name)}; ${sql}`);
      if (!tables) await client.query('DELETE FROM stash_sync_state WHERE entity = $1', [DEFERRED_INDEXES]);
    });
  }

  /** A first sync that died left its indexes dropped; a sync running elsewhere restores its own. */
  private async restoreAfterCrash(): Promise<void> {
    if ((await this.read(SHARED_SQL.readState, [DEFERRED_INDEXES])).length === 0) return;
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

  async refreshSearchIndex(options = { optimize: false }): Promise<SearchRefresh> {
    return refreshSearchIndex(this.searchStorage(this.pool), options);
  }

  async searchMarkers(query: MarkerQuery): Promise<MarkerSearchResult> {
    // Through the pool: a search's few independent reads go out on several connections at once.
    return executeSearch(this.searchStorage(this.pool), query, PG_SEARCH, this.searchCache);
  }

  private searchStorage(db: pg.Pool | pg.PoolClient): SearchStorage {
    // A single client runs one query at a time; a pool spreads them over connections.
    const all = async <T>(query: SQL) => {
      const { sql: text, params } = pgDialect.sqlToQuery(query);
      return (await db.query(text, params)).rows as T[];
    };
    return {
      all,
      // The search's working set is read whole, in one snapshot even while a sync commits.
      readSnapshot: (work) =>
        this.transaction(['BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'], (client) => work(this.searchStorage(client))),
      column: async <T>(query: SQL) => {
        const { sql: text, params } = pgDialect.sqlToQuery(query);
        return (await db.query({ text, values: params, rowMode: 'array' })).rows.map((row: unknown[]) => row[0]) as T[];
      },
      writeStatements: (statements) =>
        this.writeTransaction(async (client) => {
          for (const statement of statements) {
            const { sql: text, params } = pgDialect.sqlToQuery(statement);
            await client.query(text, params);
          }
        }),
      clearDocuments: async () => {
        await this.writeTransaction((client) => client.query('DELETE FROM stash_text_search'));
      },
      writeDocuments: (documents) => this.writeTransaction((client) => upsertWords(client, documents)),
      indexedSince: async () => (await this.read<{ t: Date }>(SEARCH_INDEXED_AT))[0]?.t ?? null,
      markIndexed: async (at) => {
        await this.writeTransaction((client) => client.query(numbered(SHARED_SQL.saveState), saveStateParams(SEARCH_STATE, {}, at)));
      },
      now: () => new Date(),
      optimize: async () => {
        // Sampled, as on SQLite: statistics for the first searches after a large sync, at half the
        // cost of the default target (autovacuum refines them later).
        await this.transaction(['BEGIN', 'SET LOCAL default_statistics_target = 20'], (client) => client.query('ANALYZE'));
      },
    };
  }

  async read<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(numbered(sql), params)).rows as T[];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * The sync's write path: marked as the sync's for exactly this transaction. While this store
   * holds the sync lock, the transaction first checks that the lock's session still holds it: a
   * lock lost with its connection may already be another machine's, and two syncs must not write
   * at once.
   */
  private async writeTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const session = this.lockSession;
    const opening = ['BEGIN', `SELECT set_config('stash_mirror.sync_writer', 'on', true)`];
    if (session) opening.push(lockStillHeld(session.pid));
    try {
      return await this.transaction(opening, work, (client) => this.syncQuery(client));
    } catch (error) {
      if (session && (session.lost || (error as Error).message === LOCK_LOST)) {
        throw new MirrorConnectionError(
          `The connection holding the sync lock on ${this.location} was lost${session.lost ? ` (${session.lost.message})` : ''}; ` +
            'the sync stopped so that no other runs beside it: run it again',
        );
      }
      throw error;
    }
  }

  /**
   * Runs work on one connection between the opening statements and COMMIT, or ROLLBACK; on a
   * connection of the pool's, or one `connection` lends (the sync's, which a cancel can reach).
   */
  private async transaction<T>(
    opening: string[],
    work: (client: pg.PoolClient) => Promise<T>,
    connection: <R>(run: (client: pg.PoolClient) => Promise<R>) => Promise<R> = (run) => this.pooled(run),
  ): Promise<T> {
    return connection(async (client) => {
      try {
        // One round trip: the simple query protocol runs several statements given together.
        await client.query(opening.join('; '));
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  private async pooled<R>(run: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    try {
      return await run(client);
    } finally {
      client.release();
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
  let parsed: URL | null = null;
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

/** Applies drizzle/pg in order, refusing a database that a newer version of the app migrated. */
/**
 * Brings the database to this version's schema and returns the newest migration it knows. A
 * database already current is only read, so a role that may only read can open it. Machines
 * opening a new database at once take turns: one migrates, the others find it done.
 */
async function migratePg(pool: pg.Pool, where: string, migrationsFolder: string): Promise<number> {
  const journalPath = join(migrationsFolder, 'meta', '_journal.json');
  if (!existsSync(journalPath)) throw new MirrorSchemaError(`Mirror migrations not found at ${migrationsFolder}`);
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { when: number }[] };
  const newestKnown = Math.max(...journal.entries.map((e) => e.when));
  const client = await pool.connect();
  try {
    const current = async () => {
      const newest = await newestAppliedMigration(client);
      if (newest > newestKnown) throw newerSchemaError(where);
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
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
      await client.query('RESET lock_timeout').catch(() => {});
    }
  } finally {
    client.release();
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
async function newestAppliedMigration(client: pg.PoolClient): Promise<number> {
  const ledger = await client.query<{ ledger: string | null }>(`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS ledger`);
  if (!ledger.rows[0]?.ledger) return 0;
  const { rows } = await client.query<{ newest: string | null }>('SELECT max(created_at)::text AS newest FROM drizzle.__drizzle_migrations');
  return Number(rows[0]?.newest ?? 0);
}

function newerSchemaError(where: string): MirrorSchemaError {
  return new MirrorSchemaError(`The mirror database ${where} was migrated by a newer version of Stash Mirror; update the app or use another database`);
}

/** Sets the words of these rows in the full-text index (inside a write transaction). */
async function upsertWords(client: pg.PoolClient, documents: readonly TextDocument[]): Promise<void> {
  if (documents.length === 0) return;
  const rows = documents.map((d) => ({ kind: TEXT_KINDS.indexOf(d.kind), id: d.id, words: d.words }));
  await client.query(
    `INSERT INTO stash_text_search (kind, entity_id, document)
     SELECT kind, id, array_to_tsvector(string_to_array(words, ' ')) FROM json_to_recordset($1::json) AS d(kind int2, id int, words text)
     ON CONFLICT (kind, entity_id) DO UPDATE SET document = excluded.document`,
    [JSON.stringify(rows)],
  );
}
