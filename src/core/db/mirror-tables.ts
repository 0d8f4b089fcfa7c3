/**
 * The mirror's tables, declared once for both SQL dialects and for everything built on them. Each
 * data table's columns are declared here, typed (table-declaration.ts), and the rest derives from
 * that declaration: each dialect module hands in a `ColumnKit` that turns it into its own drizzle
 * tables, so drizzle-kit generates drizzle/sqlite (and, for shared deployments, drizzle/pg) from
 * it; mirror-sql.ts takes the upsert column lists from it, mirror-types.ts the records readers see,
 * mirror-rows.ts the rows the sync writes, search-sql.ts the columns the search reads and indexes.
 * Adding a column is an edit here plus `npm run db:generate` (and, for a column filled from Stash,
 * mapping its value in src/core/stash/wire.ts, which the row type then demands).
 *
 * READ-ONLY: every `stash_*` table mirrors Stash and is written by the sync alone. The database
 * enforces it with triggers (see the read-only custom migration); nothing else may INSERT, UPDATE
 * or DELETE these rows.
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { EntityName } from '../mirror-rows';
import { column, table, type Columns, type FieldsOf, type IndexKit, type TableDeclaration, type TableExtras } from './table-declaration';

export type { IndexKit } from './table-declaration';

/** A column builder of either dialect; the kit decides the concrete drizzle type. */
export interface ColumnBuilder {
  notNull(): ColumnBuilder;
  primaryKey(): ColumnBuilder;
  default(value: unknown): ColumnBuilder;
}

export interface ColumnKit {
  integer(name: string): ColumnBuilder;
  bigint(name: string): ColumnBuilder;
  double(name: string): ColumnBuilder;
  text(name: string): ColumnBuilder;
  boolean(name: string): ColumnBuilder;
  timestamp(name: string): ColumnBuilder;
  serial(name: string): ColumnBuilder;
  table(name: string, columns: Record<string, ColumnBuilder>, extras?: (t: Record<string, unknown>, k: IndexKit) => unknown[]): unknown;
}

/** What a dialect's drizzle gives for indexes: an index on columns or expressions, and a composite key. */
export interface IndexPrimitives {
  index(name: string, columns: unknown[]): { where(condition: SQL): unknown };
  primaryKey(columns: unknown[]): unknown;
  /** The expression a case-insensitive index is built on. */
  caseInsensitive(column: unknown): SQL;
}

/** The index kit, alike in both dialects but for the primitives they hand in. */
export function indexKitOf(p: IndexPrimitives): IndexKit {
  return {
    index: (name, ...columns) => p.index(name, columns),
    staleIndex: (name, table) => p.index(name, [table.id]).where(sql`${table.isStale as SQLWrapper}`),
    caseInsensitiveIndex: (name, column) => p.index(name, [p.caseInsensitive(column)]),
    primaryKey: (...columns) => p.primaryKey(columns),
  };
}

// --- The data tables ----------------------------------------------------------------------------

/** Columns every mirrored entity has. */
const entityColumns = {
  id: column.integer('id').primaryKey(),
  /** Stash's updated_at, the exact string Stash returned: compared as a string, never parsed. */
  stashUpdatedAt: column.text('stash_updated_at').notNull(),
  syncedAt: column.timestamp('synced_at').notNull(),
  /** Gone from Stash: kept for debugging, hidden from search. */
  isStale: column.boolean('is_stale').notNull().default(false),
};

/** The shared columns the sync's rows carry; the store writes synced_at and is_stale itself. */
type VersionColumns = Pick<typeof entityColumns, 'id' | 'stashUpdatedAt'>;

/** Join rows owned by an entity row: replaced whole whenever the row is written. */
export interface JoinDeclaration<Field extends string = string> {
  readonly table: TableDeclaration;
  /** Declared names of the join table's columns holding the owner's id and the other row's id. */
  readonly owner: string;
  readonly other: string;
  /** The field of the sync's row listing the other ids. */
  readonly field: Field;
}

function join<T extends TableDeclaration, const Field extends string>(
  joinTable: T,
  owner: keyof T['columns'] & string,
  other: keyof T['columns'] & string,
  field: Field,
): JoinDeclaration<Field> {
  return { table: joinTable, owner, other, field };
}

