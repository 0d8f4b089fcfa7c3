/**
 * Stash's videos served by the headless host: a scene's stream (the player) and a marker's short
 * clip and preview (the wall). As for pictures (stash-images.ts), a <video> cannot send the API
 * key, and the key must not reach the page, so the host fetches from the saved Stash origin with
 * its key and streams back, passing Range requests on so the browser can seek. Only these routes
 * are reachable.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MarkerSearchResult } from '../core/search/query';
import type { SettingsRepository } from '../core/service/settings';
import { normalizeStashUrl } from '../core/stash/client';
import { HttpError } from './http-error';
import { relayFromStash } from './stash-images';

/** `/api/stash-stream/scene/12/stream` is Stash's `/scene/12/stream`. */
export const STASH_STREAM_ROUTE = '/api/stash-stream';

const STASH_VIDEO_PATHS = [/^\/scene\/\d+\/stream$/, /^\/scene\/\d+\/scene_marker\/\d+\/(?:stream|preview)$/];
const FORWARDED_REQUEST_HEADERS = ['range', 'if-range', 'if-none-match', 'if-modified-since'];
const RELAYED_RESPONSE_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'cache-control', 'etag', 'last-modified'];
const VIDEO_POLICY = "default-src 'none'; sandbox";

export class StashStreams {
  constructor(private readonly settings: SettingsRepository) {}

  /** Search results as a browser needs them: the marker's clip and preview from this host. */
  hostedStreams(result: MarkerSearchResult): MarkerSearchResult {
    const hosted = (stashUrl: string) => `${STASH_STREAM_ROUTE}${new URL(stashUrl).pathname}`;
    return {
      ...result,
      hits: result.hits.map((hit) =>
        hit.urls ? { ...hit, urls: { ...hit.urls, stream: hosted(hit.urls.stream), preview: hosted(hit.urls.preview) } } : hit,
      ),
    };
  }

  async serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${STASH_STREAM_ROUTE} takes GET`);
    const stashPath = url.pathname.slice(STASH_STREAM_ROUTE.length);
    if (!STASH_VIDEO_PATHS.some((pattern) => pattern.test(stashPath)))
      throw new HttpError(404, `${stashPath || '/'} is not one of Stash's video routes`);
    const settings = await this.settings.load();
    if (!settings.stashUrl) throw new HttpError(404, 'No Stash server is configured');
    const target = new URL(`${normalizeStashUrl(settings.stashUrl).origin}${stashPath}`);
    await relayFromStash(req, res, target, settings.apiKey, {
      forwardedHeaders: FORWARDED_REQUEST_HEADERS,
      relayedHeaders: RELAYED_RESPONSE_HEADERS,
      accepts: (status, type) => status === 304 || type.startsWith('video/') || type.startsWith('image/'),
      failure: (status) =>
        new HttpError(
          status === 404 ? 404 : 502,
          status === 404 ? `Stash has no video at ${stashPath}` : `Stash answered HTTP ${status} for ${stashPath}`,
        ),
      policy: VIDEO_POLICY,
    });
  }
}
