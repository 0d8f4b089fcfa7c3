/**
 * The PostgreSQL connection pool as the store core uses it (StoreDriver), and the sync's write path
 * on it: every write is one transaction that first marks itself as the sync's (a transaction-local
 * setting the read-only triggers check) and, while the store holds the sync lock, checks that the
 * lock's session still holds it. The sync's statements run where a cancel can reach them.
 */
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { TEXT_KINDS } from '../search/marker-index';
import type { TextDocument } from './search-sql';
import type { FullTextDriver, Reader, StoreDriver, Written } from './store-core';
import { MirrorConnectionError } from './store';

/** Every Stash Mirror sync on one database takes this advisory lock ('stash-mirror sync'). */
export const SYNC_LOCK_KEY = 0x5354_4d53;

export interface LockSession {
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

function prefixQuery(word: string): SQL {
  return sql`(quote_literal(${word}) || ':*')::tsquery`;
}

// int8 (file sizes, counts) as numbers: exact up to 2^53, beyond any file size.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Reads on a pool (spread over its connections) or on one connection (one at a time). */
function readerOn(db: pg.Pool | pg.PoolClient): Reader {
  return {
    all: async <T>(query: SQL) => {
      const { sql: text, params } = pgDialect.sqlToQuery(query);
      return (await db.query(text, params)).rows as T[];
    },
    column: async <T>(query: SQL) => {
      const { sql: text, params } = pgDialect.sqlToQuery(query);
      return (await db.query({ text, values: params, rowMode: 'array' })).rows.map((row: unknown[]) => row[0]) as T[];
    },
  };
}

export class PgDriver implements StoreDriver {
  /** The server session holding the sync lock, while the store holds it: every write checks it still does. */
  lockSession: LockSession | null = null;
  /** Server processes of the connections running the sync's statements now: a cancel cancels them. */
  private readonly syncBackends = new Set<number>();
  private readonly pooled: Reader;
  readonly syncReads: Reader = {
    all: (query) => this.syncQuery((client) => readerOn(client).all(query)),
    column: (query) => this.syncQuery((client) => readerOn(client).column(query)),
  };

  constructor(
    readonly pool: pg.Pool,
    private readonly url: string,
    private readonly location: string,
    private readonly lockTimeoutMs: number,
  ) {
    // Through the pool: a search's few independent reads go out on several connections at once.
    this.pooled = readerOn(pool);
  }

  all<T>(query: SQL): Promise<T[]> {
    return this.pooled.all<T>(query);
  }

  column<T>(query: SQL): Promise<T[]> {
    return this.pooled.column<T>(query);
  }

  transaction(statements: readonly SQL[]): Promise<Written[]> {
    return this.writeTransaction(async (client) => {
      const written: Written[] = [];
      for (const statement of statements) {
        const result = await runOn(client, statement);
        written.push({ changes: result.rowCount ?? 0, rows: result.rows as Record<string, unknown>[] });
      }
      return written;
    });
  }

  snapshot<T>(work: (reader: Reader) => Promise<T>): Promise<T> {
    // The search's working set is read whole, in one snapshot even while a sync commits.
    return this.inTransaction(['BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'], (client) => work(readerOn(client)));
  }

  now(): Date {
    return new Date();
  }

  toDate(value: unknown): Date {
    return value as Date;
  }

