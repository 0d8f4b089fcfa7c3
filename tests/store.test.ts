/** The SQLite mirror itself: migrations, read-only protection, and the sync lock; and the indexes both engines need. */
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYNC_WRITTEN_TABLES } from '../src/core/db/mirror-tables';
import { MIRROR_COLUMNS } from '../src/core/db/mirror-types';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqliteDb } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePgDb } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { defaultPgMigrationsFolder } from '../src/core/db/pg-store';
import { defaultSqliteMigrationsFolder, SqliteMirrorStore } from '../src/core/db/sqlite-store';
import { MirrorSchemaError, SyncAlreadyRunningError, type MirrorStore } from '../src/core/db/store';
import { createMirrorDatabase, describeEachDialect, startHarness, type Dialect, type MirrorDatabase } from './support/harness';
import { expectExclusiveSyncLock } from './support/sync-lock';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stash-mirror-store-'));
  file = join(dir, 'mirror.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const scene = {
  id: 1,
  title: 'A',
  date: '2021-05',
  details: null,
  filesize: 3 * 2 ** 31,
  duration: 61.5,
  performerIds: [2],
  tagIds: [3],
  stashUpdatedAt: '2025-01-10T14:03:22+01:00',
  basename: null,
  rating100: null,
  organized: false,
  studioId: null,
  filesUpdatedAt: null,
};

describe('mirror tables are read-only outside the sync', () => {
  it('refuses INSERT, UPDATE and DELETE on every mirror table from any other connection', async () => {
    // A row in every table, each written the only way the app writes it: through the sync's store.
    const store = SqliteMirrorStore.open({ file });
    // A first sync's mark in stash_mirror_state, left as a sync that died leaves it.
    await store.deferIndexes();
    await store.applyPage('performers', [{ id: 2, name: 'P', gender: null, imagePath: null, favorite: true, tagIds: [3], stashUpdatedAt: 'x' }]);
    await store.applyPage('tags', [
      { id: 3, name: 'T', parentIds: [], childIds: [4], stashUpdatedAt: 'x' },
      { id: 4, name: 'U', parentIds: [3], childIds: [], stashUpdatedAt: 'x' },
    ]);
    await store.applyPage('studios', [{ id: 6, name: 'S', parentId: null, imagePath: null, stashUpdatedAt: 'x' }]);
    await store.applyPage('scenes', [scene], { watermark: 'x' });
    await store.applyPage('markers', [
      { id: 5, sceneId: 1, title: 'M', seconds: 1, endSeconds: null, primaryTagId: 3, tagIds: [4], stashUpdatedAt: 'x' },
    ]);
    await store.startRun({ runId: 'r', entity: 'scenes', mode: 'full' });
    await store.refreshSearchIndex();
    await store.close();
    const other = new Database(file);
    const count = (table: string) => other.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    for (const table of SYNC_WRITTEN_TABLES) {
      const rows = count(table);
      expect(rows, table).toBeGreaterThan(0);
      const columns = other.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
      const refused = `${table} is read-only: only the Stash sync writes the mirror`;
      const values = columns.map(() => '1').join(', ');
      expect(() => other.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values})`).run(), table).toThrow(refused);
      expect(() => other.prepare(`UPDATE ${table} SET ${columns[1]} = ${columns[1]}`).run(), table).toThrow(refused);
      expect(() => other.prepare(`DELETE FROM ${table}`).run(), table).toThrow(refused);
      expect(count(table), table).toBe(rows);
    }
    expect(other.prepare('SELECT title FROM stash_scenes').pluck().get()).toBe('A');
    other.close();
  });

  const guards = (store: SqliteMirrorStore) => store.db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).all();

  it('keeps every guard as the migrations made it after the sync writes pages, and after a page fails', async () => {
    const store = SqliteMirrorStore.open({ file });
    const migrated = guards(store);
    await store.applyPage('scenes', [scene]);
    await store.applyPage('markers', [
      { id: 5, sceneId: 1, title: 'M', seconds: 1, endSeconds: null, primaryTagId: 3, tagIds: [4], stashUpdatedAt: 'x' },
    ]);
    expect(guards(store)).toEqual(migrated);
    // A NOT NULL column left null: the page's transaction fails after its guards were lifted.
    const broken = { ...scene, id: 2, stashUpdatedAt: null as unknown as string };
    await expect(store.applyPage('scenes', [broken])).rejects.toThrow(/NOT NULL/);
    expect(guards(store)).toEqual(migrated);
    await store.close();
    const other = new Database(file);
    expect(() => other.prepare('DELETE FROM stash_scenes').run()).toThrow(/stash_scenes is read-only/);
    expect(other.prepare('SELECT count(*) FROM stash_scenes').pluck().get()).toBe(1);
    other.close();
  });

  it('takes over a writer mark another connection committed, and clears it with its first write', async () => {
    const store = SqliteMirrorStore.open({ file });
    await store.applyPage('scenes', [scene]);
    // Someone impersonates the sync: the guard lets them through while their mark stands.
    const other = new Database(file);
    other.prepare(`INSERT INTO stash_sync_writer (token) VALUES ('sync')`).run();
    await store.applyPage('scenes', [{ ...scene, title: 'B' }]);
    expect(other.prepare('SELECT count(*) FROM stash_sync_writer').pluck().get()).toBe(0);
    expect(() => other.prepare('DELETE FROM stash_scenes').run()).toThrow(/stash_scenes is read-only/);
    expect(other.prepare('SELECT title FROM stash_scenes').pluck().get()).toBe('B');
    other.close();
    await store.close();
  });

  it('has three guarding triggers per mirror table', () => {
    const store = SqliteMirrorStore.open({ file });
    const triggers = store.db.prepare(`SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'`).all() as { tbl_name: string }[];
    for (const table of SYNC_WRITTEN_TABLES)
      expect(
        triggers.filter((t) => t.tbl_name === table),
        table,
      ).toHaveLength(3);
    void store.close();
  });
});

