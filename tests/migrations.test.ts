/**
 * The migration folders against the one schema definition and against each other:
 *  - each folder is up to date with mirror-tables.ts (drizzle-kit finds nothing to generate);
 *  - drizzle/sqlite and drizzle/pg hold the same migrations in the same order;
 *  - migrated, both engines hold the same tables, columns, keys and indexes, and PostgreSQL
 *    refuses writes outside the sync (needs TEST_DATABASE_URL).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_WRITTEN_TABLES } from '../src/core/db/mirror-tables';
import { MIRROR_COLUMNS } from '../src/core/db/mirror-types';
import { SqliteMirrorStore } from '../src/core/db/sqlite-store';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

const DIALECTS = {
  sqlite: { dialect: 'sqlite', schema: 'drizzle/sqlite-schema.cjs', folder: 'drizzle/sqlite' },
  pg: { dialect: 'postgresql', schema: 'drizzle/pg-schema.cjs', folder: 'drizzle/pg' },
} as const;

/** Every file under dir with its content, so any added or rewritten file shows up. */
function snapshotFolder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(dir, path)] = readFileSync(path, 'utf8');
  }
  return files;
}

interface Journal {
  entries: { idx: number; tag: string }[];
}

function readJournal(folder: string): Journal {
  return JSON.parse(readFileSync(join(root, folder, 'meta', '_journal.json'), 'utf8')) as Journal;
}

/** JSON with object keys sorted: drizzle-kit writes a custom migration's snapshot keys in another order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Tags of custom migrations: a custom migration changes no schema, so its snapshot equals the
 * previous one apart from its own id and prevId.
 */
function customTags(folder: string): string[] {
  const schemaOf = (tag: string) => {
    const prefix = tag.split('_')[0] ?? tag;
    const {
      id: _id,
      prevId: _prevId,
      ...rest
    } = JSON.parse(readFileSync(join(root, folder, 'meta', `${prefix}_snapshot.json`), 'utf8')) as Record<string, unknown>;
    return canonicalJson(rest);
  };
  const tags = readJournal(folder).entries.map((e) => e.tag);
  return tags.filter((tag, i) => i > 0 && schemaOf(tag) === schemaOf(tags[i - 1] ?? ''));
}

