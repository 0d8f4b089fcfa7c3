/**
 * Dialect-neutral facts about the mirror tables that both stores build their SQL from: which
 * columns each entity writes and which join rows hang off it (both from the declarations in
 * mirror-tables.ts), and which relations go dead when a referenced row goes stale. SQL here uses
 * only syntax SQLite and PostgreSQL share.
 */
import type { AnyRow, EntityName, RowOf } from '../mirror-rows';
import { MIRROR_ENTITIES, type EntityDeclaration } from './mirror-tables';

export interface ColumnMapping<R> {
  column: string;
  /** The row field (the declared name) it is filled from. */
  field: string;
  value: (row: R) => string | number | null;
}

/** Join rows owned by an entity row: replaced whole whenever the row is written. */
export interface JoinMapping<R> {
  table: string;
  ownerColumn: string;
  otherColumn: string;
  otherIds: (row: R) => readonly number[];
}

export interface EntityTable<R> {
  table: string;
  columns: ColumnMapping<R>[];
  joins: JoinMapping<R>[];
  /** Live rows of this entity that reference stale rows, found starting from the (few) stale rows. */
  dependentsSql: string | null;
}

// Stale rows are few and carry a partial index; dependents queries start from them.
const STALE_TAGS = 'SELECT id FROM stash_tags WHERE is_stale';
const STALE_PERFORMERS = 'SELECT id FROM stash_performers WHERE is_stale';
const STALE_SCENES = 'SELECT id FROM stash_scenes WHERE is_stale';
const STALE_STUDIOS = 'SELECT id FROM stash_studios WHERE is_stale';

/** The rows any of the relations name, less the stale rows themselves. */
const dependents = (stale: string, ...relations: string[]) => `${relations.join('\nUNION\n')}\nEXCEPT\n${stale}`;

const DEPENDENTS_SQL: Record<EntityName, string | null> = {
  // A tag merge or destroy re-points or drops performer tags without bumping the performers. Tags
  // sync after performers, so the engine asks again once tags are done (late dependents).
  performers: dependents(STALE_PERFORMERS, `SELECT performer_id AS id FROM stash_performer_tags WHERE tag_id IN (${STALE_TAGS})`),
  tags: dependents(
    STALE_TAGS,
    `SELECT child_id AS id FROM stash_tag_parents WHERE parent_id IN (${STALE_TAGS})`,
    `SELECT parent_id AS id FROM stash_tag_parents WHERE child_id IN (${STALE_TAGS})`,
  ),
  // A destroyed studio leaves its children without a parent (ON DELETE SET NULL), unbumped.
  studios: dependents(STALE_STUDIOS, `SELECT id FROM stash_studios WHERE parent_id IN (${STALE_STUDIOS})`),
  scenes: dependents(
    STALE_SCENES,
    `SELECT id FROM stash_scenes WHERE studio_id IN (${STALE_STUDIOS})`,
    `SELECT scene_id AS id FROM stash_scene_tags WHERE tag_id IN (${STALE_TAGS})`,
    `SELECT scene_id AS id FROM stash_scene_performers WHERE performer_id IN (${STALE_PERFORMERS})`,
  ),
  // A scene merge moves markers without bumping them; a tag merge re-points their tags.
  markers: dependents(
    'SELECT id FROM stash_scene_markers WHERE is_stale',
    `SELECT id FROM stash_scene_markers WHERE scene_id IN (${STALE_SCENES})`,
    `SELECT id FROM stash_scene_markers WHERE primary_tag_id IN (${STALE_TAGS})`,
    `SELECT marker_id AS id FROM stash_scene_marker_tags WHERE tag_id IN (${STALE_TAGS})`,
  ),
};

/**
 * An entity's columns and joins as its declaration in mirror-tables.ts gives them. A row's field
 * is read by its declared name: one keyed load per value, no allocation, so the page loops
 * (toPageColumns, the PostgreSQL upsert) stay as they were.
 */
