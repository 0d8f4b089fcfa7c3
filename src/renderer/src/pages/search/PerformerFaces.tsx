import { useState } from 'react';
import type { MarkerHit, NamedRef } from '../../../../shared/search-query';
import { withHostToken } from './Thumbnail';

/**
 * A performer's image on the same route as the hit's screenshot (the host's /api/stash-image with
 * its connection, or the app's app://stash-mirror/stash-image), so it comes cache first too and
 * the API key stays where it is; null when the hit has no picture URLs (no Stash is configured).
 */
export function performerImageUrl(hit: MarkerHit, performerId: number): string | null {
  if (!hit.urls) return null;
  const relative = hit.urls.screenshot.startsWith('/');
  const url = new URL(hit.urls.screenshot, 'http://relative.invalid');
  url.pathname = url.pathname.replace(/\/scene\/\d+\/scene_marker\/\d+\/screenshot$/, `/performer/${performerId}/image`);
  // The marker's cache buster says nothing about the performer's picture.
  url.searchParams.delete('t');
  return relative ? `${url.pathname}${url.search}` : url.href;
}

/** The hit's performers by name, each with a small image when Stash (or the cache) has one. */
export function PerformerFaces({ hit }: { hit: MarkerHit }) {
  if (hit.performers.length === 0) return null;
  return (
    <ul className="performer-faces" aria-label="Performers">
      {hit.performers.map((performer) => (
        <li key={performer.id}>
          <Face src={performerImageUrl(hit, performer.id)} performer={performer} />
          {performer.name}
        </li>
      ))}
    </ul>
  );
}

function Face({ src, performer }: { src: string | null; performer: NamedRef }) {
  const [failed, setFailed] = useState(false);
  // No image (none in Stash, or Stash away and nothing cached): the name alone says who it is.
  if (src === null || failed) return null;
  return <img className="performer-face" src={withHostToken(src)} alt={`Image of ${performer.name}`} onError={() => setFailed(true)} />;
}