  /**
   * A tsvector per indexed row whose lexemes are the app's words as they are, matched by prefix
   * ('word':*): PostgreSQL's own text parser never runs, so it cannot split a word differently from
   * the app (and SQLite), and indexing skips its cost.
   */
  readonly fullText: FullTextDriver = {
    wordHits: (word) => sql`SELECT ${TEXT_KEYS} FROM stash_text_search WHERE document @@ ${prefixQuery(word)}`,
    // The rows keep the subquery's order (it is checked where order matters: see ascendingById).
    columnArray: (column) => `json_agg(${column})`,
    // Primary-key probes, one per row, each checked against the word: for a few hundred rows far
    // cheaper than a common word's whole posting list from the GIN index.
    wordHitsAmong: (word, keys) => sql`SELECT ${TEXT_KEYS} FROM stash_text_search
      WHERE (kind, entity_id) IN (SELECT key % 4, key / 4 FROM unnest(${sql.param(keys)}::int8[]) AS key)
        AND document @@ ${prefixQuery(word)}`,
    clear: async () => {
      await this.writeTransaction((client) => client.query('DELETE FROM stash_text_search'));
    },
    write: (documents) => this.writeTransaction((client) => upsertWords(client, documents)),
    optimize: async () => {
      // Sampled, as on SQLite: statistics for the first searches after a large sync, at half the
      // cost of the default target (autovacuum refines them later).
      await this.inTransaction(['BEGIN', 'SET LOCAL default_statistics_target = 20'], (client) => client.query('ANALYZE'));
    },
  };

  /**
   * The sync's write path: marked as the sync's for exactly this transaction. While the store
   * holds the sync lock, the transaction first checks that the lock's session still holds it: a
   * lock lost with its connection may already be another machine's, and two syncs must not write
   * at once.
   */
  async writeTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const session = this.lockSession;
    const opening = ['BEGIN', `SELECT set_config('stash_mirror.sync_writer', 'on', true)`];
    if (session) opening.push(lockStillHeld(session.pid));
    try {
      return await this.inTransaction(opening, work, (client) => this.syncQuery(client));
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

  /** Runs one of the sync's statements on a connection a cancel can reach, its lock waits named. */
  async syncQuery<T>(run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
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

  /**
   * Asks the server to cancel the statements the sync's connections run now, from a connection of
   * its own: the pool's may all be taken by them. The sync then fails with the server's
   * "canceling statement" error, which it reports as cancelled.
   */
  async cancelSyncStatements(): Promise<void> {
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
      // Only a cancel was asked of this connection: a failure to close it loses nothing.
      await client.end().catch(() => {});
    }
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

  /**
   * Runs work on one connection between the opening statements and COMMIT, or ROLLBACK; on a
   * connection of the pool's, or one `connection` lends (the sync's, which a cancel can reach).
   */
  private async inTransaction<T>(
    opening: string[],
    work: (client: pg.PoolClient) => Promise<T>,
    connection: <R>(run: (client: pg.PoolClient) => Promise<R>) => Promise<R> = (run) => this.onPooledClient(run),
  ): Promise<T> {
    return connection(async (client) => {
      try {
        // One round trip: the simple query protocol runs several statements given together.
        await client.query(opening.join('; '));
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // The error below is the news; a failed ROLLBACK means the connection is gone, and the server rolls back.
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  private async onPooledClient<R>(run: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    try {
      return await run(client);
    } finally {
      client.release();
    }
  }
}

/** Sets the words of these rows in the full-text index (inside a write transaction). */
export async function upsertWords(client: pg.PoolClient, documents: readonly TextDocument[]): Promise<void> {
  if (documents.length === 0) return;
  const rows = documents.map((d) => ({ kind: TEXT_KINDS.indexOf(d.kind), id: d.id, words: d.words }));
  await client.query(
    `INSERT INTO stash_text_search (kind, entity_id, document)
     SELECT kind, id, array_to_tsvector(string_to_array(words, ' ')) FROM json_to_recordset($1::json) AS d(kind int2, id int, words text)
     ON CONFLICT (kind, entity_id) DO UPDATE SET document = excluded.document`,
    [JSON.stringify(rows)],
  );
}

/** One statement on this connection, rendered with PostgreSQL's placeholders. */
export async function runOn(client: pg.PoolClient, statement: SQL): Promise<pg.QueryResult> {
  const { sql: text, params } = pgDialect.sqlToQuery(statement);
  return client.query(text, params);
}
