/**
 * The embedded SQLite mirror (better-sqlite3). WAL mode lets readers read while the sync writes;
 * every write runs in one transaction that first registers itself in stash_sync_writer, the only
 * way past the read-only triggers; a page's writes drop its tables' triggers for that transaction
 * and recreate them before it commits (liftReadOnlyGuards).
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AnyRow, EntityName } from '../mirror-rows';
import { makePrivateDir } from '../paths';
import { inspectSqliteFile, makePrivateFile, MIRROR_APPLICATION_ID, mustOpenReadOnly, openReadOnlyMirror, restrictExisting } from './sqlite-file';
import { sql, type SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type { MarkerQuery, MarkerSearchResult } from '../search/query';
import { DEFERRED_INDEXES, ENTITY_TABLES, ROW_TABLES, tablesOf, runRowFromDb, toPageColumns, type PageColumns, saveStateParams, SEARCH_INDEXED_AT, SEARCH_STATE, SHARED_SQL, type EntityTable } from './mirror-sql';
import { textKey } from '../search/marker-index';
import {
  executeSearch,
  MarkerIndexCache,
  refreshSearchIndex,
  repairUnguardedTextIndex,
  textDocumentsOfPage,
  type SearchDialect,
  type SearchRefresh,
  type SearchStorage,
  type TextDocument,
} from './search-sql';
import {
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

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a throwaway mirror. */
  file: string;
  /** Open read-only even where the file could be written (as when its folder is not writable). */
  readOnly?: boolean;
  /** drizzle/sqlite; defaults to the project's folder. */
  migrationsFolder?: string;
  /** better-sqlite3's compiled addon; defaults to the one in node_modules. */
  nativeBinding?: string;
}

type Statement = Database.Statement<unknown[]>;

interface EntityStatements {
  /** The id, stash_updated_at and is_stale columns of a range of ids, each on its own. */
  listingColumns: [Statement, Statement, Statement];
  existingIds: Statement;
  upsert: MultiRowInsert;
  deleteJoins: Statement[];
  insertJoins: MultiRowInsert[];
  markStale: Statement;
}

/** Rows per multi-row INSERT: far below SQLite's 32,766 parameters for the widest row. */
const ROWS_PER_STATEMENT = 100;

/**
 * An INSERT of many rows, ROWS_PER_STATEMENT at a time: a statement per row spends more on the
 * statement (binding, stepping, resetting) than on the row — a page's join rows go in about twice
 * as fast this way. Each row still gets its own ON CONFLICT decision, in order.
 */
class MultiRowInsert {
  private readonly one: Statement;
  private readonly many: Statement;
  private readonly params: unknown[];

  /** `into`: "INSERT INTO table (columns)"; `onConflict`: the clause after the values, if any. */
  constructor(db: Database.Database, into: string, private readonly width: number, onConflict = '') {
    const row = `(${Array(width).fill('?').join(', ')})`;
    this.one = db.prepare(`${into} VALUES ${row} ${onConflict}`);
    this.many = db.prepare(`${into} VALUES ${Array(ROWS_PER_STATEMENT).fill(row).join(', ')} ${onConflict}`);
    this.params = new Array(width * ROWS_PER_STATEMENT);
  }

  /** Writes rows 0 … count - 1; fill(row, params, at) puts a row's values at params[at …]. */
  run(count: number, fill: (row: number, params: unknown[], at: number) => void): void {
    const { params, width } = this;
    let row = 0;
    for (; row + ROWS_PER_STATEMENT <= count; row += ROWS_PER_STATEMENT) {
      for (let k = 0; k < ROWS_PER_STATEMENT; k++) fill(row + k, params, k * width);
      this.many.run(params);
    }
    const single = params.slice(0, width);
    for (; row < count; row++) {
      fill(row, single, 0);
      this.one.run(single);
    }
  }
}

const inProcessLocks = new Set<string>();
const sqliteDialect = new SQLiteSyncDialect();

