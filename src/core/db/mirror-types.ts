/**
 * The mirror tables' rows as readers see them (search, the app), derived from the declarations in
 * mirror-tables.ts. READ-ONLY: only the sync writes these tables — the database refuses every other
 * INSERT, UPDATE and DELETE — so every field here is readonly and no insert types exist outside the
 * sync's store.
 */
import { MIRROR_TABLES, type MirrorTables } from './mirror-tables';
import { sqlNamesOf, type RecordOf } from './table-declaration';

export type MirrorRecords = { [T in keyof MirrorTables]: RecordOf<MirrorTables[T]['columns']> };

export type StashPerformerRecord = MirrorRecords['stash_performers'];
export type StashTagRecord = MirrorRecords['stash_tags'];
export type StashTagParentRecord = MirrorRecords['stash_tag_parents'];
export type StashSceneRecord = MirrorRecords['stash_scenes'];
export type StashScenePerformerRecord = MirrorRecords['stash_scene_performers'];
export type StashSceneTagRecord = MirrorRecords['stash_scene_tags'];
export type StashSceneMarkerRecord = MirrorRecords['stash_scene_markers'];
export type StashSceneMarkerTagRecord = MirrorRecords['stash_scene_marker_tags'];
export type StashTagClosureRecord = MirrorRecords['stash_tag_closure'];

/** Every column of every mirror data table; a test holds the migrations to this list. */
export const MIRROR_COLUMNS = Object.fromEntries(Object.entries(MIRROR_TABLES).map(([name, d]) => [name, sqlNamesOf(d)])) as unknown as {
  readonly [T in keyof MirrorRecords]: readonly (keyof MirrorRecords[T])[];
};
