import { hrefOf } from '../stores/nav-store';
import { ENTITY_LABELS } from '../lib/labels';
import { currentProgress, currentSyncError, isSyncCancelling, isSyncRunning, useSync } from '../stores/sync-store';
import { RelativeTime } from './RelativeTime';

/** The header's view of syncing: when it last succeeded, and whether one is running or failed. */
export function SyncIndicator() {
  const status = useSync((s) => s.status);
  const running = useSync(isSyncRunning);
  const cancelling = useSync(isSyncCancelling);
  const lastError = useSync(currentSyncError);
  const current = currentProgress(status);

  const state = running ? 'running' : lastError ? 'failed' : status?.lastSuccessAt ? 'ok' : 'never';
  const label = {
    running: cancelling
      ? 'Cancelling'
      : current
        ? `Syncing ${ENTITY_LABELS[current.entity].toLowerCase()}${current.share === null ? '' : ` ${Math.floor(current.share * 100)}%`}`
        : 'Syncing',
    failed: 'Last sync failed',
    ok: 'Up to date',
    never: 'Not synced',
  }[state];

  return (
    <div className="sync-indicator">
      <span className="last-sync">
        {status?.lastSuccessAt ? (
          <>
            Synced <RelativeTime iso={status.lastSuccessAt} />
          </>
        ) : (
          'Never synced'
        )}
      </span>
      <a className={`sync-pill sync-${state}`} href={hrefOf('sync')} aria-label={`Sync status: ${label}`} title={lastError ?? label}>
        <span className="dot" aria-hidden="true" />
        {label}
      </a>
    </div>
  );
}