/** A join table: the two ids, and when the sync wrote the pair. */
function joinTable<Name extends string, C extends Columns>(name: Name, ids: C, extras: TableExtras) {
  return table(name, { ...ids, syncedAt: column.timestamp('synced_at').notNull() }, extras);
}

export interface EntityDeclaration<
  Name extends string = string,
  Own extends Columns = Columns,
  Joins extends readonly JoinDeclaration[] = readonly JoinDeclaration[],
> extends TableDeclaration<Name, typeof entityColumns & Own> {
  /** The columns the entity adds, filled from the sync's rows, in the order the upserts list them. */
  readonly rowColumns: Own;
  readonly joins: Joins;
  /** Declared names of the columns whose words the full-text search indexes, in document order. */
  readonly words: readonly string[];
}

export function entity<Name extends string, Own extends Columns, const Joins extends readonly JoinDeclaration[]>(
  name: Name,
  spec: { columns: Own; joins: Joins; words: readonly (keyof Own & string)[]; extras?: TableExtras },
): EntityDeclaration<Name, Own, Joins> {
  return { ...table(name, { ...entityColumns, ...spec.columns }, spec.extras), rowColumns: spec.columns, joins: spec.joins, words: spec.words };
}

const performerTags = joinTable(
  'stash_performer_tags',
  { performerId: column.integer('performer_id').notNull(), tagId: column.integer('tag_id').notNull() },
  (t, i) => [i.primaryKey(t.performerId, t.tagId), i.index('stash_performer_tags_tag_idx', t.tagId)],
);

const performers = entity('stash_performers', {
  columns: {
    name: column.text('name').notNull(),
    gender: column.text('gender'),
    imagePath: column.text('image_path'),
    favorite: column.boolean('favorite').notNull().default(false),
  },
  joins: [join(performerTags, 'performerId', 'tagId', 'tagIds')],
  words: ['name'],
  extras: (t, i) => [i.index('stash_performers_name_idx', t.name), i.staleIndex('stash_performers_stale_idx', t)],
});

/** Direct edges only; a tag can have several parents. */
const tagParents = joinTable(
  'stash_tag_parents',
  { childId: column.integer('child_id').notNull(), parentId: column.integer('parent_id').notNull() },
  (t, i) => [i.primaryKey(t.childId, t.parentId), i.index('stash_tag_parents_parent_idx', t.parentId)],
);

const tags = entity('stash_tags', {
  columns: { name: column.text('name').notNull() },
  // Stash bumps only the edited end of a parent/child edge, so a tag's edges are replaced from
  // both of its lists: parents (it is the child) and children (it is the parent).
  joins: [join(tagParents, 'childId', 'parentId', 'parentIds'), join(tagParents, 'parentId', 'childId', 'childIds')],
  words: ['name'],
  extras: (t, i) => [i.caseInsensitiveIndex('stash_tags_name_ci_idx', t.name), i.staleIndex('stash_tags_stale_idx', t)],
});

/** A studio has at most one parent; its children are found through parent_id. */
const studios = entity('stash_studios', {
  columns: {
    name: column.text('name').notNull(),
    parentId: column.integer('parent_id'),
    imagePath: column.text('image_path'),
  },
  joins: [],
  words: ['name'],
  extras: (t, i) => [i.index('stash_studios_parent_idx', t.parentId), i.staleIndex('stash_studios_stale_idx', t)],
});

const scenePerformers = joinTable(
  'stash_scene_performers',
  { sceneId: column.integer('scene_id').notNull(), performerId: column.integer('performer_id').notNull() },
  (t, i) => [i.primaryKey(t.sceneId, t.performerId), i.index('stash_scene_performers_performer_idx', t.performerId)],
);

const sceneTags = joinTable(
  'stash_scene_tags',
  { sceneId: column.integer('scene_id').notNull(), tagId: column.integer('tag_id').notNull() },
  (t, i) => [i.primaryKey(t.sceneId, t.tagId), i.index('stash_scene_tags_tag_idx', t.tagId)],
);

