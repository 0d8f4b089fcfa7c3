import { useState } from 'react';
import { RelativeTime } from '../../components/RelativeTime';
import { useApp } from '../../stores/app-store';
import { hrefOf } from '../../stores/nav-store';
import { isSyncRunning, useSync } from '../../stores/sync-store';
import { EntityStates } from './EntityStates';
import { RunHistory } from './RunHistory';
import { SyncButton } from './SyncButton';
import { SyncProblems } from './SyncProblems';
import { SyncProgressList } from './SyncProgressList';
import { SyncWarnings } from './SyncWarnings';

export function SyncPage() {
  const status = useSync((s) => s.status);
  const running = useSync(isSyncRunning);
  const stashUrl = useApp((s) => s.settings?.stashUrl);
  const [full, setFull] = useState(false);

  return (
    <div className="page sync-page">
      <section className="panel">
        <div className="panel-head">
          <h2>Sync</h2>
          <SyncSummaryLine />
        </div>
        <p className="muted">
          {stashUrl ? (
            <>
              From <span className="mono">{stashUrl}</span>
            </>
          ) : (
            <>
              No Stash server configured yet: <a href={hrefOf('settings')}>open Settings</a>.
            </>
          )}
        </p>
        <div className="sync-actions">
          <SyncButton full={full} />
          <label className="check">
            <input type="checkbox" checked={full} disabled={running} onChange={(e) => setFull(e.target.checked)} />
            Full sync (re-read everything)
          </label>
        </div>
        <SyncProblems />
        <SyncWarnings />
        {running && <SyncProgressList />}
        {status && status.nextScheduledAt && !running && (
          <p className="muted small">
            Next periodic sync <RelativeTime iso={status.nextScheduledAt} />.
          </p>
        )}
      </section>

      <section className="panel">
        <h2>Entities</h2>
        <EntityStates />
      </section>

      <section className="panel">
        <h2>History</h2>
        <RunHistory />
      </section>
    </div>
  );
}

function SyncSummaryLine() {
  const lastSuccessAt = useSync((s) => s.status?.lastSuccessAt);
  return (
    <span className="muted">
      {lastSuccessAt ? (
        <>
          Last successful sync <RelativeTime iso={lastSuccessAt} />
        </>
      ) : (
        'Never synced'
      )}
    </span>
  );
}
