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

/** The marker's screenshot from Stash, or a placeholder when there is none or Stash is unreachable. */
export function Thumbnail({ src }: { src: string | null }) {
  const [broken, setBroken] = useState(() => src !== null && retryDelay(src) > 0);
  useEffect(() => {
    if (!broken || src === null) return;
    const retry = setTimeout(() => setBroken(false), retryDelay(src));
    return () => clearTimeout(retry);
  }, [broken, src]);
  if (broken || src === null) return <div className="thumb thumb-placeholder" aria-hidden="true" />;
  return (
    <img
      className="thumb"
      src={withHostToken(src)}
      alt=""
      loading="lazy"
      decoding="async"
      onError={() => {
        failedAt.set(src, Date.now());
        setBroken(true);
      }}
    />
  );
}