const scenes = entity('stash_scenes', {
  columns: {
    title: column.text('title'),
    /** 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY' as Stash stores it. */
    date: column.text('date'),
    details: column.text('details'),
    /** Of the primary (first) file; null when the scene has no file. */
    filesize: column.bigint('filesize'),
    duration: column.double('duration'),
    /** The primary file's name without its folder: what Stash shows for an untitled scene. */
    basename: column.text('basename'),
    /** 0-100; null when the scene is unrated. */
    rating100: column.integer('rating100'),
    organized: column.boolean('organized').notNull().default(false),
    studioId: column.integer('studio_id'),
  },
  joins: [join(scenePerformers, 'sceneId', 'performerId', 'performerIds'), join(sceneTags, 'sceneId', 'tagId', 'tagIds')],
  words: ['title', 'details', 'basename'],
  extras: (t, i) => [
    i.index('stash_scenes_date_idx', t.date),
    i.index('stash_scenes_filesize_idx', t.filesize),
    i.index('stash_scenes_duration_idx', t.duration),
    i.index('stash_scenes_studio_idx', t.studioId),
    i.staleIndex('stash_scenes_stale_idx', t),
  ],
});

/** Secondary tags only: the primary tag lives on the marker row. */
const markerTags = joinTable(
  'stash_scene_marker_tags',
  { markerId: column.integer('marker_id').notNull(), tagId: column.integer('tag_id').notNull() },
  (t, i) => [i.primaryKey(t.markerId, t.tagId), i.index('stash_scene_marker_tags_tag_idx', t.tagId)],
);

const markers = entity('stash_scene_markers', {
  columns: {
    sceneId: column.integer('scene_id').notNull(),
    title: column.text('title').notNull(),
    seconds: column.double('seconds').notNull(),
    endSeconds: column.double('end_seconds'),
    primaryTagId: column.integer('primary_tag_id').notNull(),
  },
  joins: [join(markerTags, 'markerId', 'tagId', 'tagIds')],
  words: ['title'],
  extras: (t, i) => [
    i.index('stash_scene_markers_scene_idx', t.sceneId),
    i.index('stash_scene_markers_primary_tag_idx', t.primaryTagId),
    i.staleIndex('stash_scene_markers_stale_idx', t),
  ],
});

/**
 * Every (ancestor, descendant) pair of the tag hierarchy, each tag its own ancestor too: "with
 * sub-tags" is one lookup. Rebuilt by the sync whenever tags change; a cycle in Stash's data
 * puts every tag on it below every other, and the rebuild still ends.
 */
const tagClosure = table(
  'stash_tag_closure',
  {
    ancestorId: column.integer('ancestor_id').notNull(),
    descendantId: column.integer('descendant_id').notNull(),
  },
  (t, i) => [i.primaryKey(t.ancestorId, t.descendantId), i.index('stash_tag_closure_descendant_idx', t.descendantId)],
);

/** The mirrored entities' tables, by entity. */
export const MIRROR_ENTITIES = { performers, tags, studios, scenes, markers } satisfies Record<EntityName, EntityDeclaration>;
export type MirrorEntities = typeof MIRROR_ENTITIES;

/** Every data table, by SQL name: the entities', their join tables and the tag closure. */
export const MIRROR_TABLES = byName([
  performers,
  performerTags,
  tags,
  tagParents,
  studios,
  scenes,
  scenePerformers,
  sceneTags,
  markers,
  markerTags,
  tagClosure,
]);
export type MirrorTables = typeof MIRROR_TABLES;

function byName<const T extends readonly TableDeclaration[]>(tables: T): { [D in T[number] as D['name']]: D } {
  return Object.fromEntries(tables.map((d) => [d.name, d])) as never;
}

/**
 * A row the sync hands to storage for an entity: its id and Stash version, the columns the entity
 * adds (under their declared names) and, per join, the other rows' ids.
 */
export type EntityRow<D extends EntityDeclaration> = FieldsOf<VersionColumns & D['rowColumns']> & {
  [J in D['joins'][number] as J['field']]: number[];
};

/** The columns whose values come from Stash (all but the mirror's own synced_at and is_stale), as SQL names. */
export function stashColumnsOf(entity: EntityDeclaration): string[] {
  return [entityColumns.id, entityColumns.stashUpdatedAt, ...Object.values(entity.rowColumns)].map((c) => c.sqlName);
}

