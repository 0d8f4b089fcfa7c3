/** The mirror tables in PostgreSQL's dialect, built from the one definition in mirror-tables.ts. */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { defineMirrorTables, indexKitOf, type ColumnBuilder, type ColumnKit } from './mirror-tables';

const asBuilder = (b: unknown) => b as ColumnBuilder;

export const pgColumnKit: ColumnKit = {
  integer: (name) => asBuilder(integer(name)),
  // 'number' mode reads int8 back as a JS number (exact up to 2^53), like SQLite's integers.
  bigint: (name) => asBuilder(bigint(name, { mode: 'number' })),
  double: (name) => asBuilder(doublePrecision(name)),
  text: (name) => asBuilder(text(name)),
  boolean: (name) => asBuilder(boolean(name)),
  // timestamptz so the instant never depends on the server's or session's time zone.
  timestamp: (name) => asBuilder(timestamp(name, { withTimezone: true, mode: 'date' })),
  serial: (name) => asBuilder(serial(name).primaryKey()),
  table: (name, columns, extras) => pgTable(name, columns as never, extras ? (t) => extras(t, pgIndexKit) as never : undefined),
};

const pgIndexKit = indexKitOf({
  index: (name, columns) => index(name).on(...(columns as [AnyPgColumn, ...AnyPgColumn[]])),
  primaryKey: (columns) => primaryKey({ columns: columns as [AnyPgColumn, ...AnyPgColumn[]] }),
  // No NOCASE collation in Postgres; queries must compare lower(name) to use this index.
  caseInsensitive: (column) => sql`lower(${column as AnyPgColumn})`,
});

/** Every mirror table in PostgreSQL's dialect; drizzle/pg-schema.cjs hands them to drizzle-kit. */
export const pgMirrorTables = defineMirrorTables(pgColumnKit);