describe('the migrated schema', () => {
  it('has exactly the columns the read-only record types declare', async () => {
    const store = SqliteMirrorStore.open({ file });
    for (const [table, columns] of Object.entries(MIRROR_COLUMNS)) {
      const actual = store.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
      expect(actual.sort(), table).toEqual([...columns].sort());
    }
    await store.close();
  });
});

describe('values round-trip exactly', () => {
  it('keeps sizes beyond 2^31, fractional seconds, partial dates and the exact Stash timestamp', async () => {
    const store = SqliteMirrorStore.open({ file });
    await store.applyPage('scenes', [scene], { watermark: scene.stashUpdatedAt });
    expect(store.db.prepare('SELECT filesize, duration, date, stash_updated_at FROM stash_scenes').get()).toEqual({
      filesize: 3 * 2 ** 31,
      duration: 61.5,
      date: '2021-05',
      stash_updated_at: '2025-01-10T14:03:22+01:00',
    });
    expect(await store.readSyncState('scenes')).toEqual({ watermark: scene.stashUpdatedAt, filesWatermark: null });
    await store.close();
  });

  it("replaces a row's join rows whole when it is written again", async () => {
    const store = SqliteMirrorStore.open({ file });
    await store.applyPage('scenes', [scene]);
    await store.applyPage('scenes', [{ ...scene, performerIds: [7, 8], tagIds: [] }]);
    expect(store.db.prepare('SELECT performer_id FROM stash_scene_performers ORDER BY 1').pluck().all()).toEqual([7, 8]);
    expect(store.db.prepare('SELECT count(*) FROM stash_scene_tags').pluck().get()).toBe(0);
    await store.close();
  });
});

