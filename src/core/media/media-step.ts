/**
 * The media step, run after the metadata sync: fetches the pictures of the mirror's live markers
 * and performers that the cache lacks (or holds for an older version) with a small pool, drops
 * those of rows gone from the mirror, and evicts least recently used ones over the budget. Each
 * picture is committed on its own, so a killed or cancelled step keeps what it finished and the
 * next run fetches only the rest.
 */
import type { MediaMarkerSource, MirrorStore } from '../db/store';
import { SyncCancelledError } from '../errors';
import { silentLogger, type Logger } from '../log';
import { StashAuthError, StashError, StashUnreachableError } from '../stash/errors';
import type { CachedPicture, MediaCache } from './media-cache';
import { MEDIA_KINDS, type MediaKind } from './media-kinds';
import { isDefaultPerformerImage, isMarkerPlaceholder } from './placeholder';

export interface MediaStepOptions {
  stashUrl: string;
  apiKey?: string;
  cache: MediaCache;
  includePreviews: boolean;
  concurrency?: number;
  /** Mirror rows read at a time; MEDIA_SOURCE_PAGE unless a test wants several pages of a small library. */
  pageSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: MediaProgress) => void;
  fetch?: typeof fetch;
  logger?: Logger;
}

export interface MediaProgress {
  total: number;
  done: number;
  downloaded: number;
  alreadyCached: number;
  placeholders: number;
  failed: number;
  bytes: number;
}

export interface MediaStepSummary extends MediaProgress {
  removed: number;
  evicted: number;
  cancelled: boolean;
  /** Pictures left unfetched because the budget is spent on pictures of this run. */
  overBudget: number;
}

export const DEFAULT_MEDIA_CONCURRENCY = 4;
/** Stash may generate a picture later without touching the marker: placeholders are asked for again after this. */
export const PLACEHOLDER_RECHECK_MS = 24 * 60 * 60 * 1000;
const PROGRESS_INTERVAL_MS = 250;
/** Mirror rows read at a time: the step holds one page of them (and its cached entries), whatever the library's size. */
export const MEDIA_SOURCE_PAGE = 2000;
const MAX_REDIRECTS = 5;

/** One picture the mirror wants cached. */
interface Wanted {
  kind: MediaKind;
  id: number;
  version: string;
  /** Where Stash serves it; null for a performer with only Stash's default image. */
  url: string | null;
}

const unixSeconds = (stamp: string) => Math.floor(Date.parse(stamp) / 1000);

/** One kind of picture, read from the mirror page by page with the Wanted each of its rows stands for. */
interface PictureSource {
  kind: MediaKind;
  page(afterId: number | null, limit: number): Promise<Wanted[]>;
}

/** Screenshots first, then performer images, then previews: the cheapest and most used pictures lead. */
function pictureSources(store: MirrorStore, origin: string, includePreviews: boolean): PictureSource[] {
  const markerUrl = (m: MediaMarkerSource, what: string) =>
    `${origin}/scene/${m.sceneId}/scene_marker/${m.id}/${what}?t=${unixSeconds(m.stashUpdatedAt)}`;
  const markers = (kind: MediaKind, what: string): PictureSource => ({
    kind,
    page: async (after, limit) =>
      (await store.mediaMarkers(after, limit)).map((m) => ({ kind, id: m.id, version: m.stashUpdatedAt, url: markerUrl(m, what) })),
  });
  const performers: PictureSource = {
    kind: 'performer-image',
    page: async (after, limit) =>
      (await store.mediaPerformers(after, limit)).map((p) => ({
        kind: 'performer-image',
        id: p.id,
        version: p.stashUpdatedAt,
        url: isDefaultPerformerImage(p.imagePath) ? null : p.imagePath,
      })),
  };
  return [markers('marker-screenshot', 'screenshot'), performers, ...(includePreviews ? [markers('marker-preview', 'preview')] : [])];
}

function isCurrent(cached: CachedPicture | undefined, want: Wanted, now: number): boolean {
  if (!cached || cached.version !== want.version) return false;
  return !cached.placeholder || want.url === null || now - cached.fetchedAt < PLACEHOLDER_RECHECK_MS;
}

type Fetched = { placeholder: true } | { placeholder: false; body: Uint8Array; contentType: string };

