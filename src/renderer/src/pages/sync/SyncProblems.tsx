import { currentSyncError, useSync } from '../../stores/sync-store';

/** Why the last sync failed, and what the last request came to. */
export function SyncProblems() {
  const lastError = useSync(currentSyncError);
  const notice = useSync((s) => s.notice);
  const statusError = useSync((s) => s.statusError);
  return (
    <>
      {statusError && (
        <div role="alert" className="alert alert-error">
          <strong>Cannot read the sync status.</strong> {statusError}
        </div>
      )}
      {lastError && (
        <div role="alert" className="alert alert-error">
          <strong>The last sync failed.</strong> {lastError}
        </div>
      )}
      {notice && notice.text !== lastError && (
        <div role={notice.tone === 'error' ? 'alert' : 'status'} className={`alert alert-${notice.tone}`}>
          {notice.text}
        </div>
      )}
    </>
  );
}