export function entityTableOf<R>(declaration: EntityDeclaration, dependentsSql: string | null): EntityTable<R> {
  const fieldOf = (field: string) => (row: R) => (row as Record<string, unknown>)[field] as never;
  // SQLite binds no booleans; 1 and 0 are booleans to both databases (PostgreSQL reads them from the JSON of a page).
  const flagOf = (field: string) => (row: R) => ((row as Record<string, unknown>)[field] ? 1 : 0);
  return {
    table: declaration.name,
    columns: Object.entries(declaration.rowColumns).map(([field, c]) => ({
      column: c.sqlName,
      field,
      value: c.type === 'boolean' ? flagOf(field) : fieldOf(field),
    })),
    joins: declaration.joins.map((j) => ({
      table: j.table.name,
      ownerColumn: j.table.columns[j.owner]!.sqlName,
      otherColumn: j.table.columns[j.other]!.sqlName,
      otherIds: fieldOf(j.field),
    })),
    dependentsSql,
  };
}

const entityTable = <E extends EntityName>(entity: E) => entityTableOf<RowOf[E]>(MIRROR_ENTITIES[entity], DEPENDENTS_SQL[entity]);

export const ENTITY_TABLES: { [E in EntityName]: EntityTable<RowOf[E]> } = {
  performers: entityTable('performers'),
  tags: entityTable('tags'),
  studios: entityTable('studios'),
  scenes: entityTable('scenes'),
  markers: entityTable('markers'),
};

/** The tables an entity's pages write: its rows' and its join rows', each once (tags list stash_tag_parents twice, one per direction). */
export function tablesOf(entity: EntityName): string[] {
  const spec = ENTITY_TABLES[entity];
  return [...new Set([spec.table, ...spec.joins.map((j) => j.table)])];
}

/**
 * A page of rows as columns: how a page crosses to the SQLite writer thread. A few arrays copy and
 * are rebuilt on the other side several times faster than thousands of row objects, and that side
 * is the sync's bottleneck.
 */
export interface PageColumns {
  ids: Float64Array;
  stamps: string[];
  /** One array per column of the entity's table, in EntityTable.columns order. */
  values: (string | number | null)[][];
  /** Per join, in EntityTable.joins order: each row's count of other ids, then all of them in row order. */
  joins: { counts: Uint32Array; others: Float64Array }[];
}

/**
 * A page's rows, each once: a batch of pages can hold a row twice (offset paging over live data
 * shifted between requests), and the later copy is the newer. Writing both would leave the join
 * rows of both; a row's relations must be those of one copy.
 */
export function latestCopies<T extends { id: number }>(rows: readonly T[]): T[] {
  const byId = new Map<number, T>();
  for (const row of rows) byId.set(row.id, row);
  return byId.size === rows.length ? (rows as T[]) : [...byId.values()];
}

/** The page's rows in columns, each row once (latestCopies). */
export function toPageColumns(entity: EntityName, page: readonly AnyRow[]): PageColumns {
  const spec = ENTITY_TABLES[entity] as EntityTable<AnyRow>;
  const rows = latestCopies(page);
  return {
    ids: Float64Array.from(rows, (row) => row.id),
    stamps: rows.map((row) => row.stashUpdatedAt),
    values: spec.columns.map((column) => rows.map(column.value)),
    joins: spec.joins.map((join) => {
      const counts = new Uint32Array(rows.length);
      const others: number[] = [];
      rows.forEach((row, i) => {
        const ids = join.otherIds(row);
        counts[i] = ids.length;
        for (const id of ids) others.push(id);
      });
      return { counts, others: Float64Array.from(others) };
    }),
  };
}

/** The mirror tables the sync fills row by row; their secondary indexes may be built after a first sync. */
export const ROW_TABLES = [...new Set((Object.keys(ENTITY_TABLES) as EntityName[]).flatMap(tablesOf))];
