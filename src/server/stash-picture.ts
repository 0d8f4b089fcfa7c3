/**
 * One answer to "show me this Stash picture", shared by the headless host (stash-images.ts) and the
 * desktop app's app:// scheme (src/main/app-protocol.ts): the offline cache first, then Stash with
 * the API key, which goes to the saved Stash origin only. A web-standard Response, which Electron's
 * protocol handler returns as it is and the host writes to its socket. Plain Node, no Electron.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { mediaKeyOfStashPath, type MediaCache } from '../core/media/media-cache';
import type { MarkerSearchResult } from '../core/search/query';
import type { StoredSettings } from '../core/service/settings';
import { normalizeStashUrl } from '../core/stash/client';

/** Set on the 404 of a picture Stash never generated, so the page can say so rather than "unreachable". */
export const NOT_GENERATED_HEADER = 'X-Stash-Picture';
export const NOT_GENERATED = 'not-generated';

/** What the cache holds for a picture: a file, or the mark that Stash never generated one. */
export interface CachedPictureFile {
  path: string;
  contentType: string;
  placeholder: boolean;
}

/** The cache entry for a Stash picture path (/scene/1/scene_marker/2/screenshot), or null when none is kept. */
export type PictureLookup = (stashPath: string) => CachedPictureFile | null | Promise<CachedPictureFile | null>;

export interface PictureRequest {
  method: string;
  /** Stash's path, e.g. /scene/12/scene_marker/34/screenshot. */
  stashPath: string;
  query: URLSearchParams;
  headers: Headers;
  /** Aborted when the page no longer wants the picture (a row scrolled past). */
  signal?: AbortSignal;
}

/** Stash's picture routes: scene and marker screenshots, performer, tag and studio images. */
const STASH_IMAGE_PATHS = [/^\/scene\/\d+\/screenshot$/, /^\/scene\/\d+\/scene_marker\/\d+\/screenshot$/, /^\/(?:performer|tag|studio)\/\d+\/image$/];
/** Stash's cache buster and its "generated placeholder" flag; nothing else (such as the host's token) goes on. */
const FORWARDED_PARAMS = ['t', 'default'];
/** Revalidation, and Stash's own caching rules on the way back. */
export const FORWARDED_REQUEST_HEADERS = ['if-none-match', 'if-modified-since'];
export const RELAYED_RESPONSE_HEADERS = ['content-type', 'cache-control', 'etag', 'last-modified'];
/** A picture opened on its own (an SVG, say) runs nothing and loads nothing. */
export const PICTURE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
export const STASH_IMAGE_TIMEOUT_MS = 20_000;

export function isStashPicturePath(stashPath: string): boolean {
  return STASH_IMAGE_PATHS.some((pattern) => pattern.test(stashPath));
}

export async function answerStashPicture(
  request: PictureRequest,
  lookup: PictureLookup | null,
  settings: Pick<StoredSettings, 'stashUrl' | 'apiKey'>,
): Promise<Response> {
  const { method, stashPath } = request;
  if (method !== 'GET' && method !== 'HEAD') return failure(405, 'Pictures take GET');
  if (!isStashPicturePath(stashPath)) return failure(404, `${stashPath || '/'} is not one of Stash's image routes`);

  // Any version the cache holds: with Stash down, an older screenshot beats none.
  const cached = lookup ? await lookup(stashPath) : null;
  if (cached?.placeholder) return failure(404, 'No screenshot generated in Stash', { [NOT_GENERATED_HEADER]: NOT_GENERATED });
  if (cached) {
    const body = method === 'HEAD' ? null : (Readable.toWeb(createReadStream(cached.path)) as ReadableStream<Uint8Array>);
    return new Response(body, { status: 200, headers: { 'Content-Type': cached.contentType, 'Content-Security-Policy': PICTURE_POLICY } });
  }

  if (!settings.stashUrl) return failure(404, 'No Stash server is configured');
  const target = new URL(`${normalizeStashUrl(settings.stashUrl).origin}${stashPath}`);
  for (const name of FORWARDED_PARAMS) {
    for (const value of request.query.getAll(name)) target.searchParams.append(name, value);
  }
  const headers = new Headers();
  if (settings.apiKey) headers.set('ApiKey', settings.apiKey.trim());
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }

  let answer: Response;
  try {
    const timeout = AbortSignal.timeout(STASH_IMAGE_TIMEOUT_MS);
    answer = await fetch(target, {
      method,
      headers,
      redirect: 'manual',
      signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return failure(timedOut ? 504 : 502, `Stash ${timedOut ? 'did not answer in time' : 'cannot be reached'} at ${target.origin}`);
  }
  const type = answer.headers.get('content-type') ?? '';
  if (!(answer.status === 304 || (answer.ok && type.startsWith('image/')))) {
    await answer.body?.cancel();
    return stashFailure(answer.status, type, stashPath);
  }
  const relayed = new Headers({ 'Content-Security-Policy': PICTURE_POLICY });
  for (const name of RELAYED_RESPONSE_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) relayed.set(name, value);
  }
  return new Response(answer.status === 304 ? null : answer.body, { status: answer.status, headers: relayed });
}

/** Lookups in a cache this process holds open (the host's, the mirror process's). */
export function cacheLookup(cache: MediaCache | null): PictureLookup | null {
  if (!cache) return null;
  return (stashPath) => {
    const key = mediaKeyOfStashPath(stashPath);
    return key && cache.lookup(key.kind, key.id);
  };
}

/** Search results whose screenshots point at `hostedUrl(stashPath + search)` rather than at Stash. */
export function withHostedScreenshots(result: MarkerSearchResult, hostedUrl: (stashImageUrl: URL) => string): MarkerSearchResult {
  return {
    ...result,
    hits: result.hits.map((hit) => (hit.urls ? { ...hit, urls: { ...hit.urls, screenshot: hostedUrl(new URL(hit.urls.screenshot)) } } : hit)),
  };
}

function failure(status: number, message: string, extra: Record<string, string> = {}): Response {
  return new Response(message, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': PICTURE_POLICY, ...extra },
  });
}

function stashFailure(status: number, type: string, stashPath: string): Response {
  if (status === 404) return failure(404, `Stash has no picture at ${stashPath}`);
  if (status === 401 || status === 403) return failure(502, `Stash refused the API key for ${stashPath}`);
  if (status >= 200 && status < 300) return failure(502, `Stash answered ${stashPath} with ${type || 'no content type'}, not a picture`);
  return failure(502, `Stash answered HTTP ${status} for ${stashPath}`);
}
