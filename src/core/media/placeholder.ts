/**
 * Stash's "not generated" answers, recognised so they are remembered as such and never stored as
 * pictures. A marker screenshot or preview Stash has not generated comes back as HTTP 200 with a
 * tiny built-in PNG served from memory: image/png with no Last-Modified (older Stash also sends
 * Cache-Control: no-store), while a generated one is a file (JPEG, WebP) served with Last-Modified.
 * A marker or scene Stash no longer has is a 404. A performer without an image has `default=true`
 * in its image_path (Stash then draws one of its default silhouettes), so it is not even fetched.
 */
export function isDefaultPerformerImage(imagePath: string | null): boolean {
  if (imagePath === null || imagePath === '') return true;
  try {
    return new URL(imagePath).searchParams.get('default') === 'true';
  } catch {
    return true;
  }
}

export function isMarkerPlaceholder(response: { status: number; headers: Headers }): boolean {
  if (response.status === 404) return true;
  if (response.status !== 200) return false;
  const type = (response.headers.get('content-type') ?? '').toLowerCase();
  const noStore = /\bno-store\b/i.test(response.headers.get('cache-control') ?? '');
  return type.startsWith('image/png') && (noStore || !response.headers.has('last-modified'));
}
