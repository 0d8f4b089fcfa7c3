/** Stand-in for the media part's module: the interface only, replaced when it lands. */
import type { MediaKind } from './media-kinds';

export class MediaCache {
  static open(_dir: string, _options: { budgetBytes: number }): MediaCache {
    return new MediaCache();
  }
  lookup(_kind: MediaKind, _id: number): { path: string; contentType: string; placeholder: boolean } | null {
    return null;
  }
  close(): void {}
}

export function mediaKeyOfStashPath(pathname: string): { kind: MediaKind; id: number } | null {
  let match = /^\/scene\/\d+\/scene_marker\/(\d+)\/screenshot$/.exec(pathname);
  if (match) return { kind: 'marker-screenshot', id: Number(match[1]) };
  match = /^\/scene\/\d+\/scene_marker\/(\d+)\/preview$/.exec(pathname);
  if (match) return { kind: 'marker-preview', id: Number(match[1]) };
  match = /^\/performer\/(\d+)\/image$/.exec(pathname);
  return match ? { kind: 'performer-image', id: Number(match[1]) } : null;
}