/**
 * FTS5 over one column of words; a row's text key (id × 4 + kind) is its rowid, so one contentless
 * table holds the words of markers, scenes, tags and performers.
 */
const SQLITE_SEARCH: SearchDialect = {
  wordHits: (word) => sql`SELECT group_concat(rowid) FROM stash_text_search WHERE stash_text_search MATCH ${`"${word}"*`}`,
};

export function defaultSqliteMigrationsFolder(): string {
  return resolve(dirname(new URL(import.meta.url).pathname), '../../../drizzle/sqlite');
}

export class SqliteMirrorStore implements MirrorStore {
  readonly location: string;
  readonly db: Database.Database;
  private readonly statements = new Map<EntityName, EntityStatements>();
  private readonly searchCache = new MarkerIndexCache();
  private textStatements: { remove: Statement; insert: Statement } | null = null;
  /** Rows the current sync's start indexed again (repairUnguarded), reported by its refresh. */
  private rowsIndexedAtStart = 0;
  /** Set by acquireSyncLock: the sync's first run repairs what other connections broke. */
  private repairBeforeFirstRun = false;
  /** Triggers dropped inside the current write transaction, recreated before it commits. */
  private liftedGuards: { name: string; sql: string }[] = [];

  private constructor(
    private readonly file: string,
    db: Database.Database,
    private readonly nativeBinding: string | undefined,
    private readonly migrationsFolder: string,
    /** Opened read-only (a file or folder we may not write): searchable, never synced. */
    readonly readOnly: boolean,
  ) {
    this.db = db;
    this.location = file;
  }

  static open(options: SqliteStoreOptions): SqliteMirrorStore {
    const file = options.file === ':memory:' ? ':memory:' : resolve(options.file);
    const migrationsFolder = options.migrationsFolder ?? defaultSqliteMigrationsFolder();
    const readOnly = file !== ':memory:' && prepareMirrorFile(file, options);
    const db = readOnly ? openReadOnlyMirror(file, options.nativeBinding) : new Database(file, { nativeBinding: options.nativeBinding });
    try {
      db.pragma('busy_timeout = 5000');
      if (readOnly) {
        requireCurrentSchema(db, file, migrationsFolder);
      } else {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        // Checkpoints fsync; a sync writes tens of MB, so checkpoint every 64 MB rather than 4 MB.
        db.pragma('wal_autocheckpoint = 16384');
        db.pragma('journal_size_limit = 67108864');
        migrateSqlite(db, file, migrationsFolder);
        if (db.pragma('application_id', { simple: true }) !== MIRROR_APPLICATION_ID) db.pragma(`application_id = ${MIRROR_APPLICATION_ID}`);
      }
      if (!readOnly && file !== ':memory:') for (const side of ['-wal', '-shm']) restrictExisting(`${file}${side}`);
    } catch (error) {
      db.close();
      throw error;
    }
    const store = new SqliteMirrorStore(file, db, options.nativeBinding, migrationsFolder, readOnly);
    if (!readOnly) store.restoreAfterCrash();
    return store;
  }

  async deferIndexes(): Promise<boolean> {
    const empty = ROW_TABLES.every((table) => !this.db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get());
    if (!empty) return false;
    const dropped = secondaryIndexesOf(this.db);
    if (dropped.length === 0) return false;
    this.writeTransaction(() => {
      // Recorded first, in the same transaction: a sync killed from here on leaves the mark.
      this.saveState(DEFERRED_INDEXES, {}, Date.now());
      for (const { name } of dropped) this.db.exec(`DROP INDEX "${name}"`);
    });
    return true;
  }

  async restoreIndexes(entity?: EntityName): Promise<void> {
    this.restoreIndexesNow(entity ? tablesOf(entity) : null);
  }

