import { Fragment } from 'react';
import { ErrorLine } from '../../components/ErrorLine';
import { RelativeTime } from '../../components/RelativeTime';
import { formatCount, formatDuration } from '../../lib/format';
import { useSync } from '../../stores/sync-store';
import { StatusBadge } from '../../components/StatusBadge';
import { ENTITY_LABELS } from '../../lib/labels';
import { picturesAfterRow } from '../../lib/picture-counts';

/** Started, entity, mode, status, four counts and the error. */
const COLUMNS = 9;

/** Past sync runs, newest first, one row per entity of each run and a line of picture counts closing a run that had the step. */
export function RunHistory() {
  const runs = useSync((s) => s.runs);
  const error = useSync((s) => s.runsError);
  const pictures = picturesAfterRow(runs);
  return (
    <>
      <ErrorLine message={error} />
      {runs.length === 0 ? (
        <p className="muted">No syncs have run yet.</p>
      ) : (
        <table className="data-table" aria-label="Sync history">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Entity</th>
              <th scope="col">Mode</th>
              <th scope="col">Status</th>
              {['Took', 'Fetched', 'Written', 'Removed'].map((heading) => (
                <th key={heading} scope="col" className="num">
                  {heading}
                </th>
              ))}
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run, i) => (
              <Fragment key={`${run.runId}:${run.entity}`}>
                <tr>
                  <td>
                    <RelativeTime iso={run.startedAt} />
                  </td>
                  <td>{ENTITY_LABELS[run.entity]}</td>
                  <td>{run.mode === 'full' ? 'Full' : 'Incremental'}</td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td className="num">{run.finishedAt ? formatDuration((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000) : '—'}</td>
                  <td className="num">{formatCount(run.fetched)}</td>
                  <td className="num">{formatCount(run.upserted)}</td>
                  <td className="num">{formatCount(run.staleMarked)}</td>
                  <td className="cell-error" title={run.error ?? undefined}>
                    {run.error ?? ''}
                  </td>
                </tr>
                {pictures[i] && (
                  <tr className="run-pictures">
                    <td colSpan={COLUMNS}>Pictures: {pictures[i]}</td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
