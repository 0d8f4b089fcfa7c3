import { useApp } from '../../stores/app-store';
import { hrefOf } from '../../stores/nav-store';
import { isSyncRunning, useSync } from '../../stores/sync-store';
import { SyncButton } from '../sync/SyncButton';
import { SyncProgressList } from '../sync/SyncProgressList';
import { SyncProblems } from '../sync/SyncProblems';

/** Until a sync completes there is nothing to search: say so and offer the way there. */
export function FirstRun() {
  const settings = useApp((s) => s.settings);
  const running = useSync(isSyncRunning);
  const configured = Boolean(settings?.stashUrl);
  return (
    <section className="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">No sync has completed yet</h2>
      <p className="muted">
        Stash Mirror searches a local copy of your Stash server’s markers. Copy them once, and search works offline from then on.
      </p>
      {!configured && settings && (
        <p>
          No Stash server is configured. <a href={hrefOf('settings')}>Open Settings</a> to enter its address and API key.
        </p>
      )}
      <div className="first-run-actions">
        <SyncButton />
      </div>
      <SyncProblems />
      {running && <SyncProgressList compact />}
    </section>
  );
}
