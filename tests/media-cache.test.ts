import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaCache, mediaKeyOfStashPath } from '../src/core/media/media-cache';
import { isDefaultPerformerImage, isMarkerPlaceholder } from '../src/core/media/placeholder';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function open(budgetBytes = 1000, dir = mkdtempSync(join(tmpdir(), 'media-cache-'))): MediaCache {
  const cache = MediaCache.open(dir, { budgetBytes });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => cache.close());
  return cache;
}

const png = (bytes: number) => ({ body: new Uint8Array(bytes).fill(7), contentType: 'image/png' });
/** Lets the clock move on, so last-used times differ. */
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('the media cache', () => {
  it('serves a stored picture from its file, whatever its version, and misses what it lacks', async () => {
    const cache = open();
    await cache.store('marker-screenshot', 3, 'v1', png(10));
    const hit = cache.lookup('marker-screenshot', 3)!;
    expect(hit).toMatchObject({ contentType: 'image/png', placeholder: false });
    expect(hit.path.startsWith(join(cache.dir, 'files'))).toBe(true);
    expect(cache.lookup('marker-preview', 3)).toBeNull();
    expect(cache.lookup('marker-screenshot', 4)).toBeNull();
  });

  it('replaces a picture of a new version and deletes the old file', async () => {
    const cache = open();
    await cache.store('performer-image', 1, 'v1', png(10));
    const old = cache.lookup('performer-image', 1)!.path;
    await cache.store('performer-image', 1, 'v2', png(12));
    expect(cache.lookup('performer-image', 1)!.path).not.toBe(old);
    expect(readdirSync(join(cache.dir, 'files'))).toHaveLength(1);
    expect(cache.entries()).toMatchObject([{ kind: 'performer-image', id: 1, version: 'v2', bytes: 12 }]);
  });

  it('evicts the least recently used pictures to stay within its budget, counting placeholders as nothing', async () => {
    const cache = open(1000);
    await cache.store('marker-screenshot', 1, 'v', png(400));
    await tick();
    await cache.store('marker-screenshot', 2, 'v', png(400));
    await tick();
    cache.storePlaceholder('marker-screenshot', 9, 'v');
    cache.lookup('marker-screenshot', 1); // 1 is now more recent than 2
    await tick();
    await cache.store('marker-screenshot', 3, 'v', png(400));
    expect(cache.usedBytes()).toBe(1200);
    expect(cache.evict()).toEqual({ evicted: 1, full: false });
    expect(cache.lookup('marker-screenshot', 2)).toBeNull();
    expect(cache.lookup('marker-screenshot', 1)).not.toBeNull();
    expect(cache.lookup('marker-screenshot', 9)).toMatchObject({ placeholder: true });
    expect(cache.usedBytes()).toBe(800);
  });

  it('says when the budget is spent on pictures it must keep', async () => {
    const cache = open(500);
    const since = Date.now();
    await cache.store('marker-screenshot', 1, 'v', png(400));
    await cache.store('marker-screenshot', 2, 'v', png(400));
    expect(cache.evict(since)).toEqual({ evicted: 0, full: true });
  });

  it('repairs what a kill leaves: temp files and unindexed files go, a row without its file is a miss', async () => {
    const cache = open();
    await cache.store('marker-screenshot', 1, 'v', png(10));
    await cache.store('marker-screenshot', 2, 'v', png(10));
    writeFileSync(join(cache.dir, 'tmp', 'half.part'), 'half');
    writeFileSync(join(cache.dir, 'files', 'marker-screenshot-5-renamed.png'), 'whole but not indexed');
    unlinkSync(cache.lookup('marker-screenshot', 2)!.path);
    expect(cache.lookup('marker-screenshot', 2)).toBeNull();
    expect(cache.repair()).toEqual({ files: 1, rows: 1 });
    expect(readdirSync(join(cache.dir, 'tmp'))).toEqual([]);
    expect(readdirSync(join(cache.dir, 'files'))).toHaveLength(1);
    expect(cache.entries().map((e) => e.id)).toEqual([1]);
  });

  it('is read by another connection while one writes (the host beside the step)', async () => {
    const writer = open();
    const reader = MediaCache.open(writer.dir, { budgetBytes: 1000 });
    cleanups.push(() => reader.close());
    await writer.store('marker-screenshot', 1, 'v', png(10));
    expect(reader.lookup('marker-screenshot', 1)).toMatchObject({ placeholder: false });
  });

  it('answers lookups while another connection holds the index’s write lock, and writes their use marks together later', async () => {
    const cache = open();
    await cache.store('marker-screenshot', 1, 'v', png(10));
    const other = new Database(join(cache.dir, 'index.sqlite'));
    cleanups.push(() => other.close());
    const lastUsed = () => other.prepare("SELECT last_used FROM pictures WHERE kind = 'marker-screenshot' AND id = 1").pluck().get() as number;
    const stored = lastUsed();
    await tick();
    other.exec('BEGIN IMMEDIATE');
    // A write per lookup would wait here for the lock (and fail after the busy timeout).
    expect(cache.lookup('marker-screenshot', 1)).toMatchObject({ placeholder: false });
    other.exec('ROLLBACK');
    expect(lastUsed()).toBe(stored);
    cache.flushUsage();
    expect(lastUsed()).toBeGreaterThan(stored);
  });

  it('names the picture of a Stash URL path', () => {
    expect(mediaKeyOfStashPath('/scene/4/scene_marker/12/screenshot')).toEqual({ kind: 'marker-screenshot', id: 12 });
    expect(mediaKeyOfStashPath('/scene/4/scene_marker/12/preview')).toEqual({ kind: 'marker-preview', id: 12 });
    expect(mediaKeyOfStashPath('/performer/7/image')).toEqual({ kind: 'performer-image', id: 7 });
    expect(mediaKeyOfStashPath('/scene/4/screenshot')).toBeNull();
    expect(mediaKeyOfStashPath('/scene/4/stream')).toBeNull();
  });
});

describe("Stash's not-generated answers", () => {
  const answer = (status: number, headers: Record<string, string>) => ({ status, headers: new Headers(headers) });

  it('are its built-in PNG without Last-Modified (or no-store), and 404s', () => {
    expect(isMarkerPlaceholder(answer(200, { 'content-type': 'image/png' }))).toBe(true);
    expect(isMarkerPlaceholder(answer(200, { 'content-type': 'image/png', 'cache-control': 'no-store', 'last-modified': 'x' }))).toBe(true);
    expect(isMarkerPlaceholder(answer(404, { 'content-type': 'text/plain' }))).toBe(true);
  });

  it('are not generated files, which carry Last-Modified whatever their type', () => {
    const lastModified = 'Mon, 07 Dec 2026 10:00:00 GMT';
    expect(isMarkerPlaceholder(answer(200, { 'content-type': 'image/jpeg', 'last-modified': lastModified }))).toBe(false);
    expect(isMarkerPlaceholder(answer(200, { 'content-type': 'image/webp', 'last-modified': lastModified }))).toBe(false);
    expect(isMarkerPlaceholder(answer(200, { 'content-type': 'image/png', 'last-modified': lastModified }))).toBe(false);
    expect(isMarkerPlaceholder(answer(500, {}))).toBe(false);
  });

  it("include a performer's default image, named by its image_path", () => {
    expect(isDefaultPerformerImage('http://stash:9999/performer/2/image?t=1&default=true')).toBe(true);
    expect(isDefaultPerformerImage(null)).toBe(true);
    expect(isDefaultPerformerImage('http://stash:9999/performer/2/image?t=1')).toBe(false);
  });
});
