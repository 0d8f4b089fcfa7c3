import { useSync } from '../../stores/sync-store';

/** What the running or last sync left for the next one (deletions not checked, …): one line each. */
export function SyncWarnings() {
  const warnings = useSync((s) => s.status?.warnings);
  if (!warnings || warnings.length === 0) return null;
  return (
    <div role="status" className="alert alert-warn sync-warnings">
      <strong>Left for the next sync:</strong>
      <ul aria-label="Sync warnings">
        {warnings.map((warning, index) => (
          <li key={index}>{warning}</li>
        ))}
      </ul>
    </div>
  );
}
