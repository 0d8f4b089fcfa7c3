/**
 * How far a sync is: the engine reports it, the contract's status carries it, every window shows it.
 * Written once here; type-only, so whoever imports it pulls in no code.
 */
import type { EntityName } from '../core/mirror-rows';
import type { MediaProgress, MediaStepSummary } from '../core/media/media-step';

/** The media step after the metadata sync: pictures cached so far, and its outcome. */
export type { MediaProgress, MediaStepSummary };

/** The step of an entity's sync under way (docs/sync.md): changed rows, the listing, the re-fetch, the search's last step. */
export type SyncPhase = 'changes' | 'listing' | 'refetch' | 'indexing';

export interface SyncProgress {
  entity: EntityName;
  phase: SyncPhase;
  done: number;
  total: number;
}
