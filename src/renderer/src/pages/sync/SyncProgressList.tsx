import { ENTITIES, type EntityName, type MediaProgress } from '../../../../shared/contract';
import { progressRowView, type ProgressRowView } from '../../lib/progress-rows';
import { useApp } from '../../stores/app-store';
import { syncProgress, useSync } from '../../stores/sync-store';
import { ENTITY_LABELS } from '../../lib/labels';

/** One progress bar per entity of the running sync; entities not reached yet wait in line. */
export function SyncProgressList({ compact = false }: { compact?: boolean }) {
  const progress = useSync(syncProgress);
  const media = useSync((state) => state.status?.mediaProgress ?? null);
  const chosen = useApp((s) => s.settings?.entities ?? ENTITIES);
  const reached = new Map(progress.map((p, index) => [p.entity, progressRowView(progress, index)]));
  const shown = ENTITIES.filter((e) => chosen.includes(e) || reached.has(e));
  return (
    <ul className={`progress-list${compact ? ' compact' : ''}`} aria-label="Sync progress">
      {shown.map((entity) => (
        <ProgressRow key={entity} entity={entity} view={reached.get(entity)} />
      ))}
      {media && <PicturesRow progress={media} />}
    </ul>
  );
}

function ProgressRow({ entity, view }: { entity: EntityName; view: ProgressRowView | undefined }) {
  return (
    <li className={view ? undefined : 'waiting'}>
      <span className="progress-entity">{ENTITY_LABELS[entity]}</span>
      <progress aria-label={`${ENTITY_LABELS[entity]} progress`} value={view ? view.value : 0} max={view ? view.max : 1} />
      <span className="progress-count">{view?.count ?? ''}</span>
      <span className="progress-phase muted">{view?.phase ?? 'Waiting'}</span>
    </li>
  );
}

/** The pictures cached after the metadata sync, with what became of them. */
function PicturesRow({ progress }: { progress: MediaProgress }) {
  const { done, total, downloaded, alreadyCached, placeholders, failed } = progress;
  return (
    <li>
      <span className="progress-entity">Pictures</span>
      <progress aria-label="Pictures progress" value={total === 0 ? 1 : done} max={Math.max(total, 1)} />
      <span className="progress-count">{`${done}/${total}`}</span>
      <span className="progress-phase muted">
        {`${downloaded} downloaded, ${alreadyCached} cached, ${placeholders} not generated in Stash, ${failed} failed`}
      </span>
    </li>
  );
}
