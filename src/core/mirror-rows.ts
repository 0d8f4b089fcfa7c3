/**
 * The rows the sync hands to storage: Stash's data already normalized for the mirror
 * (integer ids, primary-file size and duration, empty strings as null).
 */
export const ENTITIES = ['performers', 'tags', 'scenes', 'markers'] as const;
export type EntityName = (typeof ENTITIES)[number];

interface Versioned {
  id: number;
  /** Stash's updated_at, exactly as returned. */
  stashUpdatedAt: string;
}

export interface PerformerRow extends Versioned {
  name: string;
  gender: string | null;
  imagePath: string | null;
}

export interface TagRow extends Versioned {
  name: string;
  parentIds: number[];
  childIds: number[];
}

export interface SceneRow extends Versioned {
  title: string | null;
  date: string | null;
  details: string | null;
  filesize: number | null;
  duration: number | null;
  performerIds: number[];
  tagIds: number[];
  /** Latest updated_at among the scene's files: rescans change files without bumping the scene. */
  filesUpdatedAt: string | null;
}

export interface MarkerRow extends Versioned {
  sceneId: number;
  title: string;
  seconds: number;
  endSeconds: number | null;
  primaryTagId: number;
  tagIds: number[];
}

export interface RowOf {
  performers: PerformerRow;
  tags: TagRow;
  scenes: SceneRow;
  markers: MarkerRow;
}

export type AnyRow = RowOf[EntityName];

/** What a listing says of one row: enough to detect new, changed and vanished rows. */
export interface RowVersion {
  id: number;
  stashUpdatedAt: string;
}
