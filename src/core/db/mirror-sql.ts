/**
 * Dialect-neutral facts about the mirror tables that both stores build their SQL from: which
 * columns each entity writes, which join rows hang off it, and which relations go dead when a
 * referenced row goes stale. SQL here uses only syntax SQLite and PostgreSQL share.
 */
import type { AnyRow, EntityName, MarkerRow, PerformerRow, SceneRow, TagRow } from '../mirror-rows';

export interface ColumnMapping<R> {
  column: string;
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

const performers: EntityTable<PerformerRow> = {
  table: 'stash_performers',
  columns: [
    { column: 'name', value: (r) => r.name },
    { column: 'gender', value: (r) => r.gender },
    { column: 'image_path', value: (r) => r.imagePath },
  ],
  joins: [],
  dependentsSql: null,
};

const tags: EntityTable<TagRow> = {
  table: 'stash_tags',
  columns: [{ column: 'name', value: (r) => r.name }],
  // Stash bumps only the edited end of a parent/child edge, so a tag's edges are replaced from
  // both of its lists: parents (it is the child) and children (it is the parent).
  joins: [
    { table: 'stash_tag_parents', ownerColumn: 'child_id', otherColumn: 'parent_id', otherIds: (r) => r.parentIds },
    { table: 'stash_tag_parents', ownerColumn: 'parent_id', otherColumn: 'child_id', otherIds: (r) => r.childIds },
  ],
  dependentsSql: `
    SELECT child_id AS id FROM stash_tag_parents WHERE parent_id IN (${STALE_TAGS})
    UNION
    SELECT parent_id AS id FROM stash_tag_parents WHERE child_id IN (${STALE_TAGS})
    EXCEPT
    ${STALE_TAGS}`,
};

const scenes: EntityTable<SceneRow> = {
  table: 'stash_scenes',
  columns: [
    { column: 'title', value: (r) => r.title },
    { column: 'date', value: (r) => r.date },
    { column: 'details', value: (r) => r.details },
    { column: 'filesize', value: (r) => r.filesize },
    { column: 'duration', value: (r) => r.duration },
  ],
  joins: [
    { table: 'stash_scene_performers', ownerColumn: 'scene_id', otherColumn: 'performer_id', otherIds: (r) => r.performerIds },
    { table: 'stash_scene_tags', ownerColumn: 'scene_id', otherColumn: 'tag_id', otherIds: (r) => r.tagIds },
  ],
  dependentsSql: `
    SELECT scene_id AS id FROM stash_scene_tags WHERE tag_id IN (${STALE_TAGS})
    UNION
    SELECT scene_id AS id FROM stash_scene_performers WHERE performer_id IN (${STALE_PERFORMERS})
    EXCEPT
    ${STALE_SCENES}`,
};

const markers: EntityTable<MarkerRow> = {
  table: 'stash_scene_markers',
  columns: [
    { column: 'scene_id', value: (r) => r.sceneId },
    { column: 'title', value: (r) => r.title },
    { column: 'seconds', value: (r) => r.seconds },
    { column: 'end_seconds', value: (r) => r.endSeconds },
    { column: 'primary_tag_id', value: (r) => r.primaryTagId },
  ],
  joins: [
    { table: 'stash_scene_marker_tags', ownerColumn: 'marker_id', otherColumn: 'tag_id', otherIds: (r) => r.tagIds },
  ],
  // A scene merge moves markers without bumping them; a tag merge re-points their tags.
  dependentsSql: `
    SELECT id FROM stash_scene_markers WHERE scene_id IN (${STALE_SCENES})
    UNION
    SELECT id FROM stash_scene_markers WHERE primary_tag_id IN (${STALE_TAGS})
    UNION
    SELECT marker_id AS id FROM stash_scene_marker_tags WHERE tag_id IN (${STALE_TAGS})
    EXCEPT
    SELECT id FROM stash_scene_markers WHERE is_stale`,
};

export const ENTITY_TABLES: { [E in EntityName]: EntityTable<import('../mirror-rows').RowOf[E]> } = {
  performers,
  tags,
  scenes,
  markers,
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
