/**
 * The embedded SQLite mirror (better-sqlite3). WAL mode lets readers read while the sync writes;
 * the sync's write path is the driver's (sqlite-driver.ts). What SQLite does its own way lives
 * here: the page upsert on cached statements, the listing comparison in JS, the lock on a side
 * file, the deferred indexes read off a mirror migrated in memory, and the guards' repair.
 */
import Database from 'better-sqlite3';
import { dirname, resolve } from 'node:path';
import type { AnyRow, EntityName } from '../mirror-rows';
import { makePrivateDir } from '../paths';
import { inspectSqliteFile, makePrivateFile, MIRROR_APPLICATION_ID, mustOpenReadOnly, openReadOnlyMirror, restrictExisting } from './sqlite-file';
import { ENTITY_TABLES, ROW_TABLES, tablesOf, toPageColumns, type PageColumns, type EntityTable } from './mirror-sql';
import { repairUnguardedTextIndex, textDocumentsOfPage } from './search-sql';
import { MultiRowInsert, SqliteDriver, type Statement } from './sqlite-driver';
import { expectedSchema, migrateSqlite, requireCurrentSchema, secondaryIndexesOf, type SchemaObject } from './sqlite-schema';
import { MirrorStoreCore } from './store-core';
import { clearMirrorState, DEFERRED_INDEXES, readMirrorState, saveMirrorState, saveState } from './store-sql';
import { MirrorSchemaError, SyncAlreadyRunningError, WHOLE_LISTING } from './store';
import type { Listing, ListingComparison, SyncLock, SyncState } from './store';

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

interface EntityStatements {
  /** The id, stash_updated_at and is_stale columns of a range of ids, each on its own. */
  listingColumns: [Statement, Statement, Statement];
  existingIds: Statement;
  upsert: MultiRowInsert;
  deleteJoins: Statement[];
  insertJoins: MultiRowInsert[];
  markStale: Statement;
}

const inProcessLocks = new Set<string>();

export function defaultSqliteMigrationsFolder(): string {
  return resolve(dirname(new URL(import.meta.url).pathname), '../../../drizzle/sqlite');
}

export class SqliteMirrorStore extends MirrorStoreCore<SqliteDriver> {
  readonly location: string;
  readonly db: Database.Database;
  private readonly statements = new Map<EntityName, EntityStatements>();
  /** Set by acquireSyncLock: the sync's first run repairs what other connections broke. */
  private repairBeforeFirstRun = false;

  private constructor(
    private readonly file: string,
    db: Database.Database,
    private readonly nativeBinding: string | undefined,
    private readonly migrationsFolder: string,
    /** Opened read-only (a file or folder we may not write): searchable, never synced. */
    readonly readOnly: boolean,
  ) {
    super(new SqliteDriver(db));
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

  async applyPage(entity: EntityName, rows: readonly AnyRow[], state?: Partial<SyncState>): Promise<number> {
    return this.applyColumns(entity, toPageColumns(entity, rows), state);
  }

  async markStale(entity: EntityName, ids: readonly number[]): Promise<number> {
    const s = this.statementsFor(entity);
    return this.driver.write(() => ids.reduce((changed, id) => changed + s.markStale.run(id).changes, 0));
  }

  async deferIndexes(): Promise<boolean> {
    const empty = ROW_TABLES.every((table) => !this.db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get());
    if (!empty) return false;
    const dropped = secondaryIndexesOf(this.db);
    if (dropped.length === 0) return false;
    this.driver.write(() => {
      // Recorded first, in the same transaction: a sync killed from here on leaves the mark.
      // The definitions are the migrations' (expectedSchema): the mark needs no value.
      this.driver.runNow(saveMirrorState(DEFERRED_INDEXES, null, Date.now()));
      for (const { name } of dropped) this.db.exec(`DROP INDEX "${name}"`);
    });
    return true;
  }

  async restoreIndexes(entity?: EntityName): Promise<void> {
    this.restoreIndexesNow(entity ? tablesOf(entity) : null);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** applyPage for a page in columns, the form in which pages come from the sync's thread. */
  async applyColumns(entity: EntityName, page: PageColumns, state?: Partial<SyncState>): Promise<number> {
    const s = this.statementsFor(entity);
    const { ids, stamps, values, joins } = page;
    const now = Date.now();
    this.driver.write(() => {
      this.driver.liftReadOnlyGuards(tablesOf(entity));
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
      this.driver.writeWords(textDocumentsOfPage(entity, page), (id) => !existing || existing.has(id));
      if (state) this.driver.runNow(saveState(entity, state, now));
    });
    return ids.length;
  }

  /**
   * Another connection may drop or change a read-only trigger, and may empty or damage the
   * full-text table, which as a virtual table carries none: each sync puts both right once Stash
   * has answered, before its first run and pages write (a damaged index would fail them). Costs one read of the schema table, a count
   * of the index and of the four tables it indexes, and FTS5's own check of the index, which reads
   * it whole: about 0.1 s per 300,000 indexed rows.
   */
  protected override async beforeRun(): Promise<void> {
    if (!this.repairBeforeFirstRun) return;
    this.repairBeforeFirstRun = false;
    this.restoreReadOnlyGuards();
    this.rowsIndexedAtStart = await repairUnguardedTextIndex(this.searchStorage());
  }

  /** Puts back a read-only trigger dropped or changed by hand since the migrations made it. */
  private restoreReadOnlyGuards(): void {
    const present = new Map(
      (this.db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger'`).all() as SchemaObject[]).map((t) => [t.name, t.sql]),
    );
    const wrong = expectedSchema(this.migrationsFolder, this.nativeBinding).triggers.filter((t) => present.get(t.name) !== t.sql);
    if (wrong.length === 0) return;
    this.driver.write(() => {
      for (const { name, sql } of wrong) this.db.exec(`DROP TRIGGER IF EXISTS "${name}"; ${sql}`);
    });
  }

  /** Builds the dropped indexes of these tables, or of all tables and then clears the mark. */
  private restoreIndexesNow(tables: readonly string[] | null): void {
    if (!this.indexesDeferred()) return;
    const present = new Set(secondaryIndexesOf(this.db).map((index) => index.name));
    const missing = expectedSchema(this.migrationsFolder, this.nativeBinding).indexes.filter(
      (index) => !present.has(index.name) && (!tables || tables.includes(index.table)),
    );
    this.driver.write(() => {
      for (const { sql } of missing) this.db.exec(sql);
      if (!tables) this.driver.runNow(clearMirrorState(DEFERRED_INDEXES));
    });
  }

  /**
   * A first sync that died left its indexes dropped; a sync still running restores its own. Here,
   * not in the core: opening a SQLite mirror is synchronous, and so is this.
   */
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
    return this.driver.runNow(readMirrorState(DEFERRED_INDEXES)).rows.length > 0;
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

  private statementsFor(entity: EntityName): EntityStatements {
    let s = this.statements.get(entity);
    if (!s) {
      const spec = ENTITY_TABLES[entity] as EntityTable<AnyRow>;
      const columns = ['id', 'stash_updated_at', 'synced_at', ...spec.columns.map((c) => c.column)];
      const updates = columns
        .filter((c) => c !== 'id')
        .map((c) => `${c} = excluded.${c}`)
        .concat('is_stale = false');
      const listingColumn = (name: string) => this.db.prepare(`SELECT ${name} FROM ${spec.table} WHERE id > ? AND id <= ? ORDER BY id`).pluck();
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
