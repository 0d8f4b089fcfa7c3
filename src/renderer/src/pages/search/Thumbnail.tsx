import { useEffect, useState } from 'react';
import { takeHostToken, withToken } from '../../api/token';

/**
 * A failed screenshot is not asked for again for a minute, so rows scrolled back into view do not
 * hammer an unreachable Stash; after that it is tried again, so pictures come back by themselves
 * once Stash does (it may only have been restarting).
 */
const RETRY_AFTER_MS = 60_000;
const failedAt = new Map<string, number>();

function retryDelay(src: string): number {
  const at = failedAt.get(src);
  return at === undefined ? 0 : at + RETRY_AFTER_MS - Date.now();
}

/**
 * The headless host serves screenshots from its own routes (relative URLs), behind the token its
 * other routes need; an <img> cannot send a header, so the tab's token goes in the query, as for
 * the event stream. Stash's own URLs (the desktop app's) are used as they are.
 */
export function withHostToken(src: string): string {
  return src.startsWith('/') ? withToken(src, takeHostToken()) : src;
}

/** Pictures the host or app said Stash never generated: asked for once, not retried. */
const notGenerated = new Set<string>();
export const NOT_GENERATED_TEXT = 'No screenshot generated in Stash';

/**
 * An <img> error cannot read the answer's headers: ask the same address once more (HEAD, no body)
 * to tell "Stash never generated it" (the cache's placeholder) from "Stash unreachable".
 */
async function isNotGenerated(url: string): Promise<boolean> {
  try {
    const answer = await fetch(url, { method: 'HEAD' });
    return answer.status === 404 && answer.headers.get('X-Stash-Picture') === 'not-generated';
  } catch {
    return false;
  }
}

type ThumbState = 'image' | 'broken' | 'not-generated';

function initialState(src: string | null): ThumbState {
  if (src === null) return 'broken';
  if (notGenerated.has(src)) return 'not-generated';
  return retryDelay(src) > 0 ? 'broken' : 'image';
}

/** The marker's screenshot from Stash, or a placeholder when there is none or Stash is unreachable. */
export function Thumbnail({ src }: { src: string | null }) {
  const [state, setState] = useState<ThumbState>(() => initialState(src));
  useEffect(() => {
    if (state !== 'broken' || src === null) return;
    const retry = setTimeout(() => setState('image'), retryDelay(src));
    return () => clearTimeout(retry);
  }, [state, src]);
  if (state === 'not-generated') {
    return (
      <div className="thumb thumb-placeholder thumb-not-generated" role="img" aria-label={NOT_GENERATED_TEXT} title={NOT_GENERATED_TEXT}>
        <span aria-hidden="true">No screenshot</span>
      </div>
    );
  }
  if (state === 'broken' || src === null) return <div className="thumb thumb-placeholder" aria-hidden="true" />;
  const url = withHostToken(src);
  return (
    <img
      className="thumb"
      src={url}
      alt=""
      loading="lazy"
      decoding="async"
      onError={() => {
        failedAt.set(src, Date.now());
        setState('broken');
        void isNotGenerated(url).then((yes) => {
          if (!yes) return;
          notGenerated.add(src);
          setState('not-generated');
        });
      }}
    />
  );
}
