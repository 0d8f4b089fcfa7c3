/**
 * Each trap in Stash's API that defeats a naive mirror client (API-FACTS), reproduced by the fake
 * Stash, and the mirror still exact afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { searchMarkers } from '../src/core/search/search';
import { syncStash } from '../src/core/sync/engine';
import { createClock, generateLibrary } from '../tools/fake-stash';
import { describeEachDialect, expectMirrorEqualsLibrary, expectRescanSynced, staleIds, startHarness, type Harness } from './support/harness';
import { forgetNewestMigration, undo0009, undo0010 } from './support/mirror-rollback';

let h: Harness;
afterEach(async () => h?.close());

const isChangeQuery = (variables: Record<string, unknown>) => JSON.stringify(variables).includes('"sort":"updated_at"');

/** Forty scenes' files rescanned an hour apart: the files watermark ends far above the early ones. */
function rescanFortyHourly(): number[] {
  const rescanned = [...h.library.scenes.values()]
    .filter((s) => s.files.length > 0)
    .slice(0, 40)
    .map((s) => s.id);
  for (const [i, id] of rescanned.entries()) {
    h.library.clock.advance(3600);
    h.library.rescanFile(id, { size: 2 ** 33 + i, duration: 100 + i });
  }
  return rescanned;
}

