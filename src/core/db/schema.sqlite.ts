/** The mirror tables in SQLite's dialect, built from the one definition in mirror-tables.ts. */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { defineMirrorTables, indexKitOf, type ColumnBuilder, type ColumnKit } from './mirror-tables';

const asBuilder = (b: unknown) => b as ColumnBuilder;

export const sqliteColumnKit: ColumnKit = {
  integer: (name) => asBuilder(integer(name)),
  // SQLite integers are 64-bit already; 'number' mode reads them back exactly up to 2^53.
  bigint: (name) => asBuilder(integer(name, { mode: 'number' })),
  double: (name) => asBuilder(real(name)),
  text: (name) => asBuilder(text(name)),
  boolean: (name) => asBuilder(integer(name, { mode: 'boolean' })),
  timestamp: (name) => asBuilder(integer(name, { mode: 'timestamp_ms' })),
  serial: (name) => asBuilder(integer(name).primaryKey({ autoIncrement: true })),
  table: (name, columns, extras) => sqliteTable(name, columns as never, extras ? (t) => extras(t, sqliteIndexKit) as never : undefined),
};

const sqliteIndexKit = indexKitOf({
  index: (name, columns) => index(name).on(...(columns as [AnySQLiteColumn, ...AnySQLiteColumn[]])),
  primaryKey: (columns) => primaryKey({ columns: columns as [AnySQLiteColumn, ...AnySQLiteColumn[]] }),
  caseInsensitive: (column) => sql`${column as AnySQLiteColumn} collate nocase`,
});

/** Every mirror table in SQLite's dialect; drizzle/sqlite-schema.cjs hands them to drizzle-kit. */
export const sqliteMirrorTables = defineMirrorTables(sqliteColumnKit);
