import type { EntityName, RunStatus, SyncPhase } from '../../../shared/contract';

export const ENTITY_LABELS: Record<EntityName, string> = {
  performers: 'Performers',
  tags: 'Tags',
  studios: 'Studios',
  scenes: 'Scenes',
  markers: 'Markers',
};

export const PHASE_LABELS: Record<SyncPhase, string> = {
  changes: 'Fetching changes',
  listing: 'Checking for deletions',
  refetch: 'Re-fetching',
  indexing: 'Indexing for search',
};

export const STATUS_LABELS: Record<RunStatus, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};