describeEachDialect('Stash API traps', (dialect) => {
  describe('timestamps and ties', () => {
    it('picks up many rows created within one second across page boundaries, in shuffled tie order', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      // The clock is frozen: every new row ties on one second, and ties come back in random order.
      for (let i = 0; i < 90; i++) h.library.createPerformer({ name: `Tie ${i}` });
      await h.sync({ pageSize: 7 });
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('follows a daylight-saving fall-back, when later writes sort before earlier ones as strings', async () => {
      const clock = createClock({ start: '2025-10-26T00:30:00Z', offset: '+02:00' });
      h = await startHarness({
        dialect,
        library: generateLibrary({ seed: 11, size: { performers: 30, tags: 20, scenes: 60, markers: 120 }, clock }),
      });
      h.library.clock.advance(25 * 60);
      h.library.updatePerformer([...h.library.performers.keys()][0]!, { name: 'Before the fall-back' });
      await h.sync();
      // 03:00 +02:00 becomes 02:00 +01:00: the next stamps are string-smaller than the watermark.
      h.library.clock.setOffset('+01:00');
      h.library.clock.advance(60);
      const later = h.library.updatePerformer([...h.library.performers.keys()][1]!, { name: 'After the fall-back' });
      const maxBefore = h.library.performers.get([...h.library.performers.keys()][0]!)!.updated_at;
      expect(later.updated_at < maxBefore).toBe(true);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('catches an update stamped far below the watermark (a server clock set back)', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      h.library.clock.advance(-3 * 24 * 3600);
      h.library.updateScene([...h.library.scenes.keys()][2]!, { title: 'Edited under an old clock' });
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('catches a bulk edit stamped with a time taken before rows already read', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      h.library.clock.advance(3600);
      const bulkStartedAt = h.library.clock.now();
      const sceneIds = [...h.library.scenes.keys()];
      // Twenty single edits, a second apart, all after the bulk edit's transaction began.
      for (const id of sceneIds.slice(100, 120)) {
        h.library.clock.advance(1);
        h.library.updateScene(id, { title: `single edit ${id}` });
      }
      const bulkIds = sceneIds.slice(0, 80);
      let changePages = 0;
      h.fake.beforeExecute = ({ variables }) => {
        // Once the change query has read two pages of single edits, the bulk edit commits with its
        // older shared stamp: its rows sort before everything the query already passed.
        if (isChangeQuery(variables) && JSON.stringify(variables).includes('scene_filter') && ++changePages === 3) {
          h.library.bulkUpdateScenes(bulkIds, { details: 'bulk edited' }, bulkStartedAt);
        }
      };
      await h.sync({ pageSize: 5 });
      h.fake.beforeExecute = null;
      expect(changePages).toBeGreaterThanOrEqual(3);
      expect(h.library.scenes.get(bulkIds[0]!)!.updated_at).toBe(bulkStartedAt);
      await expectMirrorEqualsLibrary(h.store, h.library);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('catches a second edit in the same second as the edit the last sync fetched', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      h.library.clock.advance(3600);
      const id = [...h.library.performers.keys()][3]!;
      const first = h.library.updatePerformer(id, { name: 'First edit' }).updated_at;
      await h.sync();
      // The clock has not moved: the second edit keeps the stamp the mirror already holds, so the
      // listing sees nothing to fetch and only the change query's overlap can find it.
      const second = h.library.updatePerformer(id, { name: 'Second edit, same second' }).updated_at;
      expect(second).toBe(first);
      await h.sync();
      expect(await h.value('SELECT name FROM stash_performers WHERE id = ?', [id])).toBe('Second edit, same second');
      await expectMirrorEqualsLibrary(h.store, h.library);
    });
  });

  describe('offset paging over live data', () => {
    it('loses nothing when rows are deleted and edited between pages, and the next quiet sync converges', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      h.library.clock.advance(3600);
      const sceneIds = [...h.library.scenes.keys()];
      for (const id of sceneIds.slice(0, 60)) h.library.updateScene(id, { details: `edit ${id}` });
      let page = 0;
      h.fake.beforeExecute = ({ variables }) => {
        if (!isChangeQuery(variables) || !JSON.stringify(variables).includes('scene_filter')) return;
        page++;
        if (page === 2) {
          // Moves rows the query already passed to the end, and shifts every later row left.
          h.library.deleteScene(sceneIds[100]!);
          h.library.updateScene(sceneIds[1]!, { title: 'moved to the end' });
          h.library.clock.advance(1);
          h.library.updateScene(sceneIds[2]!, { title: 'moved too' });
        }
      };
      await h.sync({ pageSize: 10 });
      h.fake.beforeExecute = null;
      // Everything Stash held before the sync and still holds, unchanged since, is already exact.
      const mirrored = await h.read<{ id: number; stash_updated_at: string }>('SELECT id, stash_updated_at FROM stash_scenes WHERE NOT is_stale');
      const mirroredIds = new Set(mirrored.map((r) => r.id));
      for (const scene of h.library.scenes.values()) expect(mirroredIds.has(scene.id)).toBe(true);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('never marks rows stale from a listing that changed under it, and marks them on the next sync', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const ids = [...h.library.performers.keys()];
      let listingPages = 0;
      h.fake.beforeExecute = ({ operationName }) => {
        if (operationName === 'PerformerListing' && ++listingPages === 2) {
          // Shifts the rest of the listing: some live row is skipped by offset paging.
          h.library.deletePerformer(ids[0]!);
          h.library.deletePerformer(ids[1]!);
        }
      };
      const warnings: string[] = [];
      const first = await h.sync({ entities: ['performers'], listingPageSize: 10, onWarning: (w) => warnings.push(w) });
      h.fake.beforeExecute = null;
      const performers = first.entities[0]!;
      // The listing was retried and, once quiet, trusted: only the two deleted rows went stale.
      expect(await staleIds(h.store, 'stash_performers')).toEqual(performers.deletionsChecked ? [ids[0]!, ids[1]!].sort((a, b) => a - b) : []);
      await h.sync({ entities: ['performers'] });
      expect(await staleIds(h.store, 'stash_performers')).toEqual([ids[0]!, ids[1]!].sort((a, b) => a - b));
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('leaves deletions for the next sync when Stash keeps changing during every listing attempt', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      let n = 0;
      h.fake.beforeExecute = ({ operationName, variables }) => {
        const isListingPage = operationName === 'PerformerListing' && JSON.stringify(variables).includes('"page":2');
        if (isListingPage) h.library.createPerformer({ name: `Growing ${n++}` });
      };
      const ids = [...h.library.performers.keys()];
      h.library.deletePerformer(ids[5]!);
      const warnings: string[] = [];
      const summary = await h.sync({ entities: ['performers'], listingPageSize: 10, onWarning: (w) => warnings.push(w) });
      h.fake.beforeExecute = null;
      expect(summary.entities[0]!.deletionsChecked).toBe(false);
      expect(warnings.join('\n')).toMatch(/deletions are left for the next sync/);
      expect(await staleIds(h.store, 'stash_performers')).toEqual([]);
      await h.sync({ entities: ['performers'] });
      expect(await staleIds(h.store, 'stash_performers')).toEqual([ids[5]!]);
      await expectMirrorEqualsLibrary(h.store, h.library);
    });
  });

  describe('re-fetching rows by id', () => {
    it('skips a row deleted just before its re-fetch by id, keeps the rest of the batch, and marks it stale next sync', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      // Deleting a performer does not bump its scenes: the sync re-fetches them by id.
      const scenesOf = (performer: number) => [...h.library.scenes.values()].filter((s) => s.performerIds.includes(performer)).map((s) => s.id);
      const performer = [...h.library.performers.keys()].reduce((a, b) => (scenesOf(b).length > scenesOf(a).length ? b : a));
      const dependents = scenesOf(performer);
      // Its batch holds other scenes: the failing query must be split around it.
      expect(dependents.length).toBeGreaterThanOrEqual(3);
      const doomed = dependents[1]!;
      h.library.deletePerformer(performer);
      let byId = 0;
      h.fake.beforeExecute = ({ operationName, variables }) => {
        // The listing has just seen it; one missing id now fails Stash's whole `ids` query.
        if (operationName === 'SceneRows' && Array.isArray(variables.ids) && ++byId === 1) h.library.deleteScene(doomed);
      };
      await h.sync();
      h.fake.beforeExecute = null;
      expect(byId).toBeGreaterThan(2);
      // Every other scene of the batch was re-fetched without the deleted performer.
      const stillWithPerformer = await h.read<{ scene_id: number }>('SELECT scene_id FROM stash_scene_performers WHERE performer_id = ?', [
        performer,
      ]);
      expect(stillWithPerformer.map((r) => r.scene_id)).toEqual([doomed]);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(await staleIds(h.store, 'stash_scenes')).toEqual([doomed]);
    });
  });

  describe('changes that do not bump updated_at', () => {
    it('a tag merge re-points scene tags, marker tags and primary tags without a bump, and the next sync follows it', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const markerWithPrimary = [...h.library.markers.values()][0]!;
      const source = markerWithPrimary.primaryTagId;
      const destination = [...h.library.tags.keys()].find((id) => id !== source)!;
      const sceneUsingSource = [...h.library.scenes.values()].find((s) => s.tagIds.includes(source));
      const stamps = new Map([...h.library.scenes.values()].map((s) => [s.id, s.updated_at]));
      h.library.mergeTags([source], destination);
      expect(h.library.markers.get(markerWithPrimary.id)!.primaryTagId).toBe(destination);
      if (sceneUsingSource) expect(h.library.scenes.get(sceneUsingSource.id)!.updated_at).toBe(stamps.get(sceneUsingSource.id));
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(await staleIds(h.store, 'stash_tags')).toEqual([source]);
    });

    it('a performer merge (Stash v0.31) re-points scene performers without a bump, and the next sync follows it', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const scene = [...h.library.scenes.values()].find((s) => s.performerIds.length > 0)!;
      const source = scene.performerIds[0]!;
      const destination = [...h.library.performers.keys()].find((id) => !scene.performerIds.includes(id))!;
      const stamp = scene.updated_at;
      h.library.mergePerformers([source], destination);
      expect(h.library.scenes.get(scene.id)!).toMatchObject({ updated_at: stamp, performerIds: expect.arrayContaining([destination]) });
      // The mirror differs until a sync follows the merge.
      await expect(expectMirrorEqualsLibrary(h.store, h.library)).rejects.toThrow();
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(await staleIds(h.store, 'stash_performers')).toEqual([source]);
      const markers = [...h.library.markers.values()].filter((m) => m.sceneId === scene.id).map((m) => m.id);
      const found = await searchMarkers(h.store, { performers: { any: [destination] }, perPage: 500, facetLimit: 0 });
      expect(found.hits.map((hit) => hit.id)).toEqual(expect.arrayContaining(markers));
    });

    it('a deleted performer drops out of its scenes', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const scene = [...h.library.scenes.values()].find((s) => s.performerIds.length > 0)!;
      h.library.deletePerformer(scene.performerIds[0]!);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('a deleted tag drops out of scenes, markers and the hierarchy', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const primaryTags = new Set([...h.library.markers.values()].map((m) => m.primaryTagId));
      // A parent that no marker uses as its primary tag (Stash refuses to delete those).
      const parent = [...h.library.tags.values()].flatMap((t) => t.parentIds).find((id) => !primaryTags.has(id))!;
      expect(parent).toBeDefined();
      h.library.deleteTag(parent);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('a destroyed studio leaves its scenes without a studio and its children without a parent', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const parent = [...h.library.studios.values()].find(
        (s) => s.parentId === null && [...h.library.scenes.values()].some((c) => c.studioId === s.id),
      )!;
      h.library.updateStudio(h.library.createStudio({ name: 'Child of the destroyed' }).id, { parentId: parent.id });
      await h.sync();
      h.library.deleteStudio(parent.id);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('markers moved by a scene merge follow their new scene', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const source = [...h.library.markers.values()][0]!.sceneId;
      const destination = [...h.library.scenes.keys()].find((id) => id !== source)!;
      const moved = [...h.library.markers.values()].filter((m) => m.sceneId === source).map((m) => m.id);
      h.library.mergeScenes([source], destination);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      for (const id of moved) {
        expect(await h.value('SELECT scene_id FROM stash_scene_markers WHERE id = ?', [id])).toBe(destination);
      }
    });

    it('a rescanned file changes the scene size and duration without a scene bump', async () => {
      h = await startHarness({ dialect });
      await expectRescanSynced(h, 2 ** 33 + 5, 4321.25);
    });

    it("a renamed file changes the scene's basename and its words without a scene bump", async () => {
      h = await startHarness({ dialect });
      await h.sync();
      h.library.clock.advance(24 * 3600);
      const marked = new Set([...h.library.markers.values()].map((m) => m.sceneId));
      const scene = [...h.library.scenes.values()].find((s) => s.files.length > 0 && marked.has(s.id))!;
      const stamp = scene.updated_at;
      h.library.rescanFile(scene.id, { basename: 'Renamed quokkaburrow 2024.mkv' });
      expect(h.library.scenes.get(scene.id)!.updated_at).toBe(stamp);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(await h.value('SELECT basename FROM stash_scenes WHERE id = ?', [scene.id])).toBe('Renamed quokkaburrow 2024.mkv');
      const markers = [...h.library.markers.values()].filter((m) => m.sceneId === scene.id).map((m) => m.id);
      const found = await searchMarkers(h.store, { text: 'quokkaburrow', perPage: 500 });
      expect(markers.length).toBeGreaterThan(0);
      expect(found.hits.map((hit) => hit.id).sort((a, b) => a - b)).toEqual(markers.sort((a, b) => a - b));
    });

    it('a mirror synced before the basename column has it filled by its next incremental sync', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      // A basename no earlier sync could have mirrored, with no bump: only the refetch brings it.
      const marked = new Set([...h.library.markers.values()].map((m) => m.sceneId));
      const scene = [...h.library.scenes.values()].find((s) => s.files.length > 0 && marked.has(s.id))!;
      scene.files[0]!.basename = 'Upgraded wombatcove.mkv';
      const named = {
        word: 'wombatcove',
        markers: [...h.library.markers.values()]
          .filter((m) => m.sceneId === scene.id)
          .map((m) => m.id)
          .sort((a, b) => a - b),
      };
      // As a mirror the version before migration 0008 wrote: the column and its ledger row gone.
      await forgetNewestMigration(h.database, undo0010());
      await forgetNewestMigration(h.database, undo0009(dialect));
      await forgetNewestMigration(h.database, 'ALTER TABLE stash_scenes DROP COLUMN basename');
      const store = await h.database.open();
      try {
        expect(await store.readForTests('SELECT id FROM stash_scenes WHERE basename IS NOT NULL')).toEqual([]);
        const summary = await syncStash({ client: h.client, store, pageSize: 37, listingPageSize: 53 });
        expect(summary.mode).toBe('incremental');
        await expectMirrorEqualsLibrary(store, h.library);
        // The refetched scenes' basenames reach the search's words too.
        const found = await searchMarkers(store, { text: named.word, perPage: 500 });
        expect(found.hits.map((hit) => hit.id).sort((a, b) => a - b)).toEqual(named.markers);
      } finally {
        await store.close();
      }
    });

    it('a rescan is not lost when a rescanned scene is deleted while the rescans are listed', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const rescanned = rescanFortyHourly();
      let deleted = false;
      h.fake.beforeExecute = ({ variables }) => {
        // Before the second page of the files query, a rescanned scene it already passed is
        // deleted: offset paging then skips the scene that moves into its place.
        const text = JSON.stringify(variables);
        if (!deleted && text.includes('files_filter') && text.includes('"page":2')) {
          deleted = true;
          h.library.deleteScene(rescanned[0]!);
        }
      };
      await h.sync({ pageSize: 10, listingPageSize: 10 });
      h.fake.beforeExecute = null;
      expect(deleted).toBe(true);
      await expectMirrorEqualsLibrary(h.store, h.library);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('keeps the files watermark when the rescans keep changing while they are listed, and converges next sync', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const rescanned = rescanFortyHourly();
      const filesWatermark = () => h.value('SELECT files_watermark FROM stash_sync_state WHERE entity = ?', ['scenes']);
      const before = await filesWatermark();
      let deleted = 0;
      h.fake.beforeExecute = ({ variables }) => {
        // Every listing of the rescans sees one scene fewer than the last.
        const text = JSON.stringify(variables);
        if (text.includes('files_filter') && text.includes('"page":2')) h.library.deleteScene(rescanned[deleted++]!);
      };
      const warnings: string[] = [];
      await h.sync({ entities: ['scenes'], pageSize: 10, listingPageSize: 10, onWarning: (w) => warnings.push(w) });
      h.fake.beforeExecute = null;
      expect(warnings.join('\n')).toMatch(/rescanned files are checked again on the next sync/);
      expect(await filesWatermark()).toBe(before);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(await filesWatermark()).not.toBe(before);
    });

    it('a full sync over an existing mirror fetches every scene a shifting page skipped, rescans included', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      h.library.clock.advance(3600);
      const withFiles = [...h.library.scenes.values()].filter((s) => s.files.length > 0).map((s) => s.id);
      for (const [i, id] of withFiles.entries()) h.library.rescanFile(id, { size: 2 ** 34 + i });
      let scenePages = 0;
      h.fake.beforeExecute = ({ operationName }) => {
        // The full pass reads scenes by id; a deletion behind it skips one scene whose stamp is unchanged.
        if (operationName === 'SceneRows' && ++scenePages === 3) h.library.deleteScene(withFiles[0]!);
      };
      await h.sync({ full: true, pageSize: 10 });
      h.fake.beforeExecute = null;
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it("editing a tag's parents bumps only that tag, and both ends of the edge are right", async () => {
      h = await startHarness({ dialect });
      await h.sync();
      // A tag without children cannot become its own ancestor.
      const hasChildren = new Set([...h.library.tags.values()].flatMap((t) => t.parentIds));
      const a = [...h.library.tags.keys()].find((id) => !hasChildren.has(id))!;
      const [b, c] = [...h.library.tags.keys()].filter((id) => id !== a);
      h.library.setTagParents(a, [b!, c!]);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      h.library.setTagParents(a, []);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('new, edited and deleted markers do not bump their scene but are mirrored', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      h.library.clock.advance(3600);
      const scene = [...h.library.scenes.values()][0]!;
      const tag = [...h.library.tags.keys()][0]!;
      h.library.createMarker({ sceneId: scene.id, primaryTagId: tag, title: 'new', seconds: 12.5, end_seconds: null, tagIds: [] });
      const existing = [...h.library.markers.values()][1]!;
      h.library.updateMarker(existing.id, { title: 'edited', end_seconds: existing.seconds + 30.25 });
      const deleted = [...h.library.markers.values()][2]!.id;
      h.library.deleteMarker(deleted);
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(await staleIds(h.store, 'stash_scene_markers')).toEqual([deleted]);
    });
  });
});
