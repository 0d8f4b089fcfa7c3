/**
 * Studios and the scene and performer fields of migration 0009, each changed in the fake Stash
 * between two syncs the way Stash's own mutations change them: afterwards the mirror equals Stash,
 * exactly the rows Stash changed differ from before, and the search over that mirror follows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MIRROR_ENTITIES, stashColumnsOf } from '../src/core/db/mirror-tables';
import { ENTITIES, type EntityName } from '../src/core/mirror-rows';
import type { MarkerQueryInput } from '../src/core/search/query';
import { searchMarkers } from '../src/core/search/search';
import type { FakeScene } from '../tools/fake-stash';
import { describeEachDialect, expectMirrorEqualsLibrary, startHarness, type Dialect, type Harness } from './support/harness';

let h: Harness;
afterEach(async () => h?.close());

type MirrorSnapshot = Record<EntityName, Map<number, string>>;

/** Every row of every entity table, by id: the columns Stash fills and is_stale, the ones a sync may change. */
async function snapshotMirror(): Promise<MirrorSnapshot> {
  const snapshot = {} as MirrorSnapshot;
  for (const entity of ENTITIES) {
    const declaration = MIRROR_ENTITIES[entity];
    const rows = await h.read<{ id: number }>(`SELECT ${[...stashColumnsOf(declaration), 'is_stale'].join(', ')} FROM ${declaration.name}`);
    snapshot[entity] = new Map(rows.map((row) => [row.id, JSON.stringify(row)]));
  }
  return snapshot;
}

/**
 * Syncs after `change` and expects the mirror to equal Stash with exactly `changed` rows differing
 * from before (new rows included), per entity; an entity not named must not change at all.
 */
async function expectSyncChanges(change: () => void, changed: Partial<Record<EntityName, number[]>>): Promise<void> {
  const before = await snapshotMirror();
  change();
  await h.sync();
  await expectMirrorEqualsLibrary(h.store, h.library);
  const after = await snapshotMirror();
  const differing = (entity: EntityName) =>
    [...after[entity]]
      .filter(([id, row]) => before[entity].get(id) !== row)
      .map(([id]) => id)
      .sort((a, b) => a - b);
  const actual = Object.fromEntries(ENTITIES.map((entity) => [entity, differing(entity)]));
  const expected = Object.fromEntries(ENTITIES.map((entity) => [entity, [...(changed[entity] ?? [])].sort((a, b) => a - b)]));
  expect(actual).toEqual(expected);
}

/** Marker ids the search over the mirror finds, every page of them, sorted. */
async function found(input: MarkerQueryInput): Promise<number[]> {
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const result = await searchMarkers(h.store, { perPage: 500, facetLimit: 0, ...input, page });
    ids.push(...result.hits.map((hit) => hit.id));
    if (ids.length >= result.total || result.hits.length === 0) return ids.sort((a, b) => a - b);
  }
}

/** Marker ids of the library's scenes that pass `test`, sorted: what the search should find. */
function markersOfScenes(test: (scene: FakeScene) => boolean): number[] {
  return [...h.library.markers.values()]
    .filter((m) => test(h.library.scenes.get(m.sceneId)!))
    .map((m) => m.id)
    .sort((a, b) => a - b);
}

/** A scene with markers that passes `test`. */
function markedScene(test: (scene: FakeScene) => boolean = () => true): FakeScene {
  const marked = new Set([...h.library.markers.values()].map((m) => m.sceneId));
  const scene = [...h.library.scenes.values()].find((s) => marked.has(s.id) && test(s));
  if (!scene) throw new Error('the generated library has no such scene');
  return scene;
}

async function startSynced(dialect: Dialect): Promise<void> {
  h = await startHarness({ dialect });
  await h.sync();
  // Later edits land in a later second than anything the first sync saw.
  h.library.clock.advance(60);
}

