/**
 * Stash's pictures on the app's own origin: app://stash-mirror/stash-image/<Stash path>. The page
 * loads them from 'self'; this answers from the offline cache first and otherwise from Stash, with
 * the API key and to the saved Stash origin only (stash-picture.ts, shared with the headless host).
 * Electron-free, so tests call it in Node; app-protocol.ts hands it the scheme's requests.
 */
import type { MarkerSearchResult } from '../core/search/query';
import type { StoredSettings } from '../core/service/settings';
import { answerStashPicture, withHostedScreenshots, type PictureLookup } from '../server/stash-picture';
import { APP_ORIGIN, APP_STASH_IMAGE_PREFIX } from './app-scheme';

const PICTURE_URL_PREFIX = `${APP_ORIGIN}${APP_STASH_IMAGE_PREFIX}/`;

export function isAppPictureUrl(url: string): boolean {
  return url.startsWith(PICTURE_URL_PREFIX);
}

export async function answerAppPicture(
  request: Request,
  lookup: PictureLookup | null,
  settings: () => Promise<Pick<StoredSettings, 'stashUrl' | 'apiKey'>>,
): Promise<Response> {
  const url = new URL(request.url);
  const stashPath = url.pathname.slice(APP_STASH_IMAGE_PREFIX.length);
  return answerStashPicture(
    { method: request.method, stashPath, query: url.searchParams, headers: request.headers, signal: request.signal },
    lookup,
    await settings(),
  );
}

/** Search results whose screenshots the page loads from the app's origin rather than from Stash. */
export function withAppScreenshots(result: MarkerSearchResult): MarkerSearchResult {
  return withHostedScreenshots(result, (url) => `${APP_ORIGIN}${APP_STASH_IMAGE_PREFIX}${url.pathname}${url.search}`);
}
