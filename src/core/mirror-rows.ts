/**
 * The rows the sync hands to storage: Stash's data already normalized for the mirror
 * (integer ids, primary-file size and duration, empty strings as null).
 *
 * Each row type is derived from its entity's declaration in db/mirror-tables.ts (the columns the
 * sync fills, under their declared names, and the ids of each join), so a column declared there is
 * a field here that the wire mapping must fill. Only types are imported: the shared contract, and
 * with it the renderer, loads this module and must not load the database's.
 */
import type { EntityRow, MirrorEntities } from './db/mirror-tables';

export const ENTITIES = ['performers', 'tags', 'studios', 'scenes', 'markers'] as const;
export type EntityName = (typeof ENTITIES)[number];

export type PerformerRow = EntityRow<MirrorEntities['performers']>;

export type TagRow = EntityRow<MirrorEntities['tags']>;

export type StudioRow = EntityRow<MirrorEntities['studios']>;

export interface SceneRow extends EntityRow<MirrorEntities['scenes']> {
  /** Latest updated_at among the scene's files: rescans change files without bumping the scene. */
  filesUpdatedAt: string | null;
}

export type MarkerRow = EntityRow<MirrorEntities['markers']>;

export interface RowOf {
  performers: PerformerRow;
  tags: TagRow;
  studios: StudioRow;
  scenes: SceneRow;
  markers: MarkerRow;
}

export type AnyRow = RowOf[EntityName];

/** What a listing says of one row: enough to detect new, changed and vanished rows. */
export interface RowVersion {
  id: number;
  stashUpdatedAt: string;
}