describeEachDialect('traps for studios and the scene and performer fields', (dialect) => {
  describe('studios', () => {
    // Real Stash: studioCreate, studioUpdate (a rename or a new parent) bump only that studio;
    // neither its scenes nor its old or new parent get a new updated_at.
    it('a created studio is mirrored, and nothing else changes', async () => {
      await startSynced(dialect);
      const parent = [...h.library.studios.values()][0]!;
      const created = h.library.peekNextId('studio');
      await expectSyncChanges(() => h.library.createStudio({ name: 'Freshly Founded', parentId: parent.id }), { studios: [created] });
      expect(await h.read('SELECT name, parent_id FROM stash_studios WHERE id = ?', [created])).toEqual([
        { name: 'Freshly Founded', parent_id: parent.id },
      ]);
    });

    it('a renamed studio changes only its own row, and the hits of its scenes show the new name', async () => {
      await startSynced(dialect);
      const scene = markedScene((s) => s.studioId !== null);
      const studio = scene.studioId!;
      await expectSyncChanges(() => h.library.updateStudio(studio, { name: 'Renamed Pictures' }), { studios: [studio] });
      const marker = [...h.library.markers.values()].find((m) => m.sceneId === scene.id)!;
      const hits = (await searchMarkers(h.store, { studios: { any: [{ id: studio, withChildren: false }] }, perPage: 500, facetLimit: 0 })).hits;
      const hit = hits.find((x) => x.id === marker.id);
      expect(hit?.scene.studio).toEqual({ id: studio, name: 'Renamed Pictures' });
    });

    it("a reparented studio changes only its own row, and the 'with child studios' filter follows the new parent", async () => {
      await startSynced(dialect);
      const oldParent = h.library.createStudio({ name: 'Old Network' }).id;
      const newParent = h.library.createStudio({ name: 'New Network' }).id;
      const child = h.library.createStudio({ name: 'Moving Channel', parentId: oldParent }).id;
      const scenes = [markedScene((s) => s.studioId !== null), markedScene((s) => s.studioId === null)];
      for (const s of scenes) h.library.updateScene(s.id, { studioId: child });
      await h.sync();
      const childMarkers = markersOfScenes((s) => s.studioId === child);
      expect(childMarkers.length).toBeGreaterThan(1);
      const under = (id: number) => found({ studios: { any: [{ id, withChildren: true }] } });
      expect(await under(oldParent)).toEqual(childMarkers);
      expect(await under(newParent)).toEqual([]);

      h.library.clock.advance(60);
      await expectSyncChanges(() => h.library.updateStudio(child, { parentId: newParent }), { studios: [child] });
      expect(await under(oldParent)).toEqual([]);
      expect(await under(newParent)).toEqual(childMarkers);
      // Without children the parent itself has no scenes.
      expect(await found({ studios: { any: [{ id: newParent, withChildren: false }] } })).toEqual([]);
    });
  });

  describe('scenes', () => {
    // Real Stash: sceneUpdate bumps the scene (even with no real change), bulkSceneUpdate stamps
    // every scene it touches with one timestamp taken before its work.
    it("a scene's studio changed, then set to none, changes only that scene and the studio filter follows", async () => {
      await startSynced(dialect);
      const scene = markedScene((s) => s.studioId !== null);
      const from = scene.studioId!;
      const to = [...h.library.studios.keys()].find((id) => id !== from)!;
      const byStudio = (id: number) => found({ studios: { any: [{ id, withChildren: false }] } });
      const sceneMarkers = markersOfScenes((s) => s.id === scene.id);
      expect(await byStudio(from)).toEqual(expect.arrayContaining(sceneMarkers));

      await expectSyncChanges(() => h.library.updateScene(scene.id, { studioId: to }), { scenes: [scene.id] });
      expect(await h.value('SELECT studio_id FROM stash_scenes WHERE id = ?', [scene.id])).toBe(to);
      expect(await byStudio(to)).toEqual(markersOfScenes((s) => s.studioId === to));
      expect(await byStudio(to)).toEqual(expect.arrayContaining(sceneMarkers));
      expect(await byStudio(from)).toEqual(markersOfScenes((s) => s.studioId === from));

      h.library.clock.advance(60);
      await expectSyncChanges(() => h.library.updateScene(scene.id, { studioId: null }), { scenes: [scene.id] });
      expect(await h.value('SELECT studio_id FROM stash_scenes WHERE id = ?', [scene.id])).toBeNull();
      expect(await byStudio(to)).toEqual(markersOfScenes((s) => s.studioId === to));
      const studioless = await found({ studios: { none: [...h.library.studios.keys()].map((id) => ({ id, withChildren: false })) } });
      expect(studioless).toEqual(expect.arrayContaining(sceneMarkers));
    });

    it("a scene's rating changed, then cleared, changes only that scene and the rating filter follows", async () => {
      await startSynced(dialect);
      const scene = markedScene((s) => s.rating100 !== null && s.rating100 < 100);
      const sceneMarkers = markersOfScenes((s) => s.id === scene.id);
      const topRated = () => found({ sceneRating: { min: 100 } });
      expect(await topRated()).toEqual(expect.not.arrayContaining(sceneMarkers));

      await expectSyncChanges(() => h.library.updateScene(scene.id, { rating100: 100 }), { scenes: [scene.id] });
      expect(await h.value('SELECT rating100 FROM stash_scenes WHERE id = ?', [scene.id])).toBe(100);
      expect(await topRated()).toEqual(markersOfScenes((s) => s.rating100 === 100));

      h.library.clock.advance(60);
      await expectSyncChanges(() => h.library.updateScene(scene.id, { rating100: null }), { scenes: [scene.id] });
      expect(await h.value('SELECT rating100 FROM stash_scenes WHERE id = ?', [scene.id])).toBeNull();
      // Unrated matches no bound, not even the lowest.
      expect(await found({ sceneRating: { min: 0 } })).toEqual(markersOfScenes((s) => s.rating100 !== null));
    });

    it('organized toggled on one scene, then on many by a bulk edit, changes exactly those scenes', async () => {
      await startSynced(dialect);
      const scene = markedScene((s) => !s.organized);
      await expectSyncChanges(() => h.library.updateScene(scene.id, { organized: true }), { scenes: [scene.id] });
      expect(await found({ sceneOrganized: true })).toEqual(markersOfScenes((s) => s.organized));
      expect(await found({ sceneOrganized: true })).toEqual(expect.arrayContaining(markersOfScenes((s) => s.id === scene.id)));

      h.library.clock.advance(60);
      const organized = [...h.library.scenes.values()].filter((s) => s.organized).map((s) => s.id);
      expect(organized.length).toBeGreaterThan(20);
      await expectSyncChanges(() => h.library.bulkUpdateScenes(organized, { organized: false }), { scenes: organized });
      expect(await found({ sceneOrganized: true })).toEqual([]);
      expect(await found({ sceneOrganized: false })).toEqual(markersOfScenes(() => true));
    });
  });

  describe('performers', () => {
    // Real Stash: performerUpdate (the favourite heart too) bumps the performer, not its scenes.
    it("a performer's favourite toggled changes only that performer, and 'favourite performers only' follows", async () => {
      await startSynced(dialect);
      const favourites = () => found({ favoritePerformersOnly: true });
      const expected = () => markersOfScenes((s) => s.performerIds.some((p) => h.library.performers.get(p)!.favorite));
      // A performer whose scenes have markers no favourite performer shares.
      const performer = [...h.library.performers.values()].find(
        (p) => !p.favorite && markersOfScenes((s) => s.performerIds.includes(p.id)).some((m) => !expected().includes(m)),
      )!;
      expect(await favourites()).toEqual(expected());
      const before = expected();

      await expectSyncChanges(() => h.library.updatePerformer(performer.id, { favorite: true }), { performers: [performer.id] });
      expect(Boolean(await h.value('SELECT favorite FROM stash_performers WHERE id = ?', [performer.id]))).toBe(true);
      expect(expected()).not.toEqual(before);
      expect(await favourites()).toEqual(expected());

      h.library.clock.advance(60);
      await expectSyncChanges(() => h.library.updatePerformer(performer.id, { favorite: false }), { performers: [performer.id] });
      expect(await favourites()).toEqual(before);
    });
  });
});
