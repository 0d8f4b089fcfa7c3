import { isSyncCancelling, isSyncRunning, useSync } from '../../stores/sync-store';

/** "Sync now", or "Cancel" beside it while a sync runs. */
export function SyncButton({ full = false }: { full?: boolean }) {
  const running = useSync(isSyncRunning);
  const cancelling = useSync(isSyncCancelling);
  const syncNow = useSync((s) => s.syncNow);
  const cancel = useSync((s) => s.cancel);
  return (
    <div className="button-row">
      <button type="button" className="primary" disabled={running} onClick={() => void syncNow(full ? { full } : undefined)}>
        {cancelling ? 'Cancelling…' : running ? 'Syncing…' : 'Sync now'}
      </button>
      {running && (
        <button type="button" disabled={cancelling} onClick={() => void cancel()}>
          Cancel
        </button>
      )}
    </div>
  );
}
