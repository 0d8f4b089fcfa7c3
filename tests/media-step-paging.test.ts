/**
 * The media step over a library of many keyset pages: with a page of 3 rows, 40 markers and 8
 * performers span 17 pages, so every page boundary (and the range past the last page) is crossed.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { MediaCache } from '../src/core/media/media-cache';
import { runMediaStep, type MediaStepOptions } from '../src/core/media/media-step';
import { describeEachDialect, startHarness, type Harness } from './support/harness';

const SIZE = { performers: 8, tags: 10, scenes: 12, markers: 40 };
const KEY = 'paging-key';
const PAGE = 3;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function openCache(): MediaCache {
  const dir = mkdtempSync(join(tmpdir(), 'media-paging-'));
  const cache = MediaCache.open(dir, { budgetBytes: 1 << 30 });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => cache.close());
  return cache;
}

const step = (h: Harness, cache: MediaCache, o: Partial<MediaStepOptions> = {}) =>
  runMediaStep(h.store, { stashUrl: h.fake.url, apiKey: KEY, cache, includePreviews: false, pageSize: PAGE, ...o });

/** Each picture request as "kind id", in the order Stash saw them. */
const requested = (h: Harness, from = 0) =>
  h.fake.media.requests.slice(from).map((r) => {
    const marker = /scene_marker\/(\d+)\//.exec(r.path);
    return marker ? `marker ${marker[1]}` : `performer ${/performer\/(\d+)\//.exec(r.path)![1]}`;
  });

/** Every picture Stash serves for the library: markers' screenshots and performers' own images. */
const expectedRequests = (h: Harness) =>
  [
    ...[...h.library.markers.keys()].map((id) => `marker ${id}`),
    ...[...h.library.performers.values()].filter((p) => p.hasImage).map((p) => `performer ${p.id}`),
  ].sort();

const markerFiles = (cache: MediaCache, id: number) => readdirSync(join(cache.dir, 'files')).filter((f) => f.startsWith(`marker-screenshot-${id}-`));

describeEachDialect('the media step over many keyset pages', (dialect) => {
  async function synced(): Promise<Harness> {
    const h = await startHarness({ dialect, size: SIZE, apiKey: KEY });
    cleanups.push(() => h.close());
    await h.sync();
    return h;
  }

  it('fetches every picture once and counts each row once', async () => {
    const h = await synced();
    const pictures = h.library.markers.size + h.library.performers.size;
    expect(pictures).toBeGreaterThan(PAGE * 10);
    const cache = openCache();
    const run = await step(h, cache);
    expect(run).toMatchObject({ total: pictures, done: pictures, alreadyCached: 0, failed: 0, removed: 0, cancelled: false });
    expect(run.downloaded + run.placeholders).toBe(pictures);
    expect(requested(h).sort()).toEqual(expectedRequests(h));

    const again = await step(h, cache);
    expect(again).toMatchObject({ total: pictures, done: pictures, alreadyCached: pictures, downloaded: 0, removed: 0 });
    expect(requested(h)).toHaveLength(expectedRequests(h).length);
  });

  it('removes the files of deleted markers in a later page and past the last page', async () => {
    const h = await synced();
    const cache = openCache();
    await step(h, cache);
    const generated = [...h.library.markers.keys()].filter((id) => h.fake.media.isGenerated(id)).sort((a, b) => a - b);
    // One in the middle of the ids (pages past the first), and the highest (beyond the last page once it is gone).
    const middle = generated[Math.floor(generated.length / 2)]!;
    const highest = Math.max(...h.library.markers.keys());
    expect(generated.indexOf(middle)).toBeGreaterThan(PAGE * 2);
    for (const id of [middle, highest]) expect(cache.lookup('marker-screenshot', id)).not.toBeNull();
    h.library.deleteMarker(middle);
    h.library.deleteMarker(highest);
    await h.sync();
    const before = h.fake.media.requests.length;

    const run = await step(h, cache);
    const pictures = h.library.markers.size + h.library.performers.size;
    expect(run).toMatchObject({ removed: 2, downloaded: 0, total: pictures, done: pictures, alreadyCached: pictures });
    expect(h.fake.media.requests.length).toBe(before);
    for (const id of [middle, highest]) {
      expect(cache.lookup('marker-screenshot', id)).toBeNull();
      expect(markerFiles(cache, id)).toEqual([]);
    }
  });

  it('resumes after a cancel in the second page: the next run fetches only the rest, each once', async () => {
    const h = await synced();
    const cache = openCache();
    const controller = new AbortController();
    const stopAt = PAGE + 2;
    let stored = 0;
    const original = cache.store.bind(cache);
    cache.store = async (...args) => {
      await original(...args);
      if (++stored === stopAt) controller.abort();
    };
    const pages: (number | null)[] = [];
    const read = h.store.mediaMarkers.bind(h.store);
    h.store.mediaMarkers = (after, limit) => (pages.push(after), read(after, limit));
    const cancelled = await step(h, cache, { signal: controller.signal, concurrency: 1 });
    expect(cancelled).toMatchObject({ cancelled: true, downloaded: stopAt });
    // The step stopped within the second page (or while reading the third), not at its start.
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.length).toBeLessThanOrEqual(3);
    cache.store = original;

    const before = h.fake.media.requests.length;
    const rest = await step(h, cache);
    const pictures = h.library.markers.size + h.library.performers.size;
    expect(rest).toMatchObject({ total: pictures, done: pictures, alreadyCached: cancelled.done, cancelled: false });
    expect(before).toBe(cancelled.done);
    expect(requested(h).sort()).toEqual(expectedRequests(h));
  });
});
