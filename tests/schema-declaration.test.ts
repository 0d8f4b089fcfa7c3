/**
 * The mirror's columns are declared once (src/core/db/mirror-tables.ts). These tests hold every
 * list built from that declaration to it, per table and entity: the drizzle tables of both
 * dialects (what the migrations are generated from), the upserts' columns and joins, the search's
 * sources and the records' column lists. A column added in one of these places only fails here,
 * and one added to the declaration reaches all of them.
 */
import { getTableConfig as pgTableConfig } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ENTITY_TABLES, entityTableOf } from '../src/core/db/mirror-sql';
import {
  defineMirrorTables,
  drizzleTable,
  entity,
  MIRROR_ENTITIES,
  MIRROR_TABLES,
  stashColumnsOf,
  type EntityDeclaration,
  type EntityRow,
} from '../src/core/db/mirror-tables';
import { MIRROR_COLUMNS, type StashSceneRecord } from '../src/core/db/mirror-types';
import { pgColumnKit } from '../src/core/db/schema.pg';
import { sqliteColumnKit } from '../src/core/db/schema.sqlite';
import { INDEX_SOURCE, TEXT_SOURCES } from '../src/core/db/search-sql';
import { column, sqlNamesOf, type ColumnType, type RecordOf, type TableDeclaration } from '../src/core/db/table-declaration';
import { ENTITIES, type SceneRow } from '../src/core/mirror-rows';

/** What each logical type is in either dialect (docs/schema-type-map.md). */
const SQL_TYPES: Record<ColumnType, { sqlite: string; pg: string }> = {
  integer: { sqlite: 'integer', pg: 'integer' },
  bigint: { sqlite: 'integer', pg: 'bigint' },
  double: { sqlite: 'real', pg: 'double precision' },
  text: { sqlite: 'text', pg: 'text' },
  boolean: { sqlite: 'integer', pg: 'boolean' },
  timestamp: { sqlite: 'integer', pg: 'timestamp with time zone' },
  serial: { sqlite: 'integer', pg: 'serial' },
};

type Dialect = keyof (typeof SQL_TYPES)['integer'];

/** A drizzle table's columns as the migrations see them. */
function drizzleColumns(dialect: Dialect, drizzle: unknown) {
  const config = dialect === 'sqlite' ? sqliteTableConfig(drizzle as never) : pgTableConfig(drizzle as never);
  return {
    name: config.name,
    columns: config.columns.map((c) => ({
      name: c.name,
      type: c.getSQLType(),
      notNull: c.notNull,
      primaryKey: c.primary,
      default: c.default as unknown,
    })),
  };
}

/** The same, as the declaration says they must be. */
function declaredColumns(dialect: Dialect, declaration: TableDeclaration) {
  return {
    name: declaration.name,
    columns: Object.values(declaration.columns).map((c) => ({
      name: c.sqlName,
      type: SQL_TYPES[c.type][dialect],
      notNull: !c.nullable,
      primaryKey: c.isPrimaryKey,
      default: c.defaultValue,
    })),
  };
}

/** A row of the entity whose every field holds its own name: shows which field a mapping reads. */
function namedFieldsRow(declaration: EntityDeclaration): Record<string, unknown> {
  return Object.fromEntries([
    ...Object.keys(declaration.rowColumns).map((field) => [field, field]),
    ...declaration.joins.map((j) => [j.field, [j.field]]),
  ]);
}

const kits = { sqlite: sqliteColumnKit, pg: pgColumnKit } as const;

describe.each(['sqlite', 'pg'] as const)('the %s drizzle tables', (dialect) => {
  const drizzleTables = Object.values(defineMirrorTables(kits[dialect])).map((t) => drizzleColumns(dialect, t));

  it.each(Object.keys(MIRROR_TABLES))('%s has exactly the declared columns, types, nullability, keys and defaults', (name) => {
    const declaration: TableDeclaration = MIRROR_TABLES[name as keyof typeof MIRROR_TABLES];
    expect(drizzleTables.find((t) => t.name === name)).toEqual(declaredColumns(dialect, declaration));
  });
});

