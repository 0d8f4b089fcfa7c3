/**
 * A typed, dialect-neutral declaration of a table: each column's SQL name, logical type,
 * nullability and key, carried in the TypeScript type as well as in the value. mirror-tables.ts
 * declares the mirror with it once; the drizzle tables of both dialects (through a ColumnKit), the
 * upsert column lists, the record and row types and the search's sources are all derived from it.
 */

/** The logical column types; docs/schema-type-map.md says what each is in either dialect. */
export type ColumnType = 'integer' | 'bigint' | 'double' | 'text' | 'boolean' | 'timestamp' | 'serial';

/**
 * The JS value a column of each type reads back as through drizzle, on both dialects. Raw SQL on
 * SQLite reads booleans as 0/1 and timestamps as milliseconds; code reading it so (the search's
 * sources) tests booleans by truthiness and converts times in the driver.
 */
export interface ValueOfType {
  integer: number;
  bigint: number;
  double: number;
  text: string;
  boolean: boolean;
  timestamp: Date;
  serial: number;
}

/** One declared column. Immutable: each modifier returns a new declaration. */
export class ColumnDeclaration<Name extends string = string, Type extends ColumnType = ColumnType, Nullable extends boolean = boolean> {
  constructor(
    readonly sqlName: Name,
    readonly type: Type,
    readonly nullable: Nullable,
    readonly isPrimaryKey = false,
    readonly defaultValue: ValueOfType[Type] | undefined = undefined,
  ) {}

  notNull(): ColumnDeclaration<Name, Type, false> {
    return new ColumnDeclaration(this.sqlName, this.type, false, this.isPrimaryKey, this.defaultValue);
  }

  /** A primary key is never null. */
  primaryKey(): ColumnDeclaration<Name, Type, false> {
    return new ColumnDeclaration(this.sqlName, this.type, false, true, this.defaultValue);
  }

  default(value: ValueOfType[Type]): ColumnDeclaration<Name, Type, Nullable> {
    return new ColumnDeclaration(this.sqlName, this.type, this.nullable, this.isPrimaryKey, value);
  }
}

const declare =
  <Type extends ColumnType>(type: Type) =>
  <Name extends string>(sqlName: Name) =>
    new ColumnDeclaration(sqlName, type, true);

/** The column declarations, nullable until said otherwise, named as they are in SQL. */
export const column = {
  /** Stash ids and counts: fit a 32-bit integer in practice, but stored as 64-bit where it is free. */
  integer: declare('integer'),
  /** File sizes: exceed 2^31, read back as JS numbers (exact up to 2^53). */
  bigint: declare('bigint'),
  /** Seconds and durations with fractions. */
  double: declare('double'),
  text: declare('text'),
  boolean: declare('boolean'),
  /** A point in time written by the mirror itself (read back as a Date). */
  timestamp: declare('timestamp'),
  /** An integer key the database assigns. */
  serial: <Name extends string>(sqlName: Name) => new ColumnDeclaration(sqlName, 'serial', false, true),
};

export type Columns = Record<string, ColumnDeclaration>;

/** The value a declared column holds, null included when it may be null. */
export type ValueOf<C> =
  C extends ColumnDeclaration<string, infer Type, infer Nullable> ? ValueOfType[Type] | (Nullable extends true ? null : never) : never;

/** A row as the database returns it: keyed by SQL name, read-only. */
export type RecordOf<C extends Columns> = { readonly [K in keyof C as C[K]['sqlName']]: ValueOf<C[K]> };

/** The columns' values keyed by the names they are declared under (the drizzle and JS names). */
export type FieldsOf<C extends Columns> = { -readonly [K in keyof C]: ValueOf<C[K]> };

/** The indexes and composite keys of a table, built by each dialect's kit. */
export interface IndexKit {
  index(name: string, ...columns: unknown[]): unknown;
  /** The few stale rows of a table, so queries that start from them never scan the live ones. */
  staleIndex(name: string, table: Record<string, unknown>): unknown;
  /** Case-insensitive index on a text column: NOCASE in SQLite, lower() in Postgres. */
  caseInsensitiveIndex(name: string, column: unknown): unknown;
  primaryKey(...columns: unknown[]): unknown;
}

/** The extras get the dialect's table, its columns under their declared names. */
export type TableExtras = (t: Record<string, unknown>, k: IndexKit) => unknown[];

export interface TableDeclaration<Name extends string = string, C extends Columns = Columns> {
  readonly name: Name;
  readonly columns: C;
  readonly extras?: TableExtras;
}

export function table<Name extends string, C extends Columns>(name: Name, columns: C, extras?: TableExtras): TableDeclaration<Name, C> {
  return { name, columns, extras };
}

/** The SQL names of a table's columns, in declaration order. */
export function sqlNamesOf(declaration: TableDeclaration): string[] {
  return Object.values(declaration.columns).map((c) => c.sqlName);
}
