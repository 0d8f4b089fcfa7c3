import { RelativeTime } from '../../components/RelativeTime';
import { entityStates, useSync } from '../../stores/sync-store';
import { StatusBadge } from '../../components/StatusBadge';
import { ENTITY_LABELS } from '../../lib/labels';

/** When each entity last synced, and how its last run ended. */
export function EntityStates() {
  const entities = useSync(entityStates);
  return (
    <table className="data-table" aria-label="Entities">
      <thead>
        <tr>
          <th scope="col">Entity</th>
          <th scope="col">Last successful sync</th>
          <th scope="col">Last run</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {entities.map((e) => (
          <tr key={e.entity}>
            <th scope="row">{ENTITY_LABELS[e.entity]}</th>
            <td>{e.lastSuccessAt ? <RelativeTime iso={e.lastSuccessAt} /> : <span className="muted">Never</span>}</td>
            <td>{e.lastStatus ? <StatusBadge status={e.lastStatus} /> : <span className="muted">—</span>}</td>
            <td className="cell-error" title={e.lastError ?? undefined}>
              {e.lastError ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
