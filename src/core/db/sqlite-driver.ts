/**
 * The SQLite connection as the store core uses it (StoreDriver), and the sync's write path on it:
 * every write runs in one transaction that first registers itself in stash_sync_writer, the only
 * way past the read-only triggers; a page's writes drop its tables' triggers for that transaction
 * and recreate them before it commits (liftReadOnlyGuards).
 */
import type Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { textKey } from '../search/marker-index';
import type { TextDocument } from './search-sql';
import type { FullTextDriver, Reader, StoreDriver, Written } from './store-core';

export type Statement = Database.Statement<unknown[]>;

const sqliteDialect = new SQLiteSyncDialect();

export class SqliteDriver implements StoreDriver {
  readonly syncReads: Reader = this;
  /** Triggers dropped inside the current write transaction, recreated before it commits. */
  private liftedGuards: { name: string; sql: string }[] = [];
  private textStatements: { remove: Statement; insert: Statement } | null = null;

  constructor(readonly db: Database.Database) {}

  async all<T>(query: SQL): Promise<T[]> {
    const { statement, params } = this.prepared(query);
    return statement.all(...params) as T[];
  }

  async column<T>(query: SQL): Promise<T[]> {
    const { statement, params } = this.prepared(query);
    return statement.pluck().all(...params) as T[];
  }

  async transaction(statements: readonly SQL[]): Promise<Written[]> {
    return this.write(() => statements.map((statement) => this.runNow(statement)));
  }

  async snapshot<T>(work: (reader: Reader) => Promise<T>): Promise<T> {
    // Statements run one after another on this thread: nothing interleaves with the transaction.
    this.db.exec('BEGIN');
    try {
      return await work(this);
    } finally {
      this.db.exec('COMMIT');
    }
  }

  now(): number {
    return Date.now();
  }

  toDate(value: unknown): Date {
    return new Date(value as number);
  }

  /**
   * FTS5 over one column of words; a row's text key (id × 4 + kind) is its rowid, so one contentless
   * table holds the words of markers, scenes, tags and performers.
   */
  readonly fullText: FullTextDriver = {
    wordHits: (word) => sql`SELECT group_concat(rowid) FROM stash_text_search WHERE stash_text_search MATCH ${`"${word}"*`}`,
    columnArray: (column) => `json_group_array(${column})`,
    clear: async () => {
      this.db.prepare(`INSERT INTO stash_text_search (stash_text_search) VALUES ('delete-all')`).run();
    },
    write: async (documents) => this.write(() => this.writeWords(documents, () => false)),
    optimize: async () => {
      this.write(() => this.db.prepare(`INSERT INTO stash_text_search (stash_text_search) VALUES ('optimize')`).run());
      // Sampled statistics: a tenth of a second less than reading every index whole, same plans.
      this.db.pragma('analysis_limit = 1000');
      this.db.exec('ANALYZE');
    },
    intact: async () => {
      try {
        this.db.prepare(`INSERT INTO stash_text_search (stash_text_search) VALUES ('integrity-check')`).run();
        return true;
      } catch (error) {
        if ((error as { code?: string }).code?.startsWith('SQLITE_CORRUPT')) return false;
        throw error;
      }
    },
  };

  /** One statement, now: a write only inside write(); its rows when it returns any. */
  runNow(query: SQL): Written {
    const { statement, params } = this.prepared(query);
    if (statement.reader) {
      const rows = statement.all(...params) as Record<string, unknown>[];
      return { changes: rows.length, rows };
    }
    return { changes: statement.run(...params).changes, rows: [] };
  }

  /**
   * The sync's write path: registered in stash_sync_writer for exactly this transaction (taking
   * over a row another connection may have committed there, which the closing delete then clears).
   * Guards lifted by the work are put back before it commits.
   */
  write<T>(work: () => T): T {
    return this.db.transaction(() => {
      this.db.prepare(`INSERT OR REPLACE INTO stash_sync_writer (token) VALUES ('sync')`).run();
      // A failing work rolls back, the drops with it.
      this.liftedGuards = [];
      const result = work();
      for (const { sql } of this.liftedGuards.splice(0)) this.db.exec(sql);
      this.db.prepare('DELETE FROM stash_sync_writer').run();
      return result;
    })();
  }

  /**
   * A page's writes would fire a read-only trigger for every row and join row, about a sixth of
   * the write time. Inside the sync's own write transaction those tables' triggers are dropped
   * and recreated before it commits: other connections only ever see committed state, in which
   * the triggers exist, and a crash rolls the drop back with the rest of the transaction.
   */
  liftReadOnlyGuards(tables: readonly string[]): void {
    const guards = this.db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(tables)) as { name: string; sql: string }[];
    for (const guard of guards) {
      this.db.exec(`DROP TRIGGER "${guard.name}"`);
      this.liftedGuards.push(guard);
    }
  }

  /**
   * Inside a write transaction; `mayBeIndexed` says which rows may have words indexed already. A
   * statement per row: FTS5 writes out its pending terms whenever a statement opens a savepoint,
   * which a multi-row INSERT does — that made the index several times slower to build.
   */
  writeWords(documents: readonly TextDocument[], mayBeIndexed: (id: number) => boolean): void {
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

  private prepared(query: SQL): { statement: Statement; params: unknown[] } {
    const { sql: text, params } = sqliteDialect.sqlToQuery(query);
    return { statement: this.db.prepare(text), params };
  }
}

/** Rows per multi-row INSERT: far below SQLite's 32,766 parameters for the widest row. */
const ROWS_PER_STATEMENT = 100;

/**
 * An INSERT of many rows, ROWS_PER_STATEMENT at a time: a statement per row spends more on the
 * statement (binding, stepping, resetting) than on the row — a page's join rows go in about twice
 * as fast this way. Each row still gets its own ON CONFLICT decision, in order.
 */
export class MultiRowInsert {
  private readonly one: Statement;
  private readonly many: Statement;
  private readonly params: unknown[];

  /** `into`: "INSERT INTO table (columns)"; `onConflict`: the clause after the values, if any. */
  constructor(
    db: Database.Database,
    into: string,
    private readonly width: number,
    onConflict = '',
  ) {
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