  /** Builds the dropped indexes of these tables, or of all tables and then clears the mark. */
  private restoreIndexesNow(tables: readonly string[] | null): void {
    if (!this.indexesDeferred()) return;
    const present = new Set(secondaryIndexesOf(this.db).map((index) => index.name));
    const missing = expectedSchema(this.migrationsFolder, this.nativeBinding).indexes.filter(
      (index) => !present.has(index.name) && (!tables || tables.includes(index.table)),
    );
    this.writeTransaction(() => {
      for (const { sql } of missing) this.db.exec(sql);
      if (!tables) this.db.prepare('DELETE FROM stash_sync_state WHERE entity = ?').run(DEFERRED_INDEXES);
    });
  }

  /** A first sync that died left its indexes dropped; a sync still running restores its own. */
  private restoreAfterCrash(): void {
    if (!this.indexesDeferred()) return;
    let lock: SyncLock;
    try {
      lock = this.lockNow();
    } catch (error) {
      // Another process's sync holds the mirror: it restores them when it ends, or the next open does.
      if (error instanceof SyncAlreadyRunningError) return;
      throw error;
    }
    try {
      this.restoreIndexesNow(null);
    } finally {
      void lock.release();
    }
  }

  private indexesDeferred(): boolean {
    return this.db.prepare(`SELECT 1 FROM stash_sync_state WHERE entity = ?`).get(DEFERRED_INDEXES) !== undefined;
  }

  async acquireSyncLock(): Promise<SyncLock> {
    const lock = this.lockNow();
    // Not yet: a sync that Stash refuses (a wrong URL or key) must leave the mirror untouched.
    this.repairBeforeFirstRun = true;
    return {
      release: async () => {
        this.repairBeforeFirstRun = false;
        await lock.release();
      },
    };
  }

  /**
   * Another connection may drop or change a read-only trigger, and may empty or damage the
   * full-text table, which as a virtual table carries none: each sync puts both right once Stash
   * has answered, before its first run and pages write (a damaged index would fail them). Costs one read of the schema table, a count
   * of the index and of the four tables it indexes, and FTS5's own check of the index, which reads
   * it whole: about 0.1 s per 300,000 indexed rows.
   */
  private async repairUnguarded(): Promise<void> {
    this.restoreReadOnlyGuards();
    this.rowsIndexedAtStart = await repairUnguardedTextIndex(this.searchStorage());
  }

