/**
 * The filters on studios, performer tags, favourite performers, performer count, scene rating and
 * organized flag, and the studio facet, over a mirror the real sync filled from a small hand-built
 * library: the in-memory index reads the mirror's columns (both databases), not a stand-in.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MarkerQueryInput } from '../src/core/search/query';
import { searchMarkers } from '../src/core/search/search';
import { SuggestionIndex } from '../src/core/service/suggest';
import { createClock, FakeLibrary } from '../tools/fake-stash';
import { describeEachDialect, startHarness, type Harness } from './support/harness';

describeEachDialect('search by studio and the new scene and performer filters', (dialect) => {
  let h: Harness;
  /** Marker ids by their scene's name; studio and tag ids by name. */
  const markers: Record<string, number> = {};
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const lib = new FakeLibrary(createClock({ start: '2026-01-01T00:00:00Z' }));
    const network = lib.createStudio({ name: 'Network' });
    const channel = lib.createStudio({ name: 'Channel', parentId: network.id });
    const indie = lib.createStudio({ name: 'Indie' });
    const gone = lib.createStudio({ name: 'Gone' });
    const outdoor = lib.createTag({ name: 'Outdoor' });
    const beach = lib.createTag({ name: 'Beach', parentIds: [outdoor.id] });
    const pose = lib.createTag({ name: 'Pose' });
    const ana = lib.createPerformer({ name: 'Ana', favorite: true, tagIds: [beach.id] });
    const ben = lib.createPerformer({ name: 'Ben', tagIds: [pose.id] });
    const cy = lib.createPerformer({ name: 'Cy' });
    const scene = (name: string, patch: Parameters<FakeLibrary['createScene']>[0]) => {
      const s = lib.createScene({ title: name, ...patch });
      markers[name] = lib.createMarker({ sceneId: s.id, title: `${name} marker`, seconds: 10, primaryTagId: pose.id }).id;
    };
    scene('onNetwork', { studioId: network.id, performerIds: [ana.id, ben.id], rating100: 80, organized: true });
    scene('onChannel', { studioId: channel.id, performerIds: [cy.id], rating100: 40 });
    scene('onIndie', { studioId: indie.id, performerIds: [ben.id], organized: true });
    scene('noStudio', { performerIds: [] });
    scene('onGone', { studioId: gone.id, performerIds: [ana.id], rating100: 100 });
    ids.network = network.id;
    ids.channel = channel.id;
    ids.indie = indie.id;
    ids.outdoor = outdoor.id;
    ids.pose = pose.id;
    h = await startHarness({ dialect, library: lib });
    await h.sync();
    // A destroyed studio bumps none of its scenes: the next sync still learns they have none.
    lib.deleteStudio(gone.id);
    await h.sync();
  });
  afterAll(async () => h?.close());

  const matching = async (input: MarkerQueryInput): Promise<string[]> => {
    const r = await searchMarkers(h.store, { perPage: 500, facetLimit: 0, ...input });
    const names = Object.fromEntries(Object.entries(markers).map(([name, id]) => [id, name]));
    return r.hits.map((hit) => names[hit.id]!).sort();
  };

  it('studio any of, with and without child studios, and none of', async () => {
    expect(await matching({ studios: { any: [{ id: ids.network!, withChildren: false }] } })).toEqual(['onNetwork']);
    expect(await matching({ studios: { any: [{ id: ids.network!, withChildren: true }] } })).toEqual(['onChannel', 'onNetwork']);
    expect(await matching({ studios: { none: [{ id: ids.network!, withChildren: true }] } })).toEqual(['noStudio', 'onGone', 'onIndie']);
  });

  it('a destroyed studio leaves its scenes without one, and the hit says so', async () => {
    const r = await searchMarkers(h.store, { text: 'onGone', facetLimit: 0 });
    expect(r.hits.map((hit) => hit.scene.studio)).toEqual([null]);
    const onChannel = await searchMarkers(h.store, { text: 'onChannel', facetLimit: 0 });
    expect(onChannel.hits[0]!.scene.studio).toEqual({ id: ids.channel, name: 'Channel' });
  });

  it('performer tags, with sub-tags, any and none', async () => {
    expect(await matching({ performerTags: { any: [{ id: ids.outdoor!, withSubtags: false }] } })).toEqual([]);
    expect(await matching({ performerTags: { any: [{ id: ids.outdoor!, withSubtags: true }] } })).toEqual(['onGone', 'onNetwork']);
    expect(await matching({ performerTags: { none: [{ id: ids.pose!, withSubtags: false }] } })).toEqual(['noStudio', 'onChannel', 'onGone']);
  });

  it('favourite performers only, and the number of performers', async () => {
    expect(await matching({ favoritePerformersOnly: true })).toEqual(['onGone', 'onNetwork']);
    expect(await matching({ performerCount: { min: 2 } })).toEqual(['onNetwork']);
    expect(await matching({ performerCount: { max: 0 } })).toEqual(['noStudio']);
  });

  it('scene rating (unrated never matches a bound) and organized', async () => {
    expect(await matching({ sceneRating: { min: 50 } })).toEqual(['onGone', 'onNetwork']);
    expect(await matching({ sceneRating: { max: 50 } })).toEqual(['onChannel']);
    expect(await matching({ sceneOrganized: true })).toEqual(['onIndie', 'onNetwork']);
    expect(await matching({ sceneOrganized: false })).toEqual(['noStudio', 'onChannel', 'onGone']);
  });

  it('the studio facet counts live studios only', async () => {
    const r = await searchMarkers(h.store, { facetLimit: 10 });
    expect([...r.facets.studios].sort((a, b) => a.id - b.id)).toEqual([
      { id: ids.network, name: 'Network', count: 1 },
      { id: ids.channel, name: 'Channel', count: 1 },
      { id: ids.indie, name: 'Indie', count: 1 },
    ]);
  });

  it('suggests live studios by name, most used first', async () => {
    const suggestions = new SuggestionIndex(async () => h.store);
    expect(await suggestions.suggest({ kind: 'studios', prefix: '' })).toEqual([
      { id: ids.channel, name: 'Channel' },
      { id: ids.indie, name: 'Indie' },
      { id: ids.network, name: 'Network' },
    ]);
    expect(await suggestions.suggest({ kind: 'studios', prefix: 'ne' })).toEqual([{ id: ids.network, name: 'Network' }]);
    expect(await suggestions.suggest({ kind: 'studios', prefix: 'gone' })).toEqual([]);
  });
});
