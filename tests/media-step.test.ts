import type { ChildProcess } from 'node:child_process';
import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaCache } from '../src/core/media/media-cache';
import { runMediaStep, type MediaProgress, type MediaStepOptions } from '../src/core/media/media-step';
import { StashAuthError, StashUnreachableError } from '../src/core/stash/errors';
import { startFakeStash } from '../tools/fake-stash';
import { describeEachDialect, startHarness, type Harness } from './support/harness';
import { spawnTsChild } from './support/ts-child';

const SIZE = { performers: 8, tags: 10, scenes: 12, markers: 40 };
const KEY = 'media-key';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'media-step-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function openCache(dir = cacheDir(), budgetBytes = 1 << 30): MediaCache {
  const cache = MediaCache.open(dir, { budgetBytes });
  cleanups.push(() => cache.close());
  return cache;
}

async function syncedHarness(dialect: 'sqlite' | 'postgres' = 'sqlite'): Promise<Harness> {
  const h = await startHarness({ dialect, size: SIZE, apiKey: KEY });
  cleanups.push(() => h.close());
  await h.sync();
  return h;
}

const step = (h: Harness, cache: MediaCache, o: Partial<MediaStepOptions> = {}) =>
  runMediaStep(h.store, { stashUrl: h.fake.url, apiKey: KEY, cache, includePreviews: false, ...o });

describeEachDialect('the media step', (dialect) => {
  it('fetches every live marker screenshot and performer image once, and nothing on a second run', async () => {
    const h = await syncedHarness(dialect);
    const cache = openCache();
    const first = await step(h, cache);
    const markers = h.library.markers.size;
    const performers = [...h.library.performers.values()];
    expect(first.total).toBe(markers + performers.length);
    expect(first.done).toBe(first.total);
    const ungenerated = [...h.library.markers.keys()].filter((id) => !h.fake.media.isGenerated(id)).length;
    const defaults = performers.filter((p) => !p.hasImage).length;
    expect(first.placeholders).toBe(ungenerated + defaults);
    expect(first.downloaded).toBe(first.total - first.placeholders);
    // A performer with only Stash's default image is not even asked for.
    expect(h.fake.media.requests).toHaveLength(markers + performers.length - defaults);
    expect(h.fake.media.requests.every((r) => r.withKey && r.status === 200)).toBe(true);

    const second = await step(h, cache);
    expect(second).toMatchObject({ downloaded: 0, alreadyCached: first.total, done: first.total });
    expect(h.fake.media.requests).toHaveLength(markers + performers.length - defaults);
  });
});

