import { useState } from 'react';

/** Screenshots Stash could not serve, so rows scrolled back into view do not ask again. */
const failed = new Set<string>();

/** The marker's screenshot from Stash, or a placeholder when there is none or Stash is unreachable. */
export function Thumbnail({ src }: { src: string | null }) {
  const [broken, setBroken] = useState(() => src === null || failed.has(src));
  if (broken || src === null) return <div className="thumb thumb-placeholder" aria-hidden="true" />;
  return (
    <img
      className="thumb"
      src={src}
      alt=""
      loading="lazy"
      decoding="async"
      onError={() => {
        failed.add(src);
        setBroken(true);
      }}
    />
  );
}
