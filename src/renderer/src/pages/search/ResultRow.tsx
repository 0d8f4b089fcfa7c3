import { sceneLabel } from '../../../../shared/scene-label';
import type { MarkerHit } from '../../../../shared/search-query';
import { formatTimeRange } from '../../../../shared/time-format';
import { TagChips } from './TagChips';
import { Thumbnail } from './Thumbnail';

/** One marker: screenshot, title and time, tags, then the scene and its performers. */
export function ResultRow({ hit }: { hit: MarkerHit }) {
  const title = hit.title || hit.primaryTag.name;
  const scene = sceneLabel(hit.scene);
  return (
    <>
      <Thumbnail key={hit.id} src={hit.urls?.screenshot ?? null} />
      <div className="result-body">
        <LabelAndTime className="result-line" labelClassName="result-title" label={title} hit={hit} />
        <TagChips hit={hit} className="result-line result-tags" />
        <div className="result-line result-scene">
          <span className="scene-title" title={scene ?? undefined}>
            {scene ?? `Scene ${hit.scene.id}`}
          </span>
          {hit.scene.studio && (
            <span className="scene-studio" title={`Studio: ${hit.scene.studio.name}`}>
              {hit.scene.studio.name}
            </span>
          )}
          {hit.scene.date && <span className="scene-date">{hit.scene.date}</span>}
          {hit.performers.length > 0 && (
            <span className="performers" title={hit.performers.map((p) => p.name).join(', ')}>
              {hit.performers.map((p) => p.name).join(', ')}
            </span>
          )}
        </div>
      </div>
    </>
  );
}

/** A line with a label cut short when it does not fit (whole in its tooltip), then the marker's time range. */
export function LabelAndTime({
  className,
  labelClassName,
  label,
  hit,
}: {
  className: string;
  labelClassName: string;
  label: string;
  hit: MarkerHit;
}) {
  return (
    <div className={className}>
      <span className={labelClassName} title={label}>
        {label}
      </span>
      <span className="result-time">{formatTimeRange(hit.seconds, hit.endSeconds)}</span>
    </div>
  );
}

export function PendingRow() {
  return (
    <>
      <div className="thumb thumb-placeholder" aria-hidden="true" />
      <div className="result-body">
        <div className="skeleton skeleton-wide" />
        <div className="skeleton" />
      </div>
    </>
  );
}
