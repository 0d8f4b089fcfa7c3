/**
 * Stash's pictures served by the headless host. The desktop app lets its page load them from Stash
 * and adds the ApiKey header in its main process; a browser cannot add a header to an <img>, and the
 * key must never reach the page. So the host fetches each picture with the key it holds and streams
 * it back from its own origin, which also keeps the page's policy at img-src 'self' whatever Stash
 * server is configured later. Only Stash's image routes on the configured server are reachable this
 * way: the host is no proxy to anything else.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { MarkerSearchResult } from '../core/search/query';
import type { SettingsRepository, StoredSettings } from '../core/service/settings';
import { normalizeStashUrl } from '../core/stash/client';
import { HttpError } from './http-error';
import { createReadStream } from 'node:fs';
import { mediaKeyOfStashPath, type MediaCache } from '../core/media/media-cache';

/** Set on the 404 of a picture Stash never generated, so the page can say so rather than "unreachable". */
export const NOT_GENERATED_HEADER = 'X-Stash-Picture';
export const NOT_GENERATED = 'not-generated';

/** `/api/stash-image/scene/12/scene_marker/34/screenshot` is Stash's `/scene/12/scene_marker/34/screenshot`. */
export const STASH_IMAGE_ROUTE = '/api/stash-image';

/** Stash's picture routes: scene and marker screenshots, performer, tag and studio images. */
const STASH_IMAGE_PATHS = [/^\/scene\/\d+\/screenshot$/, /^\/scene\/\d+\/scene_marker\/\d+\/screenshot$/, /^\/(?:performer|tag|studio)\/\d+\/image$/];
/** Stash's cache buster and its "generated placeholder" flag; nothing else (such as the host's token) goes on. */
const FORWARDED_PARAMS = ['t', 'default'];
/** Revalidation, and Stash's own caching rules on the way back, as the desktop app's page would get them. */
const FORWARDED_REQUEST_HEADERS = ['if-none-match', 'if-modified-since'];
const RELAYED_RESPONSE_HEADERS = ['content-type', 'cache-control', 'etag', 'last-modified'];
/** A picture opened on its own (an SVG, say) runs nothing and loads nothing. */
const PICTURE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
const STASH_IMAGE_TIMEOUT_MS = 20_000;

export class StashPictures {
  /**
   * Part of every picture address, renewed whenever settings are saved: a browser keeps pictures
   * (and the page remembers failures) by address, and must not show those of another Stash server
   * or key once the user has changed them.
   */
  private connection = newConnectionId();

  constructor(
    private readonly settings: SettingsRepository,
    /** The offline cache, read before Stash; null when Settings turned it off. */
    private readonly cache: () => MediaCache | null = () => null,
  ) {}

  settingsSaved(): void {
    this.connection = newConnectionId();
  }

  /** Search results as a browser needs them: screenshots from this host rather than from Stash. */
  hostedScreenshots(result: MarkerSearchResult): MarkerSearchResult {
    return {
      ...result,
      hits: result.hits.map((hit) => (hit.urls ? { ...hit, urls: { ...hit.urls, screenshot: this.hostedUrl(hit.urls.screenshot) } } : hit)),
    };
  }

  /** This host's address for a picture on the Stash server. */
  private hostedUrl(stashImageUrl: string): string {
    const url = new URL(stashImageUrl);
    url.searchParams.set('connection', this.connection);
    return `${STASH_IMAGE_ROUTE}${url.pathname}${url.search}`;
  }

  async serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (await serveCachedImage(req, res, url, this.cache())) return;
    return serveStashImage(req, res, url, await this.settings.load());
  }
}

function newConnectionId(): string {
  return randomBytes(6).toString('base64url');
}

/**
 * Answers from the cache when it holds this picture (any version: with Stash down, an older
 * screenshot beats none); false when it does not, and Stash is asked as before.
 */
async function serveCachedImage(req: IncomingMessage, res: ServerResponse, url: URL, cache: MediaCache | null): Promise<boolean> {
  const stashPath = url.pathname.slice(STASH_IMAGE_ROUTE.length);
  const key = cache && (req.method === 'GET' || req.method === 'HEAD') ? mediaKeyOfStashPath(stashPath) : null;
  const cached = key && cache!.lookup(key.kind, key.id);
  if (!cached) return false;
  res.removeHeader('Cache-Control');
  res.setHeader('Content-Security-Policy', PICTURE_POLICY);
  if (cached.placeholder) {
    res.setHeader(NOT_GENERATED_HEADER, NOT_GENERATED);
    throw new HttpError(404, 'No screenshot generated in Stash');
  }
  res.setHeader('Content-Type', cached.contentType);
  res.writeHead(200);
  if (req.method === 'HEAD') res.end();
  else await pipeline(createReadStream(cached.path), res);
  return true;
}