describe.each(ENTITIES)('the %s upsert', (name) => {
  const declaration: EntityDeclaration = MIRROR_ENTITIES[name];
  const spec = ENTITY_TABLES[name];

  it('writes the declared table, every declared column once: the entity adds the rest to the id, version, synced_at and is_stale', () => {
    expect(spec.table).toBe(declaration.name);
    const written = ['id', 'stash_updated_at', 'synced_at', 'is_stale', ...spec.columns.map((c) => c.column)];
    expect(written.toSorted()).toEqual(sqlNamesOf(declaration).toSorted());
    expect(new Set(written).size).toBe(written.length);
  });

  it('fills each column from the row field of its declared name', () => {
    const row = namedFieldsRow(declaration);
    for (const c of spec.columns) {
      expect(declaration.columns[c.field]?.sqlName, c.field).toBe(c.column);
      // A boolean is written as 1 or 0, which both databases take.
      expect(c.value(row as never), c.column).toBe(declaration.columns[c.field]?.type === 'boolean' ? 1 : c.field);
    }
  });

  it('replaces the declared join rows, from the row field each join names', () => {
    const row = namedFieldsRow(declaration);
    expect(spec.joins).toHaveLength(declaration.joins.length);
    spec.joins.forEach((j, k) => {
      const declared = declaration.joins[k]!;
      expect(MIRROR_TABLES[j.table as keyof typeof MIRROR_TABLES]).toBe(declared.table);
      expect([j.ownerColumn, j.otherColumn, 'synced_at'].toSorted()).toEqual(sqlNamesOf(declared.table).toSorted());
      expect(j.otherIds(row as never)).toEqual([declared.field]);
    });
  });

  it('indexes the words of declared text columns, read by the field names the rows use', () => {
    const source = TEXT_SOURCES[name];
    // Studio names are found by the studio filter, not by words.
    if (!source) return expect(name).toBe('studios');
    expect(source.fields).toEqual(declaration.words);
    source.fields.forEach((field, k) => {
      expect(declaration.rowColumns[field]?.type, field).toBe('text');
      expect(source.columns[k]).toBe(declaration.rowColumns[field]!.sqlName);
    });
  });
});

describe('the in-memory index sources', () => {
  it.each(Object.entries(INDEX_SOURCE))('%s selects declared columns of its table', (_, source) => {
    const declared = MIRROR_COLUMNS[source.table];
    for (const c of source.columns) expect(declared, `${source.table}.${c}`).toContain(c);
    expect(new SQLiteSyncDialect().sqlToQuery(source.query).sql).toMatch(new RegExp(`^SELECT ${source.columns.join(', ')} FROM ${source.table}\\b`));
  });
});

describe('the record column lists', () => {
  it('are the declared columns of every data table', () => {
    expect(Object.keys(MIRROR_COLUMNS).toSorted()).toEqual(Object.keys(MIRROR_TABLES).toSorted());
    for (const [name, declaration] of Object.entries(MIRROR_TABLES))
      expect(MIRROR_COLUMNS[name as keyof typeof MIRROR_COLUMNS]).toEqual(sqlNamesOf(declaration));
  });

  it('the tests compare: every declared column Stash fills, none of the mirror own', () => {
    expect(stashColumnsOf(MIRROR_ENTITIES.scenes)).toEqual([
      'id',
      'stash_updated_at',
      'title',
      'date',
      'details',
      'filesize',
      'duration',
      'basename',
      'rating100',
      'organized',
      'studio_id',
    ]);
  });
});

describe('a column added to the declaration', () => {
  // The scenes as they would be declared with one more column, and nothing else edited.
  const scenes = MIRROR_ENTITIES.scenes;
  const withRating = entity('stash_scenes', {
    columns: { ...scenes.rowColumns, rating: column.integer('rating') },
    joins: scenes.joins,
    words: scenes.words as readonly (keyof typeof scenes.rowColumns)[],
    extras: scenes.extras,
  });

  it('is a column of both dialects drizzle tables, so the next generated migration adds it', () => {
    for (const dialect of ['sqlite', 'pg'] as const) {
      const { columns } = drizzleColumns(dialect, drizzleTable(kits[dialect], withRating));
      expect(columns.at(-1)).toEqual({ name: 'rating', type: 'integer', notNull: false, primaryKey: false, default: undefined });
    }
  });

  it('is written by the upserts from the row field of its name, and compared by the tests', () => {
    const upsert = entityTableOf<Record<string, unknown>>(withRating, null);
    expect(upsert.columns.map((c) => c.column)).toEqual([
      'title',
      'date',
      'details',
      'filesize',
      'duration',
      'basename',
      'rating100',
      'organized',
      'studio_id',
      'rating',
    ]);
    expect(upsert.columns.at(-1)!.value({ rating: 4 })).toBe(4);
    expect(stashColumnsOf(withRating)).toContain('rating');
  });

  it('is a field of the sync row type and of the record type', () => {
    expectTypeOf<EntityRow<typeof withRating>>().toHaveProperty('rating').toEqualTypeOf<number | null>();
    expectTypeOf<EntityRow<typeof withRating>>().toMatchObjectType<Omit<SceneRow, 'filesUpdatedAt'>>();
    expectTypeOf<RecordOf<(typeof withRating)['columns']>>().toHaveProperty('rating').toEqualTypeOf<number | null>();
    expectTypeOf<RecordOf<(typeof withRating)['columns']>>().toMatchObjectType<StashSceneRecord>();
  });
});