export async function runMediaStep(store: MirrorStore, options: MediaStepOptions): Promise<MediaStepSummary> {
  const { cache, signal } = options;
  const logger = options.logger ?? silentLogger;
  const origin = new URL(options.stashUrl).origin;
  const startedAt = Date.now();
  cache.repair();

  const sources = pictureSources(store, origin, options.includePreviews);
  const pageSize = Math.max(1, options.pageSize ?? MEDIA_SOURCE_PAGE);
  const [markers, performers] = await Promise.all([store.countLive('markers'), store.countLive('performers')]);
  const total = markers * (options.includePreviews ? 2 : 1) + performers;
  const progress: MediaProgress = { total, done: 0, downloaded: 0, alreadyCached: 0, placeholders: 0, failed: 0, bytes: 0 };
  const summary: MediaStepSummary = { ...progress, removed: 0, evicted: 0, cancelled: false, overBudget: 0 };
  // Kinds the step no longer keeps (previews turned off) go whole.
  for (const kind of MEDIA_KINDS.filter((k) => !sources.some((source) => source.kind === k))) {
    summary.removed += cache.remove(cache.entriesBetween(kind, null, null));
  }
  let listed = 0;

  /**
   * The pictures to fetch, page by page: each page of the mirror is compared with the cache's
   * entries in its id range, whose pictures of rows gone are deleted; after a kind's last page,
   * so are those above it.
   */
  async function* missingPictures(): AsyncGenerator<Wanted> {
    for (const source of sources) {
      for (let after: number | null = null, last = false; !last;) {
        const page = await source.page(after, pageSize);
        last = page.length < pageSize;
        const through = last ? null : page.at(-1)!.id;
        const cached = new Map(cache.entriesBetween(source.kind, after, through).map((e) => [e.id, e]));
        const onPage = new Set(page.map((w) => w.id));
        summary.removed += cache.remove([...cached.values()].filter((e) => !onPage.has(e.id)));
        listed += page.length;
        for (const want of page) {
          if (isCurrent(cached.get(want.id), want, startedAt)) {
            progress.alreadyCached++;
            progress.done++;
          } else {
            yield want;
          }
        }
        after = through;
      }
    }
  }

  let lastReport = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastReport < PROGRESS_INTERVAL_MS)) return;
    lastReport = now;
    options.onProgress({ ...progress });
  };
  report(true);

  const fetchPicture = pictureFetcher(options, origin);
  let fatal: Error | null = null;
  let budgetFull = false;

  const missing = missingPictures();

  async function worker(): Promise<void> {
    while (!fatal && !signal?.aborted) {
      const { value: want, done: listedAll } = await missing.next();
      if (listedAll) return;
      if (budgetFull) {
        summary.overBudget++;
        progress.done++;
        continue;
      }
      try {
        const got: Fetched = want.url === null ? { placeholder: true } : await fetchPicture(want.url, want.kind !== 'performer-image');
        if (got.placeholder) {
          cache.storePlaceholder(want.kind, want.id, want.version);
          progress.placeholders++;
        } else {
          await cache.store(want.kind, want.id, want.version, got);
          const eviction = cache.evict(startedAt);
          summary.evicted += eviction.evicted;
          if (eviction.full) {
            // No room left but this run's own pictures: this one goes, and so do the rest.
            cache.remove([want]);
            budgetFull = true;
            summary.overBudget++;
          } else {
            progress.downloaded++;
            progress.bytes += got.body.byteLength;
          }
        }
      } catch (error) {
        if (signal?.aborted) return;
        if (error instanceof StashAuthError || error instanceof StashUnreachableError) {
          fatal ??= error;
          return;
        }
        progress.failed++;
        logger.warn('a picture could not be fetched', { url: want.url ?? '', error: (error as Error).message });
      }
      progress.done++;
      report();
    }
  }

  const pool = Math.max(1, options.concurrency ?? DEFAULT_MEDIA_CONCURRENCY);
  await Promise.all(Array.from({ length: pool }, worker));
  // The workers set it: the compiler cannot see that through the closures.
  const failure = fatal as Error | null;
  if (failure) throw failure;
  // Listed to the end: the total is what the pages held (rows may have changed since the count).
  if (!signal?.aborted) progress.total = listed;
  report(true);
  Object.assign(summary, progress, { cancelled: signal?.aborted ?? false });
  return summary;
}

/**
 * Fetches one picture, following redirects by hand so the API key goes only to Stash's own origin
 * (a redirect or an image_path elsewhere is asked without it).
 */
function pictureFetcher(options: MediaStepOptions, origin: string) {
  const doFetch = options.fetch ?? fetch;
  const shown = origin;
  return async (url: string, isMarker: boolean): Promise<Fetched> => {
    // Node's fetch leaves its listener on the signal it is given until that signal is collected:
    // each picture gets a signal of its own, tied to the step's only while it is fetched.
    const own = new AbortController();
    const abort = () => own.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    if (options.signal?.aborted) own.abort();
    try {
      return await fetchPicture(url, isMarker, own.signal);
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  };

  async function fetchPicture(url: string, isMarker: boolean, signal: AbortSignal): Promise<Fetched> {
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {};
      if (options.apiKey && target.origin === origin) headers.ApiKey = options.apiKey;
      let response: Response;
      try {
        response = await doFetch(target, { headers, redirect: 'manual', signal });
      } catch (error) {
        if (options.signal?.aborted) throw new SyncCancelledError();
        throw new StashUnreachableError(`Cannot reach Stash at ${shown} for pictures: ${(error as Error).message}`);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location && hop < MAX_REDIRECTS) {
        await response.body?.cancel();
        target = new URL(location, target);
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        if (target.origin !== origin) throw new StashError(`${target.origin} refused a picture (HTTP ${response.status})`);
        throw new StashAuthError(`Stash at ${shown} refused the API key for pictures (HTTP ${response.status})`);
      }
      if (isMarker && isMarkerPlaceholder(response)) {
        await response.body?.cancel();
        return { placeholder: true };
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new StashError(`HTTP ${response.status} for ${target.pathname}`);
      }
      const body = new Uint8Array(await response.arrayBuffer());
      return { placeholder: false, body, contentType: response.headers.get('content-type') ?? 'application/octet-stream' };
    }
  }
}
