/** The pictures the media cache keeps, each named by the Stash id of its owner. */
export type MediaKind = 'marker-screenshot' | 'marker-preview' | 'performer-image';

export const MEDIA_KINDS: readonly MediaKind[] = ['marker-screenshot', 'marker-preview', 'performer-image'];

/** Which cached picture a Stash URL path names: /scene/S/scene_marker/M/screenshot, …/preview, /performer/P/image. */
export function mediaKeyOfStashPath(pathname: string): { kind: MediaKind; id: number } | null {
  const marker = /^\/scene\/\d+\/scene_marker\/(\d+)\/(screenshot|preview)$/.exec(pathname);
  if (marker) return { kind: marker[2] === 'preview' ? 'marker-preview' : 'marker-screenshot', id: Number(marker[1]) };
  const performer = /^\/performer\/(\d+)\/image$/.exec(pathname);
  if (performer) return { kind: 'performer-image', id: Number(performer[1]) };
  return null;
}