/** The dialect's drizzle table of a declaration: each column through the kit. */
export function drizzleTable(k: ColumnKit, declaration: TableDeclaration): unknown {
  const columns: Record<string, ColumnBuilder> = {};
  for (const [key, c] of Object.entries(declaration.columns)) {
    let builder = k[c.type](c.sqlName);
    // The kit's serial is the key already; a primary key is not null without saying so.
    if (c.isPrimaryKey && c.type !== 'serial') builder = builder.primaryKey();
    else if (!c.nullable && c.type !== 'serial') builder = builder.notNull();
    if (c.defaultValue !== undefined) builder = builder.default(c.defaultValue);
    columns[key] = builder;
  }
  return k.table(declaration.name, columns, declaration.extras);
}

// --- The drizzle tables -------------------------------------------------------------------------

export function defineMirrorTables(k: ColumnKit) {
  return {
    stashPerformers: drizzleTable(k, performers),
    stashPerformerTags: drizzleTable(k, performerTags),
    stashTags: drizzleTable(k, tags),
    stashTagParents: drizzleTable(k, tagParents),
    stashStudios: drizzleTable(k, studios),
    stashScenes: drizzleTable(k, scenes),
    stashScenePerformers: drizzleTable(k, scenePerformers),
    stashSceneTags: drizzleTable(k, sceneTags),
    stashSceneMarkers: drizzleTable(k, markers),
    stashSceneMarkerTags: drizzleTable(k, markerTags),
    stashTagClosure: drizzleTable(k, tagClosure),

    // The sync's own bookkeeping: nothing derives from these columns (no rows handed over, no
    // records for readers, no search sources), so they are written with the kit directly.

    /** One row per run and entity. */
    stashSyncRuns: k.table(
      'stash_sync_runs',
      {
        id: k.serial('id'),
        runId: k.text('run_id').notNull(),
        entity: k.text('entity').notNull(),
        mode: k.text('mode').notNull(),
        status: k.text('status').notNull(),
        startedAt: k.timestamp('started_at').notNull(),
        finishedAt: k.timestamp('finished_at'),
        fetched: k.integer('fetched').notNull().default(0),
        upserted: k.integer('upserted').notNull().default(0),
        staleMarked: k.integer('stale_marked').notNull().default(0),
        error: k.text('error'),
        /** The error's ErrorKind (src/core/errors.ts), so History tells a wrong key from a server down without reading the text. */
        errorKind: k.text('error_kind'),
        /**
         * The picture step after the run's sync, the same on each of its rows; null when none ran
         * (a failed sync, --no-media, the cache off). removed: pictures of rows gone from the mirror.
         */
        picturesDownloaded: k.integer('pictures_downloaded'),
        picturesAlreadyCached: k.integer('pictures_already_cached'),
        picturesPlaceholders: k.integer('pictures_placeholders'),
        picturesFailed: k.integer('pictures_failed'),
        picturesRemoved: k.integer('pictures_removed'),
      },
      (t, i) => [i.index('stash_sync_runs_entity_idx', t.entity, t.startedAt)],
    ),

    /** Per-entity high-water marks, committed with the page that advanced them. */
    stashSyncState: k.table('stash_sync_state', {
      entity: k.text('entity').primaryKey(),
      watermark: k.text('watermark'),
      filesWatermark: k.text('files_watermark'),
      updatedAt: k.timestamp('updated_at').notNull(),
    }),

    /**
     * Holds a row only inside the sync's own write transactions (inserted first, deleted before
     * commit), so other connections never see one: the read-only triggers let a write through
     * only while it exists.
     */
    stashSyncWriter: k.table('stash_sync_writer', {
      token: k.text('token').primaryKey(),
    }),

    /**
     * The mirror's own state that is not a watermark, by name: 'deferred-indexes' while a first sync
     * has its secondary indexes dropped (PostgreSQL keeps their definitions in `value`).
     */
    stashMirrorState: k.table('stash_mirror_state', {
      name: k.text('name').primaryKey(),
      value: k.text('value'),
      updatedAt: k.timestamp('updated_at').notNull(),
    }),
  };
}

/** Tables the sync alone may write; the read-only triggers guard exactly these. */
export const SYNC_WRITTEN_TABLES = [
  'stash_performers',
  'stash_performer_tags',
  'stash_tags',
  'stash_tag_parents',
  'stash_studios',
  'stash_scenes',
  'stash_scene_performers',
  'stash_scene_tags',
  'stash_scene_markers',
  'stash_scene_marker_tags',
  'stash_tag_closure',
  'stash_sync_runs',
  'stash_sync_state',
  'stash_mirror_state',
] as const;
