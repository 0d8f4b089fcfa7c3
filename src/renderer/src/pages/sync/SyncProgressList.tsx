import { ENTITIES, type EntityProgress } from '../../../../shared/contract';
import { formatCount } from '../../lib/format';
import { useApp } from '../../stores/app-store';
import { syncProgress, useSync } from '../../stores/sync-store';
import { ENTITY_LABELS, PHASE_LABELS } from '../../lib/labels';

/** One progress bar per entity of the running sync; entities not reached yet wait in line. */
export function SyncProgressList({ compact = false }: { compact?: boolean }) {
  const progress = useSync(syncProgress);
  const chosen = useApp((s) => s.settings?.entities ?? ENTITIES);
  const started = new Map(progress.map((p) => [p.entity, p]));
  const shown = ENTITIES.filter((e) => chosen.includes(e) || started.has(e));
  return (
    <ul className={`progress-list${compact ? ' compact' : ''}`} aria-label="Sync progress">
      {shown.map((entity) => (
        <ProgressRow key={entity} entity={entity} progress={started.get(entity)} />
      ))}
    </ul>
  );
}

function ProgressRow({ entity, progress }: { entity: EntityProgress['entity']; progress: EntityProgress | undefined }) {
  const counted = progress && progress.total > 0;
  return (
    <li className={progress ? undefined : 'waiting'}>
      <span className="progress-entity">{ENTITY_LABELS[entity]}</span>
      <progress
        aria-label={`${ENTITY_LABELS[entity]} progress`}
        value={progress ? (counted ? Math.min(progress.done, progress.total) : undefined) : 0}
        max={counted ? progress.total : 1}
      />
      <span className="progress-count">
        {progress ? `${formatCount(progress.done)} / ${counted ? formatCount(progress.total) : '?'}` : ''}
      </span>
      <span className="progress-phase muted">{progress ? PHASE_LABELS[progress.phase] : 'Waiting'}</span>
    </li>
  );
}
