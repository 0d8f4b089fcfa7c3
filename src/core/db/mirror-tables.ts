/**
 * The mirror's tables, written once for both SQL dialects. Each dialect module hands in a
 * `ColumnKit` that turns these neutral declarations into its own drizzle tables, so drizzle-kit
 * generates drizzle/sqlite (and, for shared deployments, drizzle/pg) from this one definition.
 *
 * READ-ONLY: every `stash_*` table mirrors Stash and is written by the sync alone. The database
 * enforces it with triggers (see the read-only custom migration); nothing else may INSERT, UPDATE
 * or DELETE these rows.
 */

/** A column builder of either dialect; the kit decides the concrete drizzle type. */
export interface ColumnBuilder {
  notNull(): ColumnBuilder;
  primaryKey(): ColumnBuilder;
  default(value: unknown): ColumnBuilder;
}

export interface ColumnKit {
  /** Stash ids and counts: fit a 32-bit integer in practice, but stored as 64-bit where it is free. */
  integer(name: string): ColumnBuilder;
  /** File sizes: exceed 2^31, read back as JS numbers (exact up to 2^53). */
  bigint(name: string): ColumnBuilder;
  /** Seconds and durations with fractions. */
  double(name: string): ColumnBuilder;
  text(name: string): ColumnBuilder;
  boolean(name: string): ColumnBuilder;
  /** A point in time written by the mirror itself (read back as a Date). */
  timestamp(name: string): ColumnBuilder;
  /** An integer key the database assigns. */
  serial(name: string): ColumnBuilder;
  table(
    name: string,
    columns: Record<string, ColumnBuilder>,
    extras?: (t: Record<string, unknown>, k: IndexKit) => unknown[],
  ): unknown;
}

export interface IndexKit {
  index(name: string, ...columns: unknown[]): unknown;
  /** The few stale rows of a table, so queries that start from them never scan the live ones. */
  staleIndex(name: string, table: Record<string, unknown>): unknown;
  /** Case-insensitive index on a text column: NOCASE in SQLite, lower() in Postgres. */
  caseInsensitiveIndex(name: string, column: unknown): unknown;
  primaryKey(...columns: unknown[]): unknown;
}

/** Columns every mirrored entity has. */
function entityColumns(k: ColumnKit) {
  return {
    id: k.integer('id').primaryKey(),
    /** The exact string Stash returned: compared as a string, never parsed. */
    stashUpdatedAt: k.text('stash_updated_at').notNull(),
    syncedAt: k.timestamp('synced_at').notNull(),
    /** Gone from Stash: kept for debugging, hidden from search. */
    isStale: k.boolean('is_stale').notNull().default(false),
  };
}