/** Answers a request under STASH_IMAGE_ROUTE with Stash's picture, fetched with the host's API key. */
async function serveStashImage(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  settings: Pick<StoredSettings, 'stashUrl' | 'apiKey'>,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${STASH_IMAGE_ROUTE} takes GET`);
  const stashPath = url.pathname.slice(STASH_IMAGE_ROUTE.length);
  if (!STASH_IMAGE_PATHS.some((pattern) => pattern.test(stashPath))) {
    throw new HttpError(404, `${stashPath || '/'} is not one of Stash's image routes`);
  }
  if (!settings.stashUrl) throw new HttpError(404, 'No Stash server is configured');
  const target = new URL(`${normalizeStashUrl(settings.stashUrl).origin}${stashPath}`);
  for (const name of FORWARDED_PARAMS) {
    for (const value of url.searchParams.getAll(name)) target.searchParams.append(name, value);
  }
  await relayFromStash(req, res, target, settings.apiKey, {
    forwardedHeaders: FORWARDED_REQUEST_HEADERS,
    relayedHeaders: RELAYED_RESPONSE_HEADERS,
    accepts: (status, type) => status === 304 || type.startsWith('image/'),
    failure: (status, type) => stashFailure(status, type, stashPath),
    policy: PICTURE_POLICY,
  });
}

export interface RelayOptions {
  /** The request headers that go on to Stash (revalidation, ranges). */
  forwardedHeaders: readonly string[];
  /** Stash's response headers that come back. */
  relayedHeaders: readonly string[];
  /** Whether Stash's answer is one to pass on (by status and content type). */
  accepts(status: number, type: string): boolean;
  failure(status: number, type: string): HttpError;
  policy: string;
}

/**
 * Fetches `target` on the Stash server with the host's key and streams the answer back; the key
 * goes to `target` only, which the caller has built on the saved Stash origin.
 */
export async function relayFromStash(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  apiKey: string | null | undefined,
  options: RelayOptions,
): Promise<void> {
  const headers = new Headers();
  if (apiKey) headers.set('ApiKey', apiKey.trim());
  for (const name of options.forwardedHeaders) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }

  // Rows scrolled past cancel their pictures, a closed player its video: stop asking Stash for them too.
  const cancelled = new AbortController();
  res.once('close', () => cancelled.abort());
  let answer: Response;
  try {
    answer = await fetch(target, {
      method: req.method,
      headers,
      redirect: 'manual',
      signal: AbortSignal.any([cancelled.signal, AbortSignal.timeout(STASH_IMAGE_TIMEOUT_MS)]),
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new HttpError(timedOut ? 504 : 502, `Stash ${timedOut ? 'did not answer in time' : 'cannot be reached'} at ${target.origin}`);
  }
  const type = answer.headers.get('content-type') ?? '';
  if (!((answer.ok || answer.status === 304) && options.accepts(answer.status, type))) {
    await answer.body?.cancel();
    throw options.failure(answer.status, type);
  }

  res.removeHeader('Cache-Control');
  for (const name of options.relayedHeaders) {
    const value = answer.headers.get(name);
    if (value !== null) res.setHeader(name, value);
  }
  res.setHeader('Content-Security-Policy', options.policy);
  res.writeHead(answer.status);
  if (!answer.body) return void res.end();
  await pipeline(Readable.fromWeb(answer.body as NodeReadableStream<Uint8Array>), res);
}

function stashFailure(status: number, type: string, stashPath: string): HttpError {
  if (status === 404) return new HttpError(404, `Stash has no picture at ${stashPath}`);
  if (status === 401 || status === 403) return new HttpError(502, `Stash refused the API key for ${stashPath}`);
  if (status >= 200 && status < 300) return new HttpError(502, `Stash answered ${stashPath} with ${type || 'no content type'}, not a picture`);
  return new HttpError(502, `Stash answered HTTP ${status} for ${stashPath}`);
}
