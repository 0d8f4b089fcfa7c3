import { useState } from 'react';
import { sceneLabel } from '../../../../shared/scene-label';
import type { MarkerHit } from '../../../../shared/search-query';
import { LabelAndTime } from './ResultRow';
import { Thumbnail, withHostToken } from './Thumbnail';

/**
 * One marker on the wall: its screenshot, the scene, the primary tag and the time range. While
 * hovered or focused it plays the marker's preview over the screenshot.
 *
 * The preview is the marker's `stream` (Stash's short video clip of the marker), not its `preview`
 * (an animated WebP): Stash's own wall plays the clip by default, Stash generates the clips with
 * its default marker task while the WebP is an extra option, and a <video> tells when it really
 * plays (the `playing` event), so the screenshot stays until then and for good when it fails.
 */
export function WallTile({ hit, previewing }: { hit: MarkerHit; previewing: boolean }) {
  const [failed, setFailed] = useState(false);
  const preview = previewing && !failed && hit.urls ? withHostToken(hit.urls.stream) : null;
  const scene = sceneLabel(hit.scene) ?? `Scene ${hit.scene.id}`;
  return (
    <>
      <div className="wall-picture">
        <Thumbnail src={hit.urls?.screenshot ?? null} />
        {preview && <Preview src={preview} onFailed={() => setFailed(true)} />}
      </div>
      <div className="wall-caption">
        <LabelAndTime className="wall-line" labelClassName="wall-scene" label={scene} hit={hit} />
        <div className="wall-line">
          <span className="tag tag-primary">{hit.primaryTag.name}</span>
          {hit.title && hit.title !== hit.primaryTag.name && (
            <span className="wall-marker-title" title={hit.title}>
              {hit.title}
            </span>
          )}
        </div>
      </div>
    </>
  );
}

/** Mounted only while previewing, so it starts hidden each time. */
function Preview({ src, onFailed }: { src: string; onFailed: () => void }) {
  const [playing, setPlaying] = useState(false);
  return (
    <video
      className={`wall-preview${playing ? ' playing' : ''}`}
      src={src}
      aria-hidden="true"
      muted
      loop
      autoPlay
      playsInline
      onPlaying={() => setPlaying(true)}
      onError={onFailed}
    />
  );
}

export function PendingTile() {
  return (
    <>
      <div className="wall-picture">
        <div className="thumb thumb-placeholder" aria-hidden="true" />
      </div>
      <div className="wall-caption">
        <div className="skeleton skeleton-wide" />
        <div className="skeleton" />
      </div>
    </>
  );
}