export function defineMirrorTables(k: ColumnKit) {
  const stashPerformers = k.table(
    'stash_performers',
    {
      ...entityColumns(k),
      name: k.text('name').notNull(),
      gender: k.text('gender'),
      imagePath: k.text('image_path'),
    },
    (t, i) => [i.index('stash_performers_name_idx', t.name), i.staleIndex('stash_performers_stale_idx', t)],
  );

  const stashTags = k.table(
    'stash_tags',
    { ...entityColumns(k), name: k.text('name').notNull() },
    (t, i) => [i.caseInsensitiveIndex('stash_tags_name_ci_idx', t.name), i.staleIndex('stash_tags_stale_idx', t)],
  );

  /** Direct edges only; a tag can have several parents. */
  const stashTagParents = k.table(
    'stash_tag_parents',
    {
      childId: k.integer('child_id').notNull(),
      parentId: k.integer('parent_id').notNull(),
      syncedAt: k.timestamp('synced_at').notNull(),
    },
    (t, i) => [
      i.primaryKey(t.childId, t.parentId),
      i.index('stash_tag_parents_parent_idx', t.parentId),
    ],
  );

  const stashScenes = k.table(
    'stash_scenes',
    {
      ...entityColumns(k),
      title: k.text('title'),
      /** 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY' as Stash stores it. */
      date: k.text('date'),
      details: k.text('details'),
      /** Of the primary (first) file; null when the scene has no file. */
      filesize: k.bigint('filesize'),
      duration: k.double('duration'),
    },
    (t, i) => [
      i.index('stash_scenes_date_idx', t.date),
      i.index('stash_scenes_filesize_idx', t.filesize),
      i.index('stash_scenes_duration_idx', t.duration),
      i.staleIndex('stash_scenes_stale_idx', t),
    ],
  );

  const stashScenePerformers = k.table(
    'stash_scene_performers',
    {
      sceneId: k.integer('scene_id').notNull(),
      performerId: k.integer('performer_id').notNull(),
      syncedAt: k.timestamp('synced_at').notNull(),
    },
    (t, i) => [
      i.primaryKey(t.sceneId, t.performerId),
      i.index('stash_scene_performers_performer_idx', t.performerId),
    ],
  );

  const stashSceneTags = k.table(
    'stash_scene_tags',
    {
      sceneId: k.integer('scene_id').notNull(),
      tagId: k.integer('tag_id').notNull(),
      syncedAt: k.timestamp('synced_at').notNull(),
    },
    (t, i) => [i.primaryKey(t.sceneId, t.tagId), i.index('stash_scene_tags_tag_idx', t.tagId)],
  );

  const stashSceneMarkers = k.table(
    'stash_scene_markers',
    {
      ...entityColumns(k),
      sceneId: k.integer('scene_id').notNull(),
      title: k.text('title').notNull(),
      seconds: k.double('seconds').notNull(),
      endSeconds: k.double('end_seconds'),
      primaryTagId: k.integer('primary_tag_id').notNull(),
    },
    (t, i) => [
      i.index('stash_scene_markers_scene_idx', t.sceneId),
      i.index('stash_scene_markers_primary_tag_idx', t.primaryTagId),
      i.staleIndex('stash_scene_markers_stale_idx', t),
    ],
  );

  /** Secondary tags only: the primary tag lives on the marker row. */
  const stashSceneMarkerTags = k.table(
    'stash_scene_marker_tags',
    {
      markerId: k.integer('marker_id').notNull(),
      tagId: k.integer('tag_id').notNull(),
      syncedAt: k.timestamp('synced_at').notNull(),
    },
    (t, i) => [
      i.primaryKey(t.markerId, t.tagId),
      i.index('stash_scene_marker_tags_tag_idx', t.tagId),
    ],
  );

  /**
   * Every (ancestor, descendant) pair of the tag hierarchy, each tag its own ancestor too: "with
   * sub-tags" is one lookup. Rebuilt by the sync whenever tags change; a cycle in Stash's data
   * puts every tag on it below every other, and the rebuild still ends.
   */
  const stashTagClosure = k.table(
    'stash_tag_closure',
    {
      ancestorId: k.integer('ancestor_id').notNull(),
      descendantId: k.integer('descendant_id').notNull(),
    },
    (t, i) => [
      i.primaryKey(t.ancestorId, t.descendantId),
      i.index('stash_tag_closure_descendant_idx', t.descendantId),
    ],
  );

  /** One row per run and entity. */
  const stashSyncRuns = k.table(
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
    },
    (t, i) => [i.index('stash_sync_runs_entity_idx', t.entity, t.startedAt)],
  );

  /** Per-entity high-water marks, committed with the page that advanced them. */
  const stashSyncState = k.table('stash_sync_state', {
    entity: k.text('entity').primaryKey(),
    watermark: k.text('watermark'),
    filesWatermark: k.text('files_watermark'),
    updatedAt: k.timestamp('updated_at').notNull(),
  });

  /**
   * Holds a row only inside the sync's own write transactions (inserted first, deleted before
   * commit), so other connections never see one: the read-only triggers let a write through
   * only while it exists.
   */
  const stashSyncWriter = k.table('stash_sync_writer', {
    token: k.text('token').primaryKey(),
  });

  /**
   * The mirror's own state that is not a watermark, by name: 'deferred-indexes' while a first sync
   * has its secondary indexes dropped (PostgreSQL keeps their definitions in `value`).
   */
  const stashMirrorState = k.table('stash_mirror_state', {
    name: k.text('name').primaryKey(),
    value: k.text('value'),
    updatedAt: k.timestamp('updated_at').notNull(),
  });

  return {
    stashPerformers,
    stashTags,
    stashTagParents,
    stashScenes,
    stashScenePerformers,
    stashSceneTags,
    stashSceneMarkers,
    stashSceneMarkerTags,
    stashTagClosure,
    stashSyncRuns,
    stashSyncState,
    stashSyncWriter,
    stashMirrorState,
  };
}

/** Tables the sync alone may write; the read-only triggers guard exactly these. */
export const SYNC_WRITTEN_TABLES = [
  'stash_performers',
  'stash_tags',
  'stash_tag_parents',
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