describe('the media step', () => {
  it('leaves no listener on its signal, however many pictures it fetched', async () => {
    const h = await syncedHarness('sqlite');
    const controller = new AbortController();
    const summary = await step(h, openCache(), { signal: controller.signal });
    expect(summary.downloaded).toBeGreaterThan(20);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('fetches a changed screenshot again and drops the file of a deleted marker', async () => {
    const h = await syncedHarness();
    const cache = openCache();
    await step(h, cache);
    const [changed, deleted] = [...h.library.markers.keys()].filter((id) => h.fake.media.isGenerated(id));
    const before = cache.lookup('marker-screenshot', changed!)!;
    h.library.updateMarker(changed!, { title: 'moved' });
    h.library.deleteMarker(deleted!);
    await h.sync();
    const requests = h.fake.media.requests.length;
    const run = await step(h, cache);
    expect(run).toMatchObject({ downloaded: 1, removed: 1 });
    expect(h.fake.media.requests.slice(requests).map((r) => r.path)).toEqual([
      `/scene/${h.library.markers.get(changed!)!.sceneId}/scene_marker/${changed}/screenshot`,
    ]);
    const after = cache.lookup('marker-screenshot', changed!)!;
    expect(after.path).not.toBe(before.path);
    expect(cache.lookup('marker-screenshot', deleted!)).toBeNull();
    const files = readdirSync(join(cache.dir, 'files'));
    expect(files.some((f) => f.startsWith(`marker-screenshot-${deleted}-`))).toBe(false);
    expect(files.filter((f) => f.startsWith(`marker-screenshot-${changed}-`))).toHaveLength(1);
  });

  it('remembers ungenerated screenshots and default performer images as placeholders, not pictures', async () => {
    const h = await syncedHarness();
    const cache = openCache();
    const marker = [...h.library.markers.keys()].find((id) => h.fake.media.isGenerated(id))!;
    h.fake.media.ungenerated.add(marker);
    const performer = [...h.library.performers.values()].find((p) => !p.hasImage)!;
    await step(h, cache);
    expect(cache.lookup('marker-screenshot', marker)).toMatchObject({ placeholder: true });
    expect(cache.lookup('performer-image', performer.id)).toMatchObject({ placeholder: true });
    const real = [...h.library.markers.keys()].find((id) => h.fake.media.isGenerated(id))!;
    expect(cache.lookup('marker-screenshot', real)).toMatchObject({ placeholder: false, contentType: 'image/png' });
  });

  it('fetches animated previews only when asked, and drops them when no longer asked', async () => {
    const h = await syncedHarness();
    const cache = openCache();
    await step(h, cache);
    expect(h.fake.media.requests.some((r) => r.path.endsWith('/preview'))).toBe(false);
    const withPreviews = await step(h, cache, { includePreviews: true });
    expect(withPreviews.downloaded + withPreviews.placeholders).toBe(h.library.markers.size);
    const generated = [...h.library.markers.keys()].find((id) => h.fake.media.isGenerated(id))!;
    expect(cache.lookup('marker-preview', generated)).toMatchObject({ placeholder: false });
    const without = await step(h, cache);
    expect(without.removed).toBe(h.library.markers.size);
  });

  it('reports its progress: counts first, throttled while it runs, and the finished counts last', async () => {
    const h = await syncedHarness();
    const reports: MediaProgress[] = [];
    const summary = await step(h, openCache(), { onProgress: (p) => reports.push(p) });
    expect(reports[0]).toMatchObject({ total: summary.total, done: 0 });
    expect(reports.length).toBeLessThan(summary.total);
    expect(reports.at(-1)).toEqual({
      total: summary.total,
      done: summary.total,
      downloaded: summary.downloaded,
      alreadyCached: 0,
      placeholders: summary.placeholders,
      failed: 0,
      bytes: summary.bytes,
    });
  });

  it('stays within its budget: stops fetching once the budget is spent on this run, evicting older pictures first', async () => {
    const h = await syncedHarness();
    const dir = cacheDir();
    const roomy = openCache(dir);
    const all = await step(h, roomy);
    const perPicture = Math.ceil(all.bytes / all.downloaded);
    const budget = perPicture * 10;
    const tight = MediaCache.open(dir, { budgetBytes: budget });
    cleanups.push(() => tight.close());
    const marker = [...h.library.markers.keys()].find((id) => h.fake.media.isGenerated(id))!;
    h.library.updateMarker(marker, { title: 'new version' });
    await h.sync();
    const run = await step(h, tight);
    expect(run.evicted).toBeGreaterThan(all.downloaded / 2);
    expect(tight.usedBytes()).toBeLessThanOrEqual(budget);
    expect(tight.lookup('marker-screenshot', marker)).not.toBeNull();
    // Pictures evicted by an earlier run are fetched again only while the budget has room.
    const next = await step(h, tight);
    expect(next.overBudget).toBeGreaterThan(0);
    expect(tight.usedBytes()).toBeLessThanOrEqual(budget);
  });

  it('never has more picture requests in flight than its pool', async () => {
    const library = (await syncedHarness()).library;
    const fake = await startFakeStash({ library, apiKey: KEY, latencyMs: 15 });
    cleanups.push(() => fake.close());
    const h = await syncedHarness();
    await runMediaStep(h.store, { stashUrl: fake.url, apiKey: KEY, cache: openCache(), includePreviews: false, concurrency: 3 });
    expect(fake.media.requests.length).toBeGreaterThan(10);
    expect(fake.media.maxInFlight).toBe(3);
  });

  it('sends the key only to the Stash origin: not to a redirect target nor an image_path elsewhere', async () => {
    const elsewhere = await startFakeStash({ library: (await syncedHarness()).library });
    cleanups.push(() => elsewhere.close());
    // The mirror synced from an open Stash, so its performers' image_path point there.
    const h = await startHarness({ size: SIZE });
    cleanups.push(() => h.close());
    await h.sync();
    const keyed = await startFakeStash({ library: h.library, apiKey: KEY });
    cleanups.push(() => keyed.close());
    await runMediaStep(h.store, { stashUrl: keyed.url, apiKey: KEY, cache: openCache(), includePreviews: false });
    expect(keyed.media.requests.length).toBe(h.library.markers.size);
    expect(keyed.media.requests.every((r) => r.withKey)).toBe(true);
    expect(h.fake.media.requests.length).toBeGreaterThan(0);
    expect(h.fake.media.requests.some((r) => r.withKey)).toBe(false);

    // A Stash that redirects its pictures to another origin.
    const redirector = http.createServer((req, res) => {
      res.writeHead(302, { Location: `${elsewhere.origin}${req.url}` }).end();
    });
    await new Promise<void>((done) => redirector.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise<void>((done) => redirector.close(() => done())));
    const port = (redirector.address() as AddressInfo).port;
    const run = await runMediaStep(h.store, { stashUrl: `http://127.0.0.1:${port}`, apiKey: KEY, cache: openCache(), includePreviews: false });
    expect(run.failed).toBe(0);
    expect(elsewhere.media.requests.filter((r) => r.path.includes('scene_marker'))).toHaveLength(h.library.markers.size);
    expect(elsewhere.media.requests.some((r) => r.withKey)).toBe(false);
  });

  it('fails with one clear line when Stash refuses the key or cannot be reached', async () => {
    const h = await syncedHarness();
    await expect(step(h, openCache(), { apiKey: 'wrong' })).rejects.toThrow(StashAuthError);
    await expect(step(h, openCache(), { apiKey: 'wrong' })).rejects.toThrow(/refused the API key/);
    await h.fake.close();
    await expect(step(h, openCache())).rejects.toThrow(StashUnreachableError);
  });

  it('keeps what it finished when cancelled, and the next run fetches only the rest', async () => {
    const h = await syncedHarness();
    const cache = openCache();
    const controller = new AbortController();
    let stored = 0;
    const original = cache.store.bind(cache);
    cache.store = async (...args) => {
      await original(...args);
      if (++stored === 5) controller.abort();
    };
    const cancelled = await step(h, cache, { signal: controller.signal, concurrency: 1 });
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.downloaded).toBe(5);
    cache.store = original;
    const requests = h.fake.media.requests.length;
    const rest = await step(h, cache);
    expect(rest.alreadyCached).toBe(cancelled.done);
    expect(h.fake.media.requests.length - requests).toBe(rest.downloaded + rest.placeholders - countDefaults(h));
    expect(rest.done).toBe(rest.total);
  });

  it('resumes after the process running it is killed: the second run fetches only the rest', async () => {
    const h = await syncedHarness();
    const dir = cacheDir();
    const sources = { markers: await h.store.mediaMarkers(null, 1_000_000), performers: await h.store.mediaPerformers(null, 1_000_000) };
    const child = runInChild(dir, h.fake.url, sources);
    cleanups.push(() => void child.kill('SIGKILL'));
    await new Promise<void>((done) => {
      child.on('message', (m: { downloaded: number }) => {
        if (m.downloaded >= 8) {
          child.kill('SIGKILL');
          done();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));
    const cache = openCache(dir);
    const before = h.fake.media.requests.length;
    const rest = await step(h, cache);
    expect(rest.alreadyCached).toBeGreaterThanOrEqual(8);
    expect(rest.alreadyCached).toBeLessThan(rest.total);
    expect(rest.done).toBe(rest.total);
    expect(h.fake.media.requests.length - before).toBe(rest.downloaded + rest.placeholders - countDefaults(h));
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });
});

function countDefaults(h: Harness): number {
  return [...h.library.performers.values()].filter((p) => !p.hasImage).length;
}

/** The step in a child process against a stand-in store, reporting each download to the parent. */
function runInChild(dir: string, stashUrl: string, sources: unknown): ChildProcess {
  const mod = (path: string) => JSON.stringify(pathToFileURL(resolve(import.meta.dirname, path)).href);
  const code = `
    const { MediaCache } = await import(${mod('../src/core/media/media-cache.ts')});
    const { runMediaStep } = await import(${mod('../src/core/media/media-step.ts')});
    const cache = MediaCache.open(${JSON.stringify(dir)}, { budgetBytes: 1 << 30 });
    const sources = ${JSON.stringify(sources)};
    const page = (rows) => async (after, limit) => rows.filter((r) => after === null || r.id > after).slice(0, limit);
    const store = {
      mediaMarkers: page(sources.markers),
      mediaPerformers: page(sources.performers),
      countLive: async (entity) => sources[entity].length,
    };
    const original = cache.store.bind(cache);
    let downloaded = 0;
    cache.store = async (...args) => {
      await original(...args);
      process.send({ downloaded: ++downloaded });
      await new Promise((r) => setTimeout(r, 20));
    };
    await runMediaStep(store, { stashUrl: ${JSON.stringify(stashUrl)}, apiKey: ${JSON.stringify(KEY)}, cache, includePreviews: false, concurrency: 1 });
  `;
  return spawnTsChild({ inline: code });
}

describe("the fake Stash's pictures", () => {
  it('change with the marker, answer ungenerated ones as Stash does, animate previews and log who sent a key', async () => {
    const h = await startHarness({ size: SIZE, apiKey: KEY });
    cleanups.push(() => h.close());
    const marker = [...h.library.markers.values()].find((m) => h.fake.media.isGenerated(m.id))!;
    const get = (path: string, key = KEY) => fetch(`${h.fake.origin}${path}`, { headers: { ApiKey: key } });
    const base = `/scene/${marker.sceneId}/scene_marker/${marker.id}`;
    const first = await get(`${base}/screenshot?t=1`);
    expect(first.headers.has('last-modified')).toBe(true);
    const before = Buffer.from(await first.arrayBuffer());
    h.library.updateMarker(marker.id, { title: 'changed' });
    expect(Buffer.from(await (await get(`${base}/screenshot?t=2`)).arrayBuffer())).not.toEqual(before);

    const preview = Buffer.from(await (await get(`${base}/preview`)).arrayBuffer());
    expect(preview.includes(Buffer.from('acTL'))).toBe(true);
    expect(preview.includes(Buffer.from('fdAT'))).toBe(true);

    h.fake.media.ungenerated.add(marker.id);
    const pending = await get(`${base}/screenshot`);
    expect(pending.status).toBe(200);
    expect(pending.headers.get('content-type')).toBe('image/png');
    expect(pending.headers.has('last-modified')).toBe(false);

    expect((await get(`${base}/screenshot`, 'wrong')).status).toBe(401);
    expect(h.fake.media.requests.map((r) => [r.withKey, r.status])).toEqual([
      [true, 200],
      [true, 200],
      [true, 200],
      [true, 200],
      [true, 401],
    ]);
  });
});
