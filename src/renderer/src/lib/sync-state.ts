/** How the interface reads the service's sync state; kept apart from the store so it runs anywhere. */
import type { SyncStatus } from '../../../shared/contract';

/** A sync is under way, also while a cancel winds it down: no other may start until it ends. */
export function isSyncRunning(state: { status: SyncStatus | null; starting: boolean }): boolean {
  return state.starting || state.status?.state === 'running' || state.status?.state === 'cancelling';
}

export function isSyncCancelling(state: { status: SyncStatus | null }): boolean {
  return state.status?.state === 'cancelling';
}