describeEachDialect('writing a page', (dialect) => {
  it("writes every row of a long page, a row given twice as its last copy with that copy's relations and words", async () => {
    const database = await createMirrorDatabase(dialect);
    const store = await database.open();
    try {
      // 250 rows: SQLite writes many rows per statement, so this crosses statements and leaves a remainder.
      const rows = Array.from({ length: 250 }, (_, i) => ({
        ...scene,
        id: i + 1,
        title: `scene ${i + 1}`,
        performerIds: [i + 1, 1000 + i],
        tagIds: [i % 7],
      }));
      rows.splice(120, 0, { ...scene, id: 40, title: 'renamed forty', performerIds: [5], tagIds: [] });
      rows.push({ ...scene, id: 41, title: 'renamed forty-one', performerIds: [6, 7], tagIds: [1] });
      expect(await store.applyPage('scenes', rows)).toBe(250);
      const column = async (sql: string, params: unknown[] = []) => (await store.readForTests<{ v: unknown }>(sql, params)).map((r) => r.v);
      const title = (id: number) => column('SELECT title AS v FROM stash_scenes WHERE id = ?', [id]);
      const performers = (id: number) => column('SELECT performer_id AS v FROM stash_scene_performers WHERE scene_id = ? ORDER BY 1', [id]);
      expect(await column('SELECT count(*) AS v FROM stash_scenes')).toEqual([250]);
      expect([await title(1), await title(40), await title(41), await title(250)]).toEqual([
        ['scene 1'],
        ['renamed forty'],
        ['renamed forty-one'],
        ['scene 250'],
      ]);
      expect([await performers(40), await performers(41), await performers(250)]).toEqual([[5], [6, 7], [250, 1249]]);
      expect(await column('SELECT count(*) AS v FROM stash_scene_performers')).toEqual([248 * 2 + 1 + 2]);
      expect(await column('SELECT count(*) AS v FROM stash_scene_tags')).toEqual([248 + 1]);
      // Each row's words once.
      expect(await column('SELECT count(*) AS v FROM stash_text_search')).toEqual([250]);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});

describeEachDialect('comparing the mirror with a listing of Stash', (dialect) => {
  const at = (id: number, stamp: string) => ({ ...scene, id, stashUpdatedAt: stamp });
  const listing = { ids: [1, 2, 4, 8, 10], stamps: ['n', 'a', 'B', 'd', 'n'] };
  // 1 and 10 are new, 4 changed, 8 is back from stale; 6 and 9 vanished; 2 is unchanged.
  const expected = { changed: [1, 4, 8, 10], vanished: [6, 9], live: 4 };

  async function withMirror(work: (store: MirrorStore) => Promise<void>): Promise<void> {
    const database = await createMirrorDatabase(dialect);
    const store = await database.open();
    try {
      await store.applyPage('scenes', [at(2, 'a'), at(4, 'b'), at(6, 'c'), at(8, 'd'), at(9, 'e')]);
      await store.markStale('scenes', [8]);
      await work(store);
    } finally {
      await store.close();
      await database.drop();
    }
  }

  it('finds new, changed, revived and vanished rows in one ordered merge', () =>
    withMirror(async (store) => {
      expect(await store.compareWithListing('scenes', listing)).toEqual(expected);
    }));

  it('compares a listing page by page, each with its own slice of the mirror, to the same result', () =>
    withMirror(async (store) => {
      // Pages as the sync lists them: [1, 2], [4], [8, 10], then the mirror above 10.
      const parts = [
        await store.compareWithListing('scenes', { ids: [1, 2], stamps: ['n', 'a'] }, { after: null, through: 2 }),
        await store.compareWithListing('scenes', { ids: [4], stamps: ['B'] }, { after: 2, through: 4 }),
        await store.compareWithListing('scenes', { ids: [8, 10], stamps: ['d', 'n'] }, { after: 4, through: 10 }),
        await store.compareWithListing('scenes', { ids: [], stamps: [] }, { after: 10, through: null }),
      ];
      expect(parts.map((p) => p.live)).toEqual([1, 1, 2, 0]);
      expect(parts[2]).toEqual({ changed: [8, 10], vanished: [6, 9], live: 2 });
      expect({
        changed: parts.flatMap((p) => p.changed),
        vanished: parts.flatMap((p) => p.vanished),
        live: parts.reduce((n, p) => n + p.live, 0),
      }).toEqual(expected);
      // Rows above the last page vanish only in the last range; an empty listing loses every live row.
      expect(await store.compareWithListing('scenes', { ids: [], stamps: [] }, { after: 4, through: null })).toEqual({
        changed: [],
        vanished: [6, 9],
        live: 2,
      });
      expect(await store.compareWithListing('scenes', { ids: [], stamps: [] })).toEqual({ changed: [], vanished: [2, 4, 6, 9], live: 4 });
    }));
});

describe('migrations', () => {
  it('migrates a new file on first open and re-opens without change', async () => {
    await SqliteMirrorStore.open({ file }).close();
    const store = SqliteMirrorStore.open({ file });
    // Every migration of the journal applied once, none twice.
    const journal = JSON.parse(readFileSync('drizzle/sqlite/meta/_journal.json', 'utf8')) as { entries: unknown[] };
    expect(store.db.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    await store.close();
  });

  it('refuses a database migrated by a newer version of the app', async () => {
    await SqliteMirrorStore.open({ file }).close();
    const db = new Database(file);
    db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', Date.now() + 10 ** 10);
    db.close();
    expect(() => SqliteMirrorStore.open({ file })).toThrow(MirrorSchemaError);
    expect(() => SqliteMirrorStore.open({ file })).toThrow(/migrated by a newer version of Stash Mirror/);
  });
});

describe('the sync lock', () => {
  it('is exclusive across connections and released for the next sync', async () => {
    const a = SqliteMirrorStore.open({ file });
    const b = SqliteMirrorStore.open({ file });
    await expectExclusiveSyncLock(a, b);
  });

  it('marks runs left running by a dead process as interrupted', async () => {
    const store = SqliteMirrorStore.open({ file });
    await store.startRun({ runId: 'r1', entity: 'scenes', mode: 'incremental' });
    expect(await store.closeAbandonedRuns()).toBe(1);
    expect((await store.listRuns())[0]).toMatchObject({ status: 'interrupted', entity: 'scenes' });
    await store.close();
  });
});

describe('the mirror in a worker thread', () => {
  it('serves the same contract, and errors keep their class across the thread boundary', async () => {
    const { openWorkerMirrorStore } = await import('../src/core/db/worker-store');
    const worker = await openWorkerMirrorStore({ file });
    await worker.applyPage('scenes', [scene], { watermark: scene.stashUpdatedAt });
    expect(await worker.compareWithListing('scenes', { ids: [1, 2], stamps: [scene.stashUpdatedAt, 'x'] })).toEqual({
      changed: [2],
      vanished: [],
      live: 1,
    });
    expect(await worker.readSyncState('scenes')).toEqual({ watermark: scene.stashUpdatedAt, filesWatermark: null });

    const direct = SqliteMirrorStore.open({ file });
    const lock = await direct.acquireSyncLock();
    await expect(worker.acquireSyncLock()).rejects.toThrow(SyncAlreadyRunningError);
    await lock.release();
    const workerLock = await worker.acquireSyncLock();
    await expect(direct.acquireSyncLock()).rejects.toThrow(/already running/);
    await workerLock.release();
    await (await direct.acquireSyncLock()).release();
    await direct.close();
    await worker.close();

    const db = new Database(file);
    db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', Date.now() + 10 ** 10);
    db.close();
    await expect(openWorkerMirrorStore({ file })).rejects.toThrow(MirrorSchemaError);
  });
});

describe('secondary indexes during a first sync', () => {
  const indexes = (path: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).all();
    } finally {
      db.close();
    }
  };

  it('are dropped for an empty mirror and built back exactly as the migrations made them', async () => {
    const store = SqliteMirrorStore.open({ file });
    const migrated = indexes(file);
    expect(migrated.length).toBeGreaterThan(10);
    expect(await store.deferIndexes()).toBe(true);
    const during = indexes(file).map((index) => (index as { name: string }).name);
    expect(during).toEqual(['stash_sync_runs_entity_idx', 'stash_tag_closure_descendant_idx']);
    await store.applyPage('scenes', [scene]);
    await store.restoreIndexes();
    expect(indexes(file)).toEqual(migrated);
    await store.close();
  });

  it('are built back one entity at a time, the deferral ending only when all are', async () => {
    const store = SqliteMirrorStore.open({ file });
    const migrated = indexes(file) as { name: string }[];
    await store.deferIndexes();
    await store.restoreIndexes('scenes');
    const names = (indexes(file) as { name: string }[]).map((index) => index.name);
    expect(names.filter((name) => !['stash_sync_runs_entity_idx', 'stash_tag_closure_descendant_idx'].includes(name))).toEqual([
      'stash_scene_performers_performer_idx',
      'stash_scene_tags_tag_idx',
      'stash_scenes_date_idx',
      'stash_scenes_duration_idx',
      'stash_scenes_filesize_idx',
      'stash_scenes_stale_idx',
      'stash_scenes_studio_idx',
    ]);
    const deferred = () => store.db.prepare(`SELECT count(*) FROM stash_mirror_state WHERE name = 'deferred-indexes'`).pluck().get();
    expect(deferred()).toBe(1);
    await store.restoreIndexes();
    expect(indexes(file)).toEqual(migrated);
    expect(deferred()).toBe(0);
    await store.close();
  });

  it('are built back by the next open when the sync that dropped them died', async () => {
    const store = SqliteMirrorStore.open({ file });
    const migrated = indexes(file);
    await store.deferIndexes();
    // Killed here: closed without restoreIndexes.
    await store.close();
    const reopened = SqliteMirrorStore.open({ file });
    expect(indexes(file)).toEqual(migrated);
    expect(reopened.db.prepare(`SELECT count(*) FROM stash_mirror_state WHERE name = 'deferred-indexes'`).pluck().get()).toBe(0);
    await reopened.close();
  });

  it('stay when the mirror already holds rows', async () => {
    const store = SqliteMirrorStore.open({ file });
    await store.applyPage('scenes', [scene]);
    const before = indexes(file);
    expect(await store.deferIndexes()).toBe(false);
    expect(indexes(file)).toEqual(before);
    await store.close();
  });
});

/**
 * Lookups the app makes, each served by an index whose keys begin with these: `lower(name)` is the
 * tag name case-insensitively (COLLATE NOCASE on SQLite, lower(name) on PostgreSQL). A primary key
 * serves its leading column.
 */
const REQUIRED_LOOKUPS: [table: string, keys: string[]][] = [
  ['stash_performers', ['name']],
  ['stash_tags', ['lower(name)']],
  ['stash_tag_parents', ['child_id']],
  ['stash_tag_parents', ['parent_id']],
  ['stash_scenes', ['date']],
  ['stash_scenes', ['filesize']],
  ['stash_scenes', ['duration']],
  ['stash_scene_performers', ['scene_id']],
  ['stash_scene_performers', ['performer_id']],
  ['stash_scene_tags', ['scene_id']],
  ['stash_scene_tags', ['tag_id']],
  ['stash_scene_markers', ['scene_id']],
  ['stash_scene_markers', ['primary_tag_id']],
  ['stash_scene_marker_tags', ['marker_id']],
  ['stash_scene_marker_tags', ['tag_id']],
];

/**
 * The keys of every index on the mirror tables, as the database reports them, in dialect-neutral
 * form (`lower(column)` for a case-insensitive key). Partial indexes are left out: they serve only
 * the few rows they cover.
 */
async function indexKeys(store: MirrorStore, dialect: Dialect): Promise<Record<string, string[][]>> {
  const byIndex = new Map<string, { table: string; keys: string[] }>();
  if (dialect === 'sqlite') {
    const rows = await store.readForTests<{ tbl: string; idx: string; col: string | null; coll: string }>(
      `SELECT m.name AS tbl, l.name AS idx, x.name AS col, x.coll AS coll
       FROM sqlite_master m JOIN pragma_index_list(m.name) l JOIN pragma_index_xinfo(l.name) x
       WHERE m.type = 'table' AND m.name LIKE 'stash_%' AND NOT l.partial AND x.key
       ORDER BY m.name, l.name, x.seqno`,
    );
    for (const r of rows) {
      const key = r.col === null ? 'expression' : r.coll.toUpperCase() === 'NOCASE' ? `lower(${r.col})` : r.col;
      const index = byIndex.get(r.idx) ?? { table: r.tbl, keys: [] };
      index.keys.push(key);
      byIndex.set(r.idx, index);
    }
  } else {
    const rows = await store.readForTests<{ tablename: string; indexname: string; indexdef: string }>(
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename LIKE 'stash_%'`,
    );
    for (const r of rows) {
      // CREATE [UNIQUE] INDEX name ON schema.table USING method (key, ...) [WHERE predicate]
      const [, keys, predicate] = /USING \w+ \((.*?)\)( WHERE .*)?$/.exec(r.indexdef) ?? [];
      if (keys === undefined || predicate) continue;
      byIndex.set(r.indexname, { table: r.tablename, keys: keys.split(', ').map((k) => k.replaceAll('"', '')) });
    }
  }
  const tables: Record<string, string[][]> = {};
  for (const { table, keys } of byIndex.values()) (tables[table] ??= []).push(keys);
  return tables;
}

async function expectRequiredIndexes(store: MirrorStore, dialect: Dialect): Promise<void> {
  const indexes = await indexKeys(store, dialect);
  for (const [table, keys] of REQUIRED_LOOKUPS) {
    const serving = (indexes[table] ?? []).filter((index) => keys.every((key, i) => index[i] === key));
    expect(serving, `${table}: an index on (${keys.join(', ')}) among ${JSON.stringify(indexes[table] ?? [])}`).not.toEqual([]);
  }
}

describeEachDialect('the indexes lookups need', (dialect) => {
  it('are made by the migrations', async () => {
    const database = await createMirrorDatabase(dialect);
    const store = await database.open();
    try {
      await expectRequiredIndexes(store, dialect);
    } finally {
      await store.close();
      await database.drop();
    }
  });

  it('are all there after a first sync, which builds them after the rows, and file sizes beyond 2^31 are integers', async () => {
    const h = await startHarness({ dialect });
    try {
      await h.sync();
      await expectRequiredIndexes(h.store, dialect);
      const largest = Math.max(...[...h.library.scenes.values()].map((s) => s.files[0]?.size ?? 0));
      expect(largest).toBeGreaterThan(2 ** 31);
      const type = dialect === 'sqlite' ? 'typeof(filesize)' : 'pg_typeof(filesize)::text';
      expect(await h.read(`SELECT filesize, ${type} AS type FROM stash_scenes WHERE filesize = ?`, [largest])).toEqual([
        { filesize: largest, type: dialect === 'sqlite' ? 'integer' : 'bigint' },
      ]);
    } finally {
      await h.close();
    }
  });
});

describeEachDialect('the typed reads the app makes', (dialect) => {
  let database: MirrorDatabase;
  let store: MirrorStore;
  beforeEach(async () => {
    database = await createMirrorDatabase(dialect);
    store = await database.open();
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  const performer = (id: number, name: string, gender: string | null) => ({
    id,
    name,
    gender,
    imagePath: null,
    favorite: false,
    tagIds: [],
    stashUpdatedAt: 'x',
  });
  const tag = (id: number, name: string) => ({ id, name, parentIds: [], childIds: [], stashUpdatedAt: 'x' });
  const sceneWith = (id: number, performerIds: number[]) => ({ ...scene, id, performerIds, tagIds: [] });
  const marker = (id: number, primaryTagId: number, tagIds: number[]) => ({
    id,
    sceneId: 1,
    title: 'M',
    seconds: 1,
    endSeconds: null,
    primaryTagId,
    tagIds,
    stashUpdatedAt: 'x',
  });

  it('name live tags and performers with their use counts as numbers, and the genders in order', async () => {
    await store.applyPage('performers', [
      performer(2, 'Bo', 'FEMALE'),
      performer(3, 'Al', 'MALE'),
      performer(4, 'Cy', null),
      performer(5, 'Gone', 'NON_BINARY'),
    ]);
    await store.applyPage('tags', [tag(3, 'Kiss'), tag(4, 'Hug'), tag(6, 'Gone')]);
    await store.applyPage('scenes', [sceneWith(1, [2, 3]), sceneWith(7, [2])]);
    await store.applyPage('markers', [marker(10, 3, [4]), marker(11, 3, [])]);
    await store.markStale('performers', [5]);
    await store.markStale('tags', [6]);

    expect(await store.liveNames('performers')).toEqual([
      { id: 2, name: 'Bo' },
      { id: 3, name: 'Al' },
      { id: 4, name: 'Cy' },
    ]);
    expect(await store.liveNames('tags')).toEqual([
      { id: 3, name: 'Kiss' },
      { id: 4, name: 'Hug' },
    ]);
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
    expect((await store.suggestionCandidates('performers')).sort(byId)).toEqual([
      { id: 2, name: 'Bo', uses: 2 },
      { id: 3, name: 'Al', uses: 1 },
      { id: 4, name: 'Cy', uses: 0 },
    ]);
    expect((await store.suggestionCandidates('tags')).sort(byId)).toEqual([
      { id: 3, name: 'Kiss', uses: 2 },
      { id: 4, name: 'Hug', uses: 1 },
    ]);
    expect(await store.listGenders()).toEqual(['FEMALE', 'MALE']);
  });

  it('say which entities ever synced, and when the search was last brought up to date, as a Date', async () => {
    expect(await store.succeededEntities()).toEqual([]);
    expect(await store.searchIndexedAt()).toBeNull();
    const ok = { status: 'succeeded', fetched: 0, upserted: 0, staleMarked: 0, error: null, errorKind: null } as const;
    await store.finishRun(await store.startRun({ runId: 'a', entity: 'tags', mode: 'full' }), ok);
    await store.finishRun(await store.startRun({ runId: 'a', entity: 'scenes', mode: 'full' }), {
      ...ok,
      status: 'failed',
      error: 'no',
      errorKind: 'unreachable',
    });
    await store.finishRun(await store.startRun({ runId: 'b', entity: 'tags', mode: 'incremental' }), ok);
    await store.finishRun(await store.startRun({ runId: 'b', entity: 'markers', mode: 'incremental' }), ok);
    expect(await store.succeededEntities()).toEqual(['markers', 'tags']);

    const before = Date.now();
    await store.refreshSearchIndex();
    const indexedAt = await store.searchIndexedAt();
    expect(indexedAt).toBeInstanceOf(Date);
    expect(indexedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(indexedAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });
});

/** A copy of a dialect's migrations that stops before `tag`: the schema an older version made. */
function migrationsBefore(folder: string, tag: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'stash-mirror-old-migrations-'));
  cpSync(folder, copy, { recursive: true });
  const journalPath = join(copy, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(cut, tag).toBeGreaterThan(0);
  for (const { tag: later } of journal.entries.slice(cut)) rmSync(join(copy, `${later}.sql`));
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return copy;
}

describeEachDialect('a mirror from before stash_mirror_state whose first sync died with its indexes dropped', (dialect) => {
  let database: MirrorDatabase;
  let old: string;
  afterEach(async () => {
    await database.drop();
    rmSync(old, { recursive: true, force: true });
  });

  it('has them built back by its next open, the mark moved and then cleared, and its search state moved', async () => {
    const indexedAt = new Date('2026-01-02T03:04:05.000Z');
    database = await createMirrorDatabase(dialect);
    const where = database.cliArgs[1]!;
    let migrated: unknown[];
    if (dialect === 'sqlite') {
      old = migrationsBefore(defaultSqliteMigrationsFolder(), '0005_mirror_state');
      const db = new Database(where);
      migrateSqliteDb(drizzleSqlite(db), { migrationsFolder: old });
      const indexes = () =>
        db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).all() as { name: string }[];
      migrated = indexes();
      // As that version's deferIndexes left it: the mark in stash_sync_state, the indexes gone.
      db.transaction(() => {
        db.exec(`INSERT INTO stash_sync_writer (token) VALUES ('sync')`);
        db.prepare(`INSERT INTO stash_sync_state (entity, watermark, files_watermark, updated_at) VALUES ('deferred-indexes', NULL, NULL, ?)`).run(
          Date.now(),
        );
        db.prepare(`INSERT INTO stash_sync_state (entity, watermark, files_watermark, updated_at) VALUES ('text-search', NULL, NULL, ?)`).run(
          indexedAt.getTime(),
        );
        for (const { name } of migrated as { name: string }[])
          if (!name.startsWith('stash_sync_runs') && !name.startsWith('stash_tag_closure')) db.exec(`DROP INDEX "${name}"`);
        db.exec('DELETE FROM stash_sync_writer');
      })();
      expect(indexes().length).toBeLessThan(migrated.length);
      db.close();
    } else {
      old = migrationsBefore(defaultPgMigrationsFolder(), '0005_mirror_state');
      const client = new pg.Client({ connectionString: where });
      await client.connect();
      try {
        await migratePgDb(drizzlePg(client), { migrationsFolder: old });
        const indexes = async () =>
          (
            await client.query(
              `SELECT indexname AS name, tablename AS "table", indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`,
            )
          ).rows;
        migrated = await indexes();
        const dropped = (migrated as { name: string }[]).filter(
          (i) => /_(idx|search_document_idx)$/.test(i.name) && !i.name.startsWith('stash_sync_runs'),
        );
        await client.query('BEGIN');
        await client.query(`SELECT set_config('stash_mirror.sync_writer', 'on', true)`);
        await client.query(`INSERT INTO stash_sync_state (entity, watermark, updated_at) VALUES ('deferred-indexes', $1, now())`, [
          JSON.stringify(dropped),
        ]);
        await client.query(`INSERT INTO stash_sync_state (entity, watermark, updated_at) VALUES ('text-search', NULL, $1)`, [indexedAt]);
        await client.query('COMMIT');
        for (const { name } of dropped) await client.query(`DROP INDEX "${name}"`);
        expect((await indexes()).length).toBe(migrated.length - dropped.length);
      } finally {
        await client.end();
      }
    }

    const store = await database.open();
    try {
      const indexes =
        dialect === 'sqlite'
          ? await store.readForTests<{ name: string }>(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
          : await store.readForTests<{ name: string }>(
              `SELECT indexname AS name, tablename AS "table", indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`,
            );
      // Those of the tables and columns later migrations add (0009) aside.
      const later = /^stash_(mirror_state|studios|performer_tags)_|^stash_scenes_studio_idx$/;
      expect(indexes.filter((index) => !later.test(index.name))).toEqual(migrated);
      expect(await store.readForTests(`SELECT name FROM stash_mirror_state`)).toEqual([{ name: 'text-search' }]);
      expect(await store.readForTests(`SELECT entity FROM stash_sync_state`)).toEqual([]);
      expect(await store.searchIndexedAt()).toEqual(indexedAt);
    } finally {
      await store.close();
    }
  });
});