  private lockNow(): SyncLock {
    const key = this.file;
    if (this.readOnly) throw new MirrorSchemaError(`The mirror at ${this.location} is read-only here: it can be searched, not synced`);
    if (inProcessLocks.has(key)) throw new SyncAlreadyRunningError(this.location);
    // An exclusive transaction on a side file: the OS drops it when the process dies, so a killed
    // sync never leaves a lock behind, and other processes fail at once instead of waiting.
    let lockDb: Database.Database | null = null;
    if (key !== ':memory:') {
      makePrivateFile(`${key}.sync-lock`);
      lockDb = new Database(`${key}.sync-lock`, { timeout: 0, nativeBinding: this.nativeBinding });
      try {
        lockDb.exec('BEGIN EXCLUSIVE');
      } catch (error) {
        lockDb.close();
        if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
          throw new SyncAlreadyRunningError(this.location);
        }
        throw error;
      }
    }
    inProcessLocks.add(key);
    return {
      release: async () => {
        inProcessLocks.delete(key);
        if (lockDb?.open) {
          lockDb.exec('ROLLBACK');
          lockDb.close();
        }
      },
    };
  }

  async readSyncState(entity: EntityName): Promise<SyncState> {
    const row = this.db.prepare(SHARED_SQL.readState).get(entity) as
      | { watermark: string | null; files_watermark: string | null }
      | undefined;
    return { watermark: row?.watermark ?? null, filesWatermark: row?.files_watermark ?? null };
  }

  async compareWithListing(entity: EntityName, listing: Listing, range = WHOLE_LISTING): Promise<ListingComparison> {
    const { ids, stamps } = listing;
    const changed: number[] = [];
    const vanished: number[] = [];
    let live = 0;
    let i = 0;
    // Three flat columns, read in one snapshot, come out about twice as fast as an array per row.
    const bounds = [range.after ?? -1, range.through ?? Number.MAX_SAFE_INTEGER];
    const columns = this.statementsFor(entity).listingColumns;
    const [mirrorIds, mirrorStamps, staleFlags] = this.db.transaction(
      () => columns.map((column) => column.all(bounds)) as [number[], string[], number[]],
    )();
    for (let row = 0; row < mirrorIds.length; row++) {
      const id = mirrorIds[row]!;
      const stamp = mirrorStamps[row];
      const isStale = staleFlags[row];
      if (!isStale) live++;
      while (i < ids.length && ids[i]! < id) changed.push(ids[i++]!);
      if (ids[i] === id) {
        if (isStale || stamps[i] !== stamp) changed.push(id);
        i++;
      } else if (!isStale) {
        vanished.push(id);
      }
    }
    while (i < ids.length) changed.push(ids[i++]!);
    return { changed, vanished, live };
  }

  async countLive(entity: EntityName): Promise<number> {
    return (this.db.prepare(SHARED_SQL.countLive(ENTITY_TABLES[entity].table)).get() as { n: number }).n;
  }

  async findDependents(entity: EntityName): Promise<number[]> {
    const sql = ENTITY_TABLES[entity].dependentsSql;
    if (!sql) return [];
    return this.db.prepare(sql).pluck().all() as number[];
  }

  async applyPage(entity: EntityName, rows: readonly AnyRow[], state?: Partial<SyncState>): Promise<number> {
    return this.applyColumns(entity, toPageColumns(entity, rows), state);
  }

  /** applyPage for a page in columns, the form in which pages come from the sync's thread. */
  async applyColumns(entity: EntityName, page: PageColumns, state?: Partial<SyncState>): Promise<number> {
    const s = this.statementsFor(entity);
    const { ids, stamps, values, joins } = page;
    const now = Date.now();
    this.writeTransaction(() => {
      this.liftReadOnlyGuards(tablesOf(entity));
      // A row new to the mirror owns no join rows yet, so there is nothing of its to delete (a
      // first sync skips most deletes). Tag edges are the exception: another tag's sync may have
      // written an edge to a tag not yet mirrored.
      const existing = entity === 'tags' ? null : new Set(s.existingIds.all(JSON.stringify(Array.from(ids))) as number[]);
      // Each row's parameters: id, stash_updated_at, synced_at, the columns, is_stale.
      s.upsert.run(ids.length, (i, params, at) => {
        params[at] = ids[i];
        params[at + 1] = stamps[i];
        params[at + 2] = now;
        for (let c = 0; c < values.length; c++) params[at + 3 + c] = values[c]![i];
        params[at + 3 + values.length] = 0;
      });
      // Every delete before any insert: with two join directions (tag edges) an insert of one
      // direction must not be undone by the other's delete.
      for (const id of ids) {
        if (existing && !existing.has(id)) continue;
        for (const del of s.deleteJoins) del.run(id);
      }
      joins.forEach(({ counts, others }, j) => {
        const owners = new Float64Array(others.length);
        for (let i = 0, k = 0; i < ids.length; i++) owners.fill(ids[i]!, k, (k += counts[i]!));
        s.insertJoins[j]!.run(others.length, (k, params, at) => {
          params[at] = owners[k];
          params[at + 1] = others[k];
          params[at + 2] = now;
        });
      });
      // The rows' words, in the same transaction: the search index never disagrees with the mirror.
      this.writeWords(textDocumentsOfPage(entity, page), (id) => !existing || existing.has(id));
      if (state) this.saveState(entity, state, now);
    });
    return ids.length;
  }

  /**
   * Inside a write transaction; `mayBeIndexed` says which rows may have words indexed already. A
   * statement per row: FTS5 writes out its pending terms whenever a statement opens a savepoint,
   * which a multi-row INSERT does — that made the index several times slower to build.
   */
  private writeWords(documents: readonly TextDocument[], mayBeIndexed: (id: number) => boolean): void {
    this.textStatements ??= {
      remove: this.db.prepare('DELETE FROM stash_text_search WHERE rowid = ?'),
      insert: this.db.prepare('INSERT INTO stash_text_search (rowid, words) VALUES (?, ?)'),
    };
    for (const d of documents) {
      const key = textKey(d.kind, d.id);
      if (mayBeIndexed(d.id)) this.textStatements.remove.run(key);
      this.textStatements.insert.run(key, d.words);
    }
  }

  async markStale(entity: EntityName, ids: readonly number[]): Promise<number> {
    const s = this.statementsFor(entity);
    let changed = 0;
    this.writeTransaction(() => {
      for (const id of ids) changed += s.markStale.run(id).changes;
    });
    return changed;
  }

  async startRun(run: RunRecord): Promise<number> {
    if (this.repairBeforeFirstRun) {
      this.repairBeforeFirstRun = false;
      await this.repairUnguarded();
    }
    let id = 0;
    this.writeTransaction(() => {
      const row = this.db.prepare(SHARED_SQL.startRun).get(run.runId, run.entity, run.mode, Date.now()) as { id: number };
      id = row.id;
    });
    return id;
  }

  async finishRun(runRowId: number, outcome: RunOutcome): Promise<void> {
    const { status, fetched, upserted, staleMarked, error } = outcome;
    this.writeTransaction(() => {
      this.db.prepare(SHARED_SQL.finishRun).run(status, Date.now(), fetched, upserted, staleMarked, error, runRowId);
    });
  }

  async closeAbandonedRuns(): Promise<number> {
    let changed = 0;
    this.writeTransaction(() => {
      changed = this.db.prepare(SHARED_SQL.closeAbandonedRuns).run(Date.now()).changes;
    });
    return changed;
  }

  async listRuns(limit = 50): Promise<SyncRunRow[]> {
    const rows = this.db.prepare(SHARED_SQL.listRuns).all(limit) as Record<string, unknown>[];
    return rows.map((r) => runRowFromDb(r, (ms) => new Date(ms as number)));
  }

  async refreshSearchIndex(options = { optimize: false }): Promise<SearchRefresh> {
    const refresh = await refreshSearchIndex(this.searchStorage(), options);
    // The sync reports the rows its start re-indexed with those of its end.
    const indexed = refresh.indexed + this.rowsIndexedAtStart;
    this.rowsIndexedAtStart = 0;
    return { ...refresh, indexed };
  }

  /** Puts back a read-only trigger dropped or changed by hand since the migrations made it. */
  private restoreReadOnlyGuards(): void {
    const present = new Map((this.db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger'`).all() as SchemaObject[]).map((t) => [t.name, t.sql]));
    const wrong = expectedSchema(this.migrationsFolder, this.nativeBinding).triggers.filter((t) => present.get(t.name) !== t.sql);
    if (wrong.length === 0) return;
    this.writeTransaction(() => {
      for (const { name, sql } of wrong) this.db.exec(`DROP TRIGGER IF EXISTS "${name}"; ${sql}`);
    });
  }

  async searchMarkers(query: MarkerQuery): Promise<MarkerSearchResult> {
    return executeSearch(this.searchStorage(), query, SQLITE_SEARCH, this.searchCache);
  }

  private searchStorage(): SearchStorage {
    const prepared = (query: SQL) => {
      const { sql: text, params } = sqliteDialect.sqlToQuery(query);
      return { statement: this.db.prepare(text), params };
    };
    const all = async <T>(query: SQL) => {
      const { statement, params } = prepared(query);
      return statement.all(...params) as T[];
    };
    const storage: SearchStorage = {
      all,
      readSnapshot: async (work) => {
        // Statements run one after another on this thread: nothing interleaves with the transaction.
        this.db.exec('BEGIN');
        try {
          return await work(storage);
        } finally {
          this.db.exec('COMMIT');
        }
      },
      column: async <T>(query: SQL) => {
        const { statement, params } = prepared(query);
        return statement.pluck().all(...params) as T[];
      },
      writeStatements: async (statements) => {
        this.writeTransaction(() => {
          for (const statement of statements) {
            const { sql: text, params } = sqliteDialect.sqlToQuery(statement);
            this.db.prepare(text).run(...params);
          }
        });
      },
      clearDocuments: async () => {
        this.db.prepare(`INSERT INTO stash_text_search (stash_text_search) VALUES ('delete-all')`).run();
      },
      writeDocuments: async (documents) => {
        this.writeTransaction(() => this.writeWords(documents, () => false));
      },
      indexedSince: async () => (await this.read<{ t: number }>(SEARCH_INDEXED_AT))[0]?.t ?? null,
      markIndexed: async (at) => this.writeTransaction(() => this.saveState(SEARCH_STATE, {}, at as number)),
      now: () => Date.now(),
      unguardedIndexIntact: async () => {
        try {
          this.db.prepare(`INSERT INTO stash_text_search (stash_text_search) VALUES ('integrity-check')`).run();
          return true;
        } catch (error) {
          if ((error as { code?: string }).code?.startsWith('SQLITE_CORRUPT')) return false;
          throw error;
        }
      },
      optimize: async () => {
        this.writeTransaction(() => this.db.prepare(`INSERT INTO stash_text_search (stash_text_search) VALUES ('optimize')`).run());
        // Sampled statistics: a tenth of a second less than reading every index whole, same plans.
        this.db.pragma('analysis_limit = 1000');
        this.db.exec('ANALYZE');
      },
    };
    return storage;
  }

  async read<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.db.prepare(sql).all(...params) as T[];
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /**
   * The sync's write path: registered in stash_sync_writer for exactly this transaction (taking
   * over a row another connection may have committed there, which the closing delete then clears).
   * Guards lifted by the work are put back before it commits.
   */
  private writeTransaction(work: () => void): void {
    this.db.transaction(() => {
      this.db.prepare(`INSERT OR REPLACE INTO stash_sync_writer (token) VALUES ('sync')`).run();
      // A failing work rolls back, the drops with it.
      this.liftedGuards = [];
      work();
      for (const { sql } of this.liftedGuards.splice(0)) this.db.exec(sql);
      this.db.prepare('DELETE FROM stash_sync_writer').run();
    })();
  }

  /**
   * A page's writes would fire a read-only trigger for every row and join row, about a sixth of
   * the write time. Inside the sync's own write transaction those tables' triggers are dropped
   * and recreated before it commits: other connections only ever see committed state, in which
   * the triggers exist, and a crash rolls the drop back with the rest of the transaction.
   */
  private liftReadOnlyGuards(tables: readonly string[]): void {
    const guards = this.db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(tables)) as { name: string; sql: string }[];
    for (const guard of guards) {
      this.db.exec(`DROP TRIGGER "${guard.name}"`);
      this.liftedGuards.push(guard);
    }
  }

  private saveState(entity: string, state: Partial<SyncState>, now: number): void {
    const params = saveStateParams(entity, state, now).map((p) => (typeof p === 'boolean' ? Number(p) : p));
    this.db.prepare(SHARED_SQL.saveState).run(...params);
  }

  private statementsFor(entity: EntityName): EntityStatements {
    let s = this.statements.get(entity);
    if (!s) {
      const spec = ENTITY_TABLES[entity] as EntityTable<AnyRow>;
      const columns = ['id', 'stash_updated_at', 'synced_at', ...spec.columns.map((c) => c.column)];
      const updates = columns
        .filter((c) => c !== 'id')
        .map((c) => `${c} = excluded.${c}`)
        .concat('is_stale = false');
      const listingColumn = (name: string) =>
        this.db.prepare(`SELECT ${name} FROM ${spec.table} WHERE id > ? AND id <= ? ORDER BY id`).pluck();
      s = {
        listingColumns: [listingColumn('id'), listingColumn('stash_updated_at'), listingColumn('is_stale')],
        existingIds: this.db.prepare(`SELECT id FROM ${spec.table} WHERE id IN (SELECT value FROM json_each(?))`).pluck(),
        upsert: new MultiRowInsert(
          this.db,
          `INSERT INTO ${spec.table} (${columns.join(', ')}, is_stale)`,
          columns.length + 1,
          `ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
        ),
        deleteJoins: spec.joins.map((j) => this.db.prepare(`DELETE FROM ${j.table} WHERE ${j.ownerColumn} = ?`)),
        insertJoins: spec.joins.map(
          (j) => new MultiRowInsert(this.db, `INSERT INTO ${j.table} (${j.ownerColumn}, ${j.otherColumn}, synced_at)`, 3, 'ON CONFLICT DO NOTHING'),
        ),
        markStale: this.db.prepare(`UPDATE ${spec.table} SET is_stale = true WHERE id = ? AND NOT is_stale`),
      };
      this.statements.set(entity, s);
    }
    return s;
  }
}

interface SchemaObject {
  name: string;
  sql: string;
}

interface SecondaryIndex extends SchemaObject {
  table: string;
}

function secondaryIndexesOf(db: Database.Database): SecondaryIndex[] {
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
function expectedSchema(migrationsFolder: string, nativeBinding: string | undefined): { indexes: SecondaryIndex[]; triggers: SchemaObject[] } {
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

/**
 * Makes the path ready for the mirror and says whether it must open read-only. A foreign database
 * is refused here, before anything writes; a new mirror is created 0600 in a 0700 folder.
 */
function prepareMirrorFile(file: string, options: SqliteStoreOptions): boolean {
  const kind = inspectSqliteFile(file, options.nativeBinding);
  if (kind === 'mirror' && (options.readOnly || mustOpenReadOnly(file))) return true;
  if (kind === 'new') {
    makePrivateDir(dirname(file));
    makePrivateFile(file);
  } else {
    restrictExisting(file);
  }
  return false;
}

/** A read-only mirror cannot be migrated: it must already have every migration this version knows. */
function requireCurrentSchema(db: Database.Database, file: string, migrationsFolder: string): void {
  const known = readJournal(migrationsFolder).entries.length;
  const hasLedger = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`).get();
  const applied = hasLedger ? (db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n : 0;
  if (applied < known) {
    throw new MirrorSchemaError(`The mirror at ${file} is read-only and older than this version: open it once where it can be written, to update it`);
  }
}

function readJournal(migrationsFolder: string): { entries: { when: number; tag: string }[] } {
  const journalPath = join(migrationsFolder, 'meta', '_journal.json');
  if (!existsSync(journalPath)) {
    throw new MirrorSchemaError(`Mirror migrations not found at ${migrationsFolder}`);
  }
  return JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { when: number; tag: string }[] };
}

/**
 * Applies drizzle/sqlite in order, refusing a database that a newer version of the app migrated:
 * running against a schema we do not know could corrupt it.
 */
function migrateSqlite(db: Database.Database, file: string, migrationsFolder: string): void {
  const journal = readJournal(migrationsFolder);
  const newestKnown = Math.max(...journal.entries.map((e) => e.when));
  const hasLedger = db
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`)
    .get();
  if (hasLedger) {
    const applied = db.prepare('SELECT max(created_at) AS newest FROM __drizzle_migrations').get() as {
      newest: number | null;
    };
    if (applied.newest !== null && Number(applied.newest) > newestKnown) {
      throw new MirrorSchemaError(
        `The mirror database ${file} was migrated by a newer version of Stash Mirror; update the app or use another database`,
      );
    }
  }
  migrate(drizzle(db), { migrationsFolder });
}
