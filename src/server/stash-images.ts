/**
 * Stash's pictures served by the headless host, cache first and otherwise fetched from Stash with
 * the key it holds (stash-picture.ts, which the desktop app's app:// scheme answers with too). A
 * browser cannot add a header to an <img>, and the key must never reach the page; serving them
 * from the host's own origin also keeps the page's policy at img-src 'self'. Only Stash's image
 * routes on the configured server are reachable this way: the host is no proxy to anything else.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { MarkerSearchResult } from '../core/search/query';
import type { SettingsRepository } from '../core/service/settings';
import { HttpError } from './http-error';
import type { MediaCache } from '../core/media/media-cache';
import { answerStashPicture, NOT_GENERATED_HEADER, STASH_IMAGE_TIMEOUT_MS, withHostedScreenshots, cacheLookup } from './stash-picture';

export { NOT_GENERATED, NOT_GENERATED_HEADER } from './stash-picture';

/** `/api/stash-image/scene/12/scene_marker/34/screenshot` is Stash's `/scene/12/scene_marker/34/screenshot`. */
export const STASH_IMAGE_ROUTE = '/api/stash-image';

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
    return withHostedScreenshots(result, (url) => {
      url.searchParams.set('connection', this.connection);
      return `${STASH_IMAGE_ROUTE}${url.pathname}${url.search}`;
    });
  }

  async serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    // Rows scrolled past cancel their pictures: stop asking Stash for them too.
    const cancelled = new AbortController();
    res.once('close', () => cancelled.abort());
    const request = {
      method: req.method ?? 'GET',
      stashPath: url.pathname.slice(STASH_IMAGE_ROUTE.length),
      query: url.searchParams,
      headers,
      signal: cancelled.signal,
    };
    const answer = await answerStashPicture(request, cacheLookup(this.cache()), await this.settings.load());
    res.removeHeader('Cache-Control');
    if (answer.status >= 400) {
      const notGenerated = answer.headers.get(NOT_GENERATED_HEADER);
      if (notGenerated) res.setHeader(NOT_GENERATED_HEADER, notGenerated);
      res.setHeader('Content-Security-Policy', answer.headers.get('content-security-policy')!);
      // The host's errors are one-line JSON, like those of its other routes.
      throw new HttpError(answer.status, await answer.text());
    }
    answer.headers.forEach((value, name) => res.setHeader(name, value));
    res.writeHead(answer.status);
    if (!answer.body || req.method === 'HEAD') return void res.end();
    await pipeline(Readable.fromWeb(answer.body as NodeReadableStream<Uint8Array>), res);
  }
}

function newConnectionId(): string {
  return randomBytes(6).toString('base64url');
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
