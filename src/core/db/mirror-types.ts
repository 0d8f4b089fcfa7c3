/**
 * The mirror tables' rows as readers see them (search, the app). READ-ONLY: only the sync writes
 * these tables — the database refuses every other INSERT, UPDATE and DELETE — so every field here is
 * readonly and no insert types exist outside the sync's store.
 */
export interface StashPerformerRecord {
  readonly id: number;
  readonly name: string;
  readonly gender: string | null;
  readonly image_path: string | null;
  readonly stash_updated_at: string;
  readonly synced_at: Date;
  readonly is_stale: boolean;
}

export interface StashTagRecord {
  readonly id: number;
  readonly name: string;
  readonly stash_updated_at: string;
  readonly synced_at: Date;
  readonly is_stale: boolean;
}

export interface StashTagParentRecord {
  readonly child_id: number;
  readonly parent_id: number;
  readonly synced_at: Date;
}

export interface StashSceneRecord {
  readonly id: number;
  readonly title: string | null;
  readonly date: string | null;
  readonly details: string | null;
  readonly filesize: number | null;
  readonly duration: number | null;
  readonly stash_updated_at: string;
  readonly synced_at: Date;
  readonly is_stale: boolean;
}

export interface StashScenePerformerRecord {
  readonly scene_id: number;
  readonly performer_id: number;
  readonly synced_at: Date;
}

export interface StashSceneTagRecord {
  readonly scene_id: number;
  readonly tag_id: number;
  readonly synced_at: Date;
}

export interface StashSceneMarkerRecord {
  readonly id: number;
  readonly scene_id: number;
  readonly title: string;
  readonly seconds: number;
  readonly end_seconds: number | null;
  readonly primary_tag_id: number;
  readonly stash_updated_at: string;
  readonly synced_at: Date;
  readonly is_stale: boolean;
}

export interface StashSceneMarkerTagRecord {
  readonly marker_id: number;
  readonly tag_id: number;
  readonly synced_at: Date;
}

export interface MirrorRecords {
  stash_performers: StashPerformerRecord;
  stash_tags: StashTagRecord;
  stash_tag_parents: StashTagParentRecord;
  stash_scenes: StashSceneRecord;
  stash_scene_performers: StashScenePerformerRecord;
  stash_scene_tags: StashSceneTagRecord;
  stash_scene_markers: StashSceneMarkerRecord;
  stash_scene_marker_tags: StashSceneMarkerTagRecord;
}

type Columns<T> = readonly (keyof T)[];

/** Every column of every mirror data table; a test holds the migrations to this list. */
export const MIRROR_COLUMNS: { readonly [T in keyof MirrorRecords]: Columns<MirrorRecords[T]> } = {
  stash_performers: ['id', 'name', 'gender', 'image_path', 'stash_updated_at', 'synced_at', 'is_stale'],
  stash_tags: ['id', 'name', 'stash_updated_at', 'synced_at', 'is_stale'],
  stash_tag_parents: ['child_id', 'parent_id', 'synced_at'],
  stash_scenes: ['id', 'title', 'date', 'details', 'filesize', 'duration', 'stash_updated_at', 'synced_at', 'is_stale'],
  stash_scene_performers: ['scene_id', 'performer_id', 'synced_at'],
  stash_scene_tags: ['scene_id', 'tag_id', 'synced_at'],
  stash_scene_markers: ['id', 'scene_id', 'title', 'seconds', 'end_seconds', 'primary_tag_id', 'stash_updated_at', 'synced_at', 'is_stale'],
  stash_scene_marker_tags: ['marker_id', 'tag_id', 'synced_at'],
};
