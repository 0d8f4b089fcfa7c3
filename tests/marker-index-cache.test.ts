/**
 * The cache that keeps the search's in-memory index between searches: a sync's end builds the next
 * one while searches meanwhile get the previous, and a process that never searched builds none.
 */
import { describe, expect, it } from 'vitest';
import { MarkerIndex, type MarkerIndexSource } from '../src/core/search/marker-index';
import { parseMarkerQuery } from '../src/core/search/query';
import { VersionedCache } from '../src/core/search/versioned-cache';

/** A load that finishes when the test says so. */
function pending<T>(): { load: () => Promise<T>; finish: (value: T) => void; fail: (error: Error) => void; calls: () => number } {
  let calls = 0;
  let finish: (value: T) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const promise = new Promise<T>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    load: () => {
      calls++;
      return promise;
    },
    finish: (value) => finish(value),
    fail: (error) => fail(error),
    calls: () => calls,
  };
}

describe('versioned cache refresh', () => {
  it('answers the new version with the previous value until the new one is ready, then with the new one', async () => {
    const cache = new VersionedCache<string>();
    expect(await cache.get('1', async () => 'first')).toBe('first');

    const next = pending<string>();
    const refreshed = cache.refresh('2', next.load);
    expect(await cache.get('2', async () => 'loaded by the search')).toBe('first');
    next.finish('second');
    await refreshed;
    expect(await cache.get('2', async () => 'loaded by the search')).toBe('second');
    expect(next.calls()).toBe(1);
  });

  it('builds nothing for a cache no search has asked', async () => {
    const cache = new VersionedCache<string>();
    let loads = 0;
    await cache.refresh('1', async () => `built ${++loads}`);
    expect(loads).toBe(0);
    expect(await cache.get('1', async () => 'loaded by the search')).toBe('loaded by the search');
  });

  it('keeps no failed refresh: the next search loads again', async () => {
    const cache = new VersionedCache<string>();
    await cache.get('1', async () => 'first');
    const next = pending<string>();
    const refreshed = cache.refresh('2', next.load);
    next.fail(new Error('mirror closed'));
    await expect(refreshed).rejects.toThrow('mirror closed');
    expect(await cache.get('2', async () => 'loaded by the search')).toBe('loaded by the search');
  });

  it('gives the new version to a search that comes while a first load is still running', async () => {
    const cache = new VersionedCache<string>();
    const first = pending<string>();
    const firstSearch = cache.get('1', first.load);
    const refreshed = cache.refresh('2', async () => 'second');
    // Nothing has finished loading, so nothing older can answer: the search waits for the new one.
    expect(await cache.get('2', async () => 'loaded by the search')).toBe('second');
    await refreshed;
    first.finish('first');
    expect(await firstSearch).toBe('first');
    expect(await cache.get('2', async () => 'loaded by the search')).toBe('second');
  });
});

describe('the index a sync builds', () => {
  const library: MarkerIndexSource = {
    tags: [{ id: 1, name: 'tag', is_stale: false }],
    performers: [],
    studios: [],
    scenes: [1, 2].map((id) => ({
      id,
      title: `scene ${id}`,
      basename: null,
      date: `202${id}`,
      duration: null,
      rating100: null,
      organized: false,
      studio_id: null,
    })),
    markers: [1, 2, 3].map((id) => ({
      id,
      title: `marker ${id}`,
      scene_id: 1 + (id % 2),
      primary_tag_id: 1,
      seconds: id,
      end_seconds: null,
      stash_updated_at: `2024-01-0${id}T00:00:00Z`,
    })),
    markerTags: [],
    sceneTags: [],
    scenePerformers: [],
    performerTags: [],
    closure: [{ ancestor_id: 1, descendant_id: 1 }],
  };

  it('has the sort orders ready that the index it replaces had computed', () => {
    const previous = new MarkerIndex(library);
    expect(new MarkerIndex(library).prepareOrdersOf(null)).toEqual([]);
    previous.search(parseMarkerQuery({ sort: 'sceneDate' }));
    previous.search(parseMarkerQuery({ sort: 'updated', direction: 'asc' }));
    const next = new MarkerIndex(library);
    expect(next.prepareOrdersOf(previous)).toEqual(['sceneDate desc', 'updated asc']);
    expect(next.search(parseMarkerQuery({ sort: 'sceneDate' })).hits.map((h) => h.id)).toEqual(
      previous.search(parseMarkerQuery({ sort: 'sceneDate' })).hits.map((h) => h.id),
    );
  });
});
