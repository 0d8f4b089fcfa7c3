import { afterEach, describe, expect, it } from 'vitest';
import { syncStash, type SyncProgress } from '../src/core/sync/engine';
import { createClock, FakeLibrary, MAX_MARKERS_PER_QUERY } from '../tools/fake-stash';
import { describeEachDialect, expectMirrorEqualsLibrary, staleIds, startHarness, type Harness } from './support/harness';

let h: Harness;
afterEach(async () => h?.close());

describeEachDialect('exactness', (dialect) => {
  describe('a sync makes the mirror equal to Stash', () => {
    it('mirrors a whole library on the first sync, with every field and relation', async () => {
      h = await startHarness({ dialect });
      const progress: SyncProgress[] = [];
      const summary = await h.sync({ onProgress: (p) => progress.push(p) });
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(summary.entities.map((e) => e.entity)).toEqual(['performers', 'tags', 'studios', 'scenes', 'markers']);
      const markers = summary.entities.find((e) => e.entity === 'markers')!;
      expect(markers.fetched).toBe(h.library.markers.size);
      expect(markers.upserted).toBe(h.library.markers.size);
      expect(markers.deletionsChecked).toBe(true);
      // Progress arrives per page: 600 markers in pages of 37 is at least 17 events, counting up to
      // the whole library, never past the total announced.
      const markerPages = progress.filter((p) => p.entity === 'markers' && p.phase === 'changes');
      expect(markerPages.length).toBeGreaterThanOrEqual(17);
      expect(markerPages.every((p, i) => p.done <= p.total && (i === 0 || p.done > markerPages[i - 1]!.done))).toBe(true);
      expect(markerPages.at(-1)).toMatchObject({ done: h.library.markers.size, total: h.library.markers.size });
      const runs = await h.store.listRuns();
      expect(runs.map((r) => `${r.entity}:${r.status}`).sort()).toEqual([
        'markers:succeeded',
        'performers:succeeded',
        'scenes:succeeded',
        'studios:succeeded',
        'tags:succeeded',
      ]);
    });

    it('pages a library with more markers than one Stash query can bind, at its own page sizes', async () => {
      // Stash fails a page of more than MAX_MARKERS_PER_QUERY markers whole, and so does the fake.
      const size = { performers: 5, tags: 8, scenes: 40, markers: MAX_MARKERS_PER_QUERY + 500 };
      h = await startHarness({ dialect, size });
      const first = await syncStash({ client: h.client, store: h.store });
      expect(first.entities.find((e) => e.entity === 'markers')?.fetched).toBe(size.markers);
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('optimizes the search index and planner statistics after a large sync, not after a small one', async () => {
      h = await startHarness({ dialect });
      const analyzed = async () =>
        Number(
          await h.value(
            dialect === 'sqlite'
              ? `SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`
              : `SELECT count(*) FROM pg_stat_user_tables WHERE relname LIKE 'stash_%' AND last_analyze IS NOT NULL`,
          ),
        );
      // The small test library stays below the default threshold.
      expect((await h.sync()).searchOptimized).toBe(false);
      expect(await analyzed()).toBe(0);
      h.library.clock.advance(3600);
      expect((await h.sync({ optimizeSearchAfterRows: 1 })).searchOptimized).toBe(true);
      expect(await analyzed()).toBeGreaterThan(0);
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('keeps file sizes beyond 2^31, partial dates, null titles and scenes without files', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const scenes = [...h.library.scenes.values()];
      expect(scenes.some((s) => (s.files[0]?.size ?? 0) > 2 ** 31)).toBe(true);
      expect(scenes.some((s) => s.files.length === 0)).toBe(true);
      expect(scenes.some((s) => s.title === null)).toBe(true);
      expect(scenes.some((s) => s.date?.length === 4)).toBe(true);
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('drops NUL characters from text, which PostgreSQL cannot store, the same way on both databases', async () => {
      h = await startHarness({ dialect });
      const scene = [...h.library.scenes.values()][0]!;
      const marker = [...h.library.markers.values()][0]!;
      const performer = [...h.library.performers.values()][0]!;
      h.library.updateScene(scene.id, { details: 'Shot at dusk\u0000, in one take\u0000' });
      h.library.updateMarker(marker.id, { title: '\u0000Opening' });
      h.library.updatePerformer(performer.id, { name: 'Mi\u0000\u0000ra' });
      await h.sync();
      expect(await h.value('SELECT details FROM stash_scenes WHERE id = ?', [scene.id])).toBe('Shot at dusk, in one take');
      expect(await h.value('SELECT title FROM stash_scene_markers WHERE id = ?', [marker.id])).toBe('Opening');
      expect(await h.value('SELECT name FROM stash_performers WHERE id = ?', [performer.id])).toBe('Mira');
    });

    it('a no-change incremental sync writes little and lists every entity once', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      h.library.clock.advance(6 * 3600);
      const before = h.fake.requests.length;
      const summary = await h.sync({ pageSize: 500, listingPageSize: 1000 });
      await expectMirrorEqualsLibrary(h.store, h.library);
      for (const e of summary.entities) {
        expect(e.staleMarked).toBe(0);
        expect(e.deletionsChecked).toBe(true);
      }
      // Identity; per entity one change page, the signature before its listing and one listing page
      // (whose rows close it); scenes' files query.
      expect(h.fake.requests.length - before).toBe(1 + 5 * 3 + 1);
    });

    it('marks rows deleted in Stash stale and keeps them', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const performerId = [...h.library.performers.keys()][3]!;
      const sceneId = [...h.library.scenes.keys()][5]!;
      const markersOfScene = [...h.library.markers.values()].filter((m) => m.sceneId === sceneId).map((m) => m.id);
      h.library.deletePerformer(performerId);
      h.library.deleteScene(sceneId);
      const summary = await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(await staleIds(h.store, 'stash_performers')).toEqual([performerId]);
      expect(await staleIds(h.store, 'stash_scenes')).toEqual([sceneId]);
      expect(await staleIds(h.store, 'stash_scene_markers')).toEqual(markersOfScene.sort((a, b) => a - b));
      expect(summary.entities.find((e) => e.entity === 'scenes')!.staleMarked).toBe(1);
    });

    it('a full sync refreshes everything and is safe to repeat', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const first = await h.sync({ full: true });
      const second = await h.sync({ full: true });
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(second.entities.map((e) => e.fetched)).toEqual(first.entities.map((e) => e.fetched));
    });

    it('syncs only the entities asked for', async () => {
      h = await startHarness({ dialect });
      const summary = await h.sync({ entities: ['tags'] });
      expect(summary.entities.map((e) => e.entity)).toEqual(['tags']);
      expect(await h.store.countLive('tags')).toBe(h.library.tags.size);
      expect(await h.store.countLive('scenes')).toBe(0);
    });

    it('keeps relations whatever order rows arrive in: markers before their scenes and tags', async () => {
      h = await startHarness({ dialect });
      await h.sync({ entities: ['markers'] });
      await h.sync({ entities: ['scenes'] });
      await h.sync({ entities: ['tags', 'performers', 'studios'] });
      await expectMirrorEqualsLibrary(h.store, h.library);
    });
  });

  describe('the mass-deletion guard', () => {
    it('refuses to mark more than 90% of an entity stale unless the sync is full', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const ids = [...h.library.performers.keys()];
      for (const id of ids.slice(0, Math.ceil(ids.length * 0.95))) h.library.deletePerformer(id);
      await expect(h.sync({ entities: ['performers'] })).rejects.toThrow(/Refusing to mark \d+ of 60 performers stale/);
      expect(await staleIds(h.store, 'stash_performers')).toEqual([]);
      const runs = await h.store.listRuns(1);
      expect(runs[0]).toMatchObject({ entity: 'performers', status: 'failed' });
      expect(runs[0]!.error).toMatch(/--full/);
      await h.sync({ entities: ['performers'], full: true });
      expect(await h.store.countLive('performers')).toBe(h.library.performers.size);
    });
  });

  describe('a library built by hand', () => {
    it('mirrors an empty library', async () => {
      const library = new FakeLibrary(createClock());
      h = await startHarness({ dialect, library });
      const summary = await h.sync();
      expect(summary.entities.every((e) => e.fetched === 0)).toBe(true);
      await expectMirrorEqualsLibrary(h.store, library);
    });
  });
});

describe('a first sync into an empty SQLite mirror', () => {
  it('builds the secondary indexes once at the end, leaving the schema as migrated', async () => {
    const h = await startHarness({ dialect: 'sqlite' });
    try {
      const schema = () =>
        h.read<{ name: string; sql: string }>(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`);
      const migrated = await schema();
      let fewestDuring = Infinity;
      await h.sync({
        onProgress: () => void schema().then((rows) => (fewestDuring = Math.min(fewestDuring, rows.length))),
      });
      expect(fewestDuring).toBeLessThan(migrated.length);
      expect(await schema()).toEqual(migrated);
      await expectMirrorEqualsLibrary(h.store, h.library);
      // The next sync finds rows and leaves the indexes alone.
      fewestDuring = Infinity;
      await h.sync({ onProgress: () => void schema().then((rows) => (fewestDuring = Math.min(fewestDuring, rows.length))) });
      expect(fewestDuring).toBe(migrated.length);
    } finally {
      await h.close();
    }
  });
});