describe('migration folders are up to date with mirror-tables.ts', () => {
  for (const [name, d] of Object.entries(DIALECTS)) {
    it(`drizzle-kit generates nothing new for ${d.folder}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `stash-mirror-generate-${name}-`));
      try {
        const out = join(dir, 'out');
        cpSync(join(root, d.folder), out, { recursive: true });
        // Plain object: importing drizzle-kit's defineConfig would not resolve from the temp dir.
        // drizzle-kit reads `out` as relative to the working directory (it prefixes './').
        writeFileSync(
          join(dir, 'drizzle.config.ts'),
          `export default ${JSON.stringify({ dialect: d.dialect, schema: join(root, d.schema), out: './out' })};\n`,
        );
        const before = snapshotFolder(out);
        const { stdout, stderr } = await run(join(root, 'node_modules/.bin/drizzle-kit'), ['generate', '--config', 'drizzle.config.ts'], {
          cwd: dir,
          timeout: 45_000,
          env: { ...process.env, CI: 'true' },
        });
        const after = snapshotFolder(out);
        expect(
          Object.keys(after).filter((f) => !(f in before)),
          `${d.folder} is out of date with mirror-tables.ts: run npm run db:generate\n${stdout}${stderr}`,
        ).toEqual([]);
        expect(after, `drizzle-kit rewrote files in ${d.folder}`).toEqual(before);
        // drizzle-kit exits 0 even when it fails to read the folder: unchanged files alone prove
        // nothing, so also require its verdict.
        expect(`${stdout}${stderr}`).toContain('No schema changes');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('drizzle/sqlite and drizzle/pg hold the same migrations', () => {
  it('have the same journal tags in the same order', () => {
    const sqlite = readJournal(DIALECTS.sqlite.folder).entries.map((e) => e.tag);
    const pgTags = readJournal(DIALECTS.pg.folder).entries.map((e) => e.tag);
    expect(pgTags).toEqual(sqlite);
    expect(sqlite.length).toBeGreaterThan(0);
  });

  it('have each custom migration in both', () => {
    const sqlite = customTags(DIALECTS.sqlite.folder);
    expect(sqlite).toContain('0001_readonly_triggers');
    expect(customTags(DIALECTS.pg.folder)).toEqual(sqlite);
  });

  it("hold exactly the journal's SQL files", () => {
    for (const d of Object.values(DIALECTS)) {
      const tags = readJournal(d.folder).entries.map((e) => `${e.tag}.sql`);
      const files = readdirSync(join(root, d.folder)).filter((f) => f.endsWith('.sql'));
      expect(files.sort(), d.folder).toEqual([...tags].sort());
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The same schema on both engines

/**
 * Each PostgreSQL column type and the SQLite type affinity the same logical column must have
 * (see docs/schema-type-map.md). A PostgreSQL type missing here fails the comparison on purpose:
 * a new type needs a decision about how it reads back on SQLite.
 */
const PG_TYPE_TO_SQLITE_AFFINITY: Record<string, 'INTEGER' | 'TEXT' | 'REAL'> = {
  integer: 'INTEGER',
  bigint: 'INTEGER', // file sizes: int8 vs SQLite's 64-bit integers
  boolean: 'INTEGER', // SQLite stores 0/1
  'timestamp with time zone': 'INTEGER', // SQLite stores epoch milliseconds
  text: 'TEXT',
  'double precision': 'REAL',
};

/** SQLite's rules for a declared type's affinity (https://sqlite.org/datatype3.html §3.1). */
function sqliteAffinity(declared: string): string {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'INTEGER';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'TEXT';
  if (t === '' || t.includes('BLOB')) return 'BLOB';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'REAL';
  return 'NUMERIC';
}

/**
 * One indexed key, dialect-neutral: a plain column, or `lower(column)` / a NOCASE column, which
 * both mean "this column, case-insensitively". Anything else is kept as `expr:` text and will
 * not match the other engine.
 */
type IndexKey = string;

interface IndexShape {
  keys: IndexKey[];
  unique: boolean;
  partial: boolean;
}

interface TableShape {
  /** name → "<affinity> null|not null" */
  columns: Record<string, string>;
  primaryKey: string[];
  /** Non-key indexes by name. */
  indexes: Record<string, IndexShape>;
  /** Column lists of UNIQUE constraints (their index names differ by engine). */
  uniques: string[][];
}

type SchemaShape = Record<string, TableShape>;

const MIGRATION_BOOKKEEPING = new Set(['__drizzle_migrations']);
/**
 * The marker search index differs by engine on purpose (docs/schema-type-map.md): an FTS5 virtual
 * table with its shadow tables in SQLite, a tsvector table with a GIN index in PostgreSQL. Both are
 * keyed by marker id and hold the same normalized words; they are left out of the shape comparison.
 */
const ENGINE_SPECIFIC = (table: string) => MIGRATION_BOOKKEEPING.has(table) || table.startsWith('stash_text_search');

function sqliteShape(db: SqliteMirrorStore['db']): SchemaShape {
  const shape: SchemaShape = {};
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  for (const table of tables.filter((t) => !ENGINE_SPECIFIC(t))) {
    const info = db.prepare('SELECT name, type, "notnull", pk FROM pragma_table_info(?)').all(table) as {
      name: string;
      type: string;
      notnull: number;
      pk: number;
    }[];
    const columns: Record<string, string> = {};
    for (const c of info) columns[c.name] = `${sqliteAffinity(c.type)} ${c.notnull ? 'not null' : 'null'}`;
    const primaryKey = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);

    const indexes: Record<string, IndexShape> = {};
    const uniques: string[][] = [];
    const list = db.prepare('SELECT name, "unique", origin, partial FROM pragma_index_list(?)').all(table) as {
      name: string;
      unique: number;
      origin: 'c' | 'u' | 'pk';
      partial: number;
    }[];
    for (const ix of list) {
      if (ix.origin === 'pk') continue;
      const keys = (
        db.prepare('SELECT cid, name, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno').all(ix.name) as {
          cid: number;
          name: string | null;
          coll: string | null;
        }[]
      ).map((k): IndexKey => {
        if (k.cid === -2 || k.name === null) return `expr:${ix.name}`;
        return k.coll?.toUpperCase() === 'NOCASE' ? `lower(${k.name})` : k.name;
      });
      if (ix.origin === 'u') uniques.push(keys);
      else indexes[ix.name] = { keys, unique: ix.unique === 1, partial: ix.partial === 1 };
    }
    shape[table] = { columns, primaryKey, indexes, uniques: uniques.sort() };
  }
  return shape;
}

async function pgShape(client: pg.Client): Promise<SchemaShape> {
  const shape: SchemaShape = {};
  const tables = (
    await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  ).rows.map((r) => r.table_name);
  for (const table of tables.filter((t) => !ENGINE_SPECIFIC(t))) {
    const columns: Record<string, string> = {};
    const cols = await client.query<{ column_name: string; data_type: string; is_nullable: 'YES' | 'NO' }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = $1`,
      [table],
    );
    for (const c of cols.rows) {
      const affinity = PG_TYPE_TO_SQLITE_AFFINITY[c.data_type] ?? `unmapped PostgreSQL type ${c.data_type}`;
      columns[c.column_name] = `${affinity} ${c.is_nullable === 'NO' ? 'not null' : 'null'}`;
    }

    // One row per index key; pg_get_indexdef(oid, n, true) renders key n as a column or expression.
    const keys = await client.query<{
      index_name: string;
      is_primary: boolean;
      is_unique: boolean;
      is_partial: boolean;
      constraint_type: string | null;
      key: string;
      is_column: boolean;
    }>(
      `SELECT ic.relname AS index_name, i.indisprimary AS is_primary, i.indisunique AS is_unique,
              i.indpred IS NOT NULL AS is_partial, con.contype AS constraint_type,
              pg_get_indexdef(i.indexrelid, k.n::int, true) AS key, i.indkey[k.n - 1] <> 0 AS is_column
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype IN ('p', 'u')
       CROSS JOIN LATERAL generate_series(1, i.indnkeyatts) AS k(n)
       WHERE i.indrelid = $1::regclass
       ORDER BY ic.relname, k.n`,
      [`public.${table}`],
    );
    const primaryKey: string[] = [];
    const indexes: Record<string, IndexShape> = {};
    const uniqueByIndex = new Map<string, string[]>();
    for (const k of keys.rows) {
      const column = /^"?(\w+)"?$/.exec(k.key)?.[1];
      const lowered = /^lower\("?(\w+)"?\)$/.exec(k.key)?.[1];
      const key: IndexKey = k.is_column && column ? column : lowered ? `lower(${lowered})` : `expr:${k.key}`;
      if (k.is_primary) primaryKey.push(key);
      else if (k.constraint_type === 'u') uniqueByIndex.set(k.index_name, [...(uniqueByIndex.get(k.index_name) ?? []), key]);
      else {
        const ix = (indexes[k.index_name] ??= { keys: [], unique: k.is_unique, partial: k.is_partial });
        ix.keys.push(key);
      }
    }
    shape[table] = { columns, primaryKey, indexes, uniques: [...uniqueByIndex.values()].sort() };
  }
  return shape;
}

/** A row that satisfies every NOT NULL column without a default, by PostgreSQL type. */
async function sampleInsert(client: pg.Client, table: string): Promise<string> {
  const cols = await client.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = $1 AND is_nullable = 'NO' AND column_default IS NULL
     ORDER BY ordinal_position`,
    [table],
  );
  const literal: Record<string, string> = {
    integer: '1',
    bigint: '6442450944',
    boolean: 'false',
    'timestamp with time zone': 'now()',
    text: `'x'`,
    'double precision': '1.5',
  };
  const names = cols.rows.map((c) => `"${c.column_name}"`);
  const values = cols.rows.map((c) => {
    const v = literal[c.data_type];
    if (!v) throw new Error(`no sample value for ${table}.${c.column_name} (${c.data_type})`);
    return v;
  });
  return `INSERT INTO "${table}" (${names.join(', ')}) VALUES (${values.join(', ')})`;
}

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

describe.skipIf(!TEST_DATABASE_URL)(
  `the same schema on SQLite and PostgreSQL${TEST_DATABASE_URL ? '' : ' (skipped: TEST_DATABASE_URL not set)'}`,
  () => {
    const database = `stash_mirror_check_${randomBytes(6).toString('hex')}`;
    const databaseUrl = (() => {
      const url = new URL(TEST_DATABASE_URL ?? 'postgres://unset');
      url.pathname = `/${database}`;
      return url.toString();
    })();
    let created = false;
    let client: pg.Client | undefined;
    let dir: string | undefined;
    let sqlite: SchemaShape;
    let postgres: SchemaShape;

    let setupError: unknown;
    /**
     * An unreachable server must fail every test below, not just the hook: a hook failure leaves
     * the tests "skipped", and CI reads the pass/fail/skip counts.
     */
    function ready(): void {
      if (setupError === undefined) return;
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever else was thrown, printed as JavaScript prints it
      const reason = setupError instanceof Error ? setupError.message : String(setupError);
      throw new Error(`PostgreSQL at TEST_DATABASE_URL: ${reason}`, { cause: setupError });
    }

    beforeAll(async () => {
      try {
        await setUp();
      } catch (error) {
        setupError = error;
      }
    });

    async function setUp(): Promise<void> {
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 10_000 });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${database}"`);
        created = true;
      } finally {
        await admin.end();
      }
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
      try {
        await migrate(drizzle(pool), { migrationsFolder: join(root, DIALECTS.pg.folder) });
      } finally {
        await pool.end();
      }
      client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      postgres = await pgShape(client);

      dir = mkdtempSync(join(tmpdir(), 'stash-mirror-migrations-'));
      const store = SqliteMirrorStore.open({ file: join(dir, 'mirror.db') });
      try {
        sqlite = sqliteShape(store.db);
      } finally {
        await store.close();
      }
    }

    afterAll(async () => {
      await client?.end();
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (!created) return;
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 10_000 });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    });

    it('has the same tables', () => {
      ready();
      expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
      for (const table of SYNC_WRITTEN_TABLES) expect(Object.keys(sqlite)).toContain(table);
    });

    it('has the same columns, with matching types and nullability', () => {
      ready();
      for (const table of Object.keys(sqlite)) expect(postgres[table]?.columns, table).toEqual(sqlite[table]?.columns);
      for (const [table, columns] of Object.entries(MIRROR_COLUMNS)) {
        expect(Object.keys(postgres[table]?.columns ?? {}).sort(), table).toEqual([...columns].sort());
      }
    });

    it('has the same primary keys', () => {
      ready();
      for (const table of Object.keys(sqlite)) {
        expect(postgres[table]?.primaryKey, table).toEqual(sqlite[table]?.primaryKey);
        expect(sqlite[table]?.primaryKey.length, `${table} has a primary key`).toBeGreaterThan(0);
      }
    });

    it('has the same indexes and unique constraints', () => {
      ready();
      for (const table of Object.keys(sqlite)) {
        expect(postgres[table]?.indexes, table).toEqual(sqlite[table]?.indexes);
        expect(postgres[table]?.uniques, table).toEqual(sqlite[table]?.uniques);
      }
      // The comparison must have something to compare: the case-insensitive and partial indexes.
      expect(postgres.stash_tags?.indexes.stash_tags_name_ci_idx?.keys).toEqual(['lower(name)']);
      expect(postgres.stash_tags?.indexes.stash_tags_stale_idx?.partial).toBe(true);
    });

    it('refuses writes to every sync-written table outside the sync, and accepts them inside it', async () => {
      ready();
      const c = client!;
      for (const table of SYNC_WRITTEN_TABLES) {
        const insert = await sampleInsert(c, table);
        const readOnly = `${table} is read-only: only the Stash sync writes the mirror`;
        await expect(c.query(insert), table).rejects.toThrow(readOnly);

        await c.query('BEGIN');
        try {
          await c.query(`SELECT set_config('stash_mirror.sync_writer', 'on', true)`);
          await c.query(insert);
          await c.query('COMMIT');
        } catch (error) {
          await c.query('ROLLBACK');
          throw error;
        }
        expect((await c.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0], table).toEqual({ n: 1 });

        // The mark is transaction-local: the same session is refused again right after COMMIT.
        await expect(c.query(insert), table).rejects.toThrow(readOnly);
        await expect(c.query(`DELETE FROM "${table}"`), table).rejects.toThrow(readOnly);
        await expect(c.query(`TRUNCATE "${table}"`), table).rejects.toThrow(readOnly);
        const anyColumn = insert.match(/\("([^"]+)"/)?.[1];
        await expect(c.query(`UPDATE "${table}" SET "${anyColumn}" = "${anyColumn}"`), table).rejects.toThrow(readOnly);
        expect((await c.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0], table).toEqual({ n: 1 });
      }
    });
  },
);
