/**
 * A mirror written before migration 0009 (studios, performer favourite and tags, scene rating,
 * organized flag and studio), upgraded by the next open: it keeps every row, gains the new tables
 * and columns, and its next incremental sync fills them although Stash bumped nothing.
 */
import { afterEach, expect, it } from 'vitest';
import type { MirrorStore } from '../src/core/db/store';
import { syncStash } from '../src/core/sync/engine';
import { createMirrorDatabase, describeEachDialect, expectMirrorEqualsLibrary, startHarness, type Dialect, type Harness } from './support/harness';
import { forgetNewestMigration, undo0009, undo0010, withMigrationsUpTo } from './support/mirror-rollback';

let h: Harness;
afterEach(async () => h?.close());

type Row = Record<string, unknown>;

/** Every column of every table, with its type, and every index and trigger, by name. */
async function schemaOf(store: MirrorStore, dialect: Dialect): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await store.readForTests<Row>(
          `SELECT m.type || ' ' || m.name || COALESCE('.' || p.name || ' ' || p.type, '') AS item
           FROM sqlite_master m LEFT JOIN pragma_table_info(m.name) p ON m.type = 'table'
           WHERE m.name NOT LIKE 'sqlite_%'`,
        )
      : await store.readForTests<Row>(
          `SELECT 'table ' || table_name || '.' || column_name || ' ' || data_type AS item FROM information_schema.columns WHERE table_schema = 'public'
           UNION SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = 'public'
           UNION SELECT 'trigger ' || trigger_name FROM information_schema.triggers WHERE trigger_schema = 'public'`,
        );
  return rows.map((r) => r.item as string).sort();
}

/** The tables of `schema` and their columns. */
function tablesOf(schema: string[]): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const item of schema) {
    const m = /^table (\w+)\.(\w+) /.exec(item);
    if (m) tables.set(m[1]!, [...(tables.get(m[1]!) ?? []), m[2]!]);
  }
  return tables;
}

/** Every row of the given tables, in those columns only, in a stable order. */
async function rowsOf(store: MirrorStore, tables: Map<string, string[]>): Promise<Record<string, Row[]>> {
  const all: Record<string, Row[]> = {};
  for (const [table, columns] of tables) {
    const list = columns.map((c) => `"${c}"`).join(', ');
    all[table] = await store.readForTests<Row>(`SELECT ${list} FROM "${table}" ORDER BY ${list}`);
  }
  return all;
}

/** The schema a new database gets from the migrations up to `lastTag`, or from all of them. */
async function freshSchema(dialect: Dialect, lastTag?: string): Promise<string[]> {
  const database = await createMirrorDatabase(dialect);
  try {
    if (lastTag) return await withMigrationsUpTo(database, lastTag, (store) => schemaOf(store, dialect));
    const store = await database.open();
    try {
      return await schemaOf(store, dialect);
    } finally {
      await store.close();
    }
  } finally {
    await database.drop();
  }
}

describeEachDialect('upgrading a mirror from migration 0008 to 0009', (dialect) => {
  it('keeps its rows, gains the new tables and columns, and its next sync fills them', async () => {
    h = await startHarness({ dialect });
    await h.sync();
    // As the version before 0009 left it, checked against a database that never saw 0009.
    await forgetNewestMigration(h.database, undo0010());
    await forgetNewestMigration(h.database, undo0009(dialect));
    const at0008 = await schemaOf(h.store, dialect);
    expect(at0008).toEqual(await freshSchema(dialect, '0008_scene_basename'));
    // The engine's own bookkeeping aside (the migration resets two watermarks on purpose), every
    // table and column an 0008 mirror has.
    const tables = tablesOf(at0008.filter((item) => !/^table (__drizzle|stash_sync_state\.)/.test(item)));
    expect([...tables.keys()]).toEqual(expect.arrayContaining(['stash_performers', 'stash_scenes', 'stash_scene_markers', 'stash_tags']));
    const rowsBefore = await rowsOf(h.store, tables);
    expect(rowsBefore.stash_scenes!.length).toBe(h.library.scenes.size);
    const watermarks = (store: MirrorStore) =>
      store.readForTests<Row>('SELECT entity, watermark, files_watermark FROM stash_sync_state ORDER BY entity');
    const watermarksBefore = await watermarks(h.store);

    const upgraded = await h.database.open();
    try {
      expect(await schemaOf(upgraded, dialect)).toEqual(await freshSchema(dialect));
      expect(await rowsOf(upgraded, tables)).toEqual(rowsBefore);
      // Stash bumps none of the rows the new columns describe: without these two watermarks the
      // next sync fetches every performer and every listed scene again.
      expect(await watermarks(upgraded)).toEqual(
        watermarksBefore.map((w) => ({
          ...w,
          watermark: w.entity === 'performers' ? null : w.watermark,
          files_watermark: w.entity === 'scenes' ? null : w.files_watermark,
        })),
      );
      expect(await upgraded.readForTests('SELECT id FROM stash_scenes WHERE studio_id IS NOT NULL OR rating100 IS NOT NULL')).toEqual([]);

      const summary = await syncStash({ client: h.client, store: upgraded, pageSize: 37, listingPageSize: 53 });
      expect(summary.mode).toBe('incremental');
      await expectMirrorEqualsLibrary(upgraded, h.library);
      // The library has something in every new column, so "equal" means filled.
      const count = async (sql: string) => Number(Object.values((await upgraded.readForTests<Row>(sql))[0]!)[0]);
      expect(await count('SELECT count(*) FROM stash_performers WHERE favorite')).toBe(
        [...h.library.performers.values()].filter((p) => p.favorite).length,
      );
      expect(await count('SELECT count(*) FROM stash_performers WHERE favorite')).toBeGreaterThan(0);
      expect(await count('SELECT count(*) FROM stash_performer_tags')).toBeGreaterThan(0);
      expect(await count('SELECT count(*) FROM stash_studios')).toBe(h.library.studios.size);
      expect(await count('SELECT count(*) FROM stash_scenes WHERE studio_id IS NOT NULL AND rating100 IS NOT NULL')).toBeGreaterThan(0);
      expect(await count('SELECT count(*) FROM stash_scenes WHERE organized')).toBeGreaterThan(0);
    } finally {
      await upgraded.close();
    }
  });
});
