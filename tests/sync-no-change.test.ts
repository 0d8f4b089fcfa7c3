/**
 * A sync with nothing changed costs what a no-change sync costs, also over scenes without files:
 * Stash v0.30.1 answers a files_filter with every fileless scene (the fake Stash does the same),
 * so a files query that does not exclude them refetches and rewrites all of them on every sync.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { changeQueryFloor, serverClockStamp } from '../src/core/sync/watermark';
import { generateLibrary, type FakeScene } from '../tools/fake-stash';
import {
  describeEachDialect,
  expectMirrorEqualsLibrary,
  SMALL_LIBRARY,
  expectRescanSynced,
  staleIds,
  startHarness,
  type Harness,
} from './support/harness';

let h: Harness;
afterEach(async () => h?.close());

/** Half the scenes without a file, as in a library filled by hand or by scrapers. */
const startFilelessHarness = (dialect: 'sqlite' | 'postgres') =>
  startHarness({ dialect, library: generateLibrary({ seed: 7, size: SMALL_LIBRARY, filelessShare: 0.5 }) });

/**
 * The scenes an incremental sync of a quiet Stash fetches again on purpose: those inside the
 * change query's overlap below the scenes' watermark, or with a file inside the overlap below the
 * files watermark (docs/sync.md, steps 1 and 2).
 */
async function scenesInOverlap(scenes: readonly FakeScene[]): Promise<FakeScene[]> {
  const state = await h.store.readSyncState('scenes');
  const changeFloor = changeQueryFloor(state.watermark!)!;
  const filesFloor = changeQueryFloor(state.filesWatermark!)!;
  return scenes.filter((s) => s.updated_at > changeFloor || s.files.some((f) => f.updated_at > filesFloor));
}

const filesQueries = (h: Harness, from: number) => h.fake.requests.slice(from).filter((r) => JSON.stringify(r.variables).includes('files_filter'));

describeEachDialect('no-change sync', (dialect) => {
  describe('scenes without files', () => {
    it('a no-change sync fetches and writes no fileless scene outside the overlap, in one files request', async () => {
      h = await startFilelessHarness(dialect);
      await h.sync();
      h.library.clock.advance(6 * 3600);
      const scenes = [...h.library.scenes.values()];
      const overlap = await scenesInOverlap(scenes);
      const filelessOutside = scenes.filter((s) => s.files.length === 0 && !overlap.includes(s));
      // The trap is there: many fileless scenes, far more than one page of 37.
      expect(filelessOutside.length).toBeGreaterThan(60);

      const before = h.fake.requests.length;
      const summary = await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      const scenesRun = summary.entities.find((e) => e.entity === 'scenes')!;
      expect(scenesRun.fetched).toBe(overlap.length);
      expect(scenesRun.upserted).toBe(overlap.length);
      expect(filesQueries(h, before)).toHaveLength(1);
    });

    it('a fileless scene edited still syncs', async () => {
      h = await startFilelessHarness(dialect);
      await h.sync();
      h.library.clock.advance(6 * 3600);
      const scene = [...h.library.scenes.values()].find((s) => s.files.length === 0)!;
      h.library.updateScene(scene.id, { title: 'Edited by hand, still no file' });
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(await h.value('SELECT title FROM stash_scenes WHERE id = ?', [scene.id])).toBe('Edited by hand, still no file');
    });

    it('a scene whose file was rescanned still syncs among many fileless ones', async () => {
      h = await startFilelessHarness(dialect);
      await expectRescanSynced(h, 2 ** 33 + 7, 1234.5);
    });

    it('a fileless scene that gains its first file syncs with it', async () => {
      h = await startFilelessHarness(dialect);
      await h.sync();
      h.library.clock.advance(6 * 3600);
      const scene = [...h.library.scenes.values()].find((s) => s.files.length === 0)!;
      h.library.addFile(scene.id, { basename: 'First file.mp4', size: 2 ** 32 + 1, duration: 61 });
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(await h.value('SELECT filesize FROM stash_scenes WHERE id = ?', [scene.id])).toBe(2 ** 32 + 1);
    });
  });

  describe('rows fetched again', () => {
    it('once the server clock has moved past the overlap, a no-change sync fetches and writes no row', async () => {
      h = await startFilelessHarness(dialect);
      await h.sync();
      h.library.clock.advance(6 * 3600);
      // This one still fetches the overlap below the newest stamps; it ends with the watermarks
      // at the server's clock (an hour back), which the next one's overlap lies above every stamp.
      await h.sync();
      const quiet = await h.sync();
      expect(quiet.entities.map((e) => `${e.entity} ${e.fetched} ${e.upserted}`)).toEqual(
        ['performers', 'tags', 'studios', 'scenes', 'markers'].map((entity) => `${entity} 0 0`),
      );
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('still fetches a second edit in the same second after the clock has moved on', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      h.library.clock.advance(6 * 3600);
      await h.sync();
      const id = [...h.library.performers.keys()][3]!;
      h.library.updatePerformer(id, { name: 'First edit' });
      await h.sync();
      // The clock has not moved: the same stamp, which only the change query's overlap finds.
      h.library.updatePerformer(id, { name: 'Second edit, same second' });
      await h.sync();
      expect(await h.value('SELECT name FROM stash_performers WHERE id = ?', [id])).toBe('Second edit, same second');
      await expectMirrorEqualsLibrary(h.store, h.library);
    });
  });

  describe('requests', () => {
    it('a no-change sync sends its listing pages, two requests per entity, the identity and the files query', async () => {
      h = await startFilelessHarness(dialect);
      await h.sync();
      h.library.clock.advance(6 * 3600);
      const counts = [h.library.performers.size, h.library.tags.size, h.library.studios.size, h.library.scenes.size, h.library.markers.size];
      for (const listingPageSize of [53, 20]) {
        // A listing ends at its first page short of full, which closes it; a count that would fill
        // whole pages is listed one row a page fewer, so that its last page is never empty.
        const perPage = (count: number) => (count % listingPageSize === 0 ? listingPageSize - 1 : listingPageSize);
        const listingPages = counts.reduce((n, count) => n + Math.floor(count / perPage(count)) + 1, 0);
        const before = h.fake.requests.length;
        const summary = await h.sync({ listingPageSize });
        // Identity; per entity one change page and the signature before its listing; the files query.
        expect(summary.requests).toBe(listingPages + 1 + 5 * 2 + 1);
        expect(h.fake.requests.length - before).toBe(summary.requests);
      }
      await expectMirrorEqualsLibrary(h.store, h.library);
    });
  });

  describe('the listing closed by its own last page', () => {
    it('a row deleted and another created mid-listing (the count unchanged) marks no skipped row stale', async () => {
      h = await startHarness({ dialect });
      await h.sync();
      const ids = [...h.library.performers.keys()].sort((a, b) => a - b);
      let pages = 0;
      let created = 0;
      h.fake.beforeExecute = ({ operationName, variables }) => {
        const perPage = (variables.filter as { per_page?: number } | undefined)?.per_page ?? 0;
        if (operationName === 'PerformerListing' && perPage > 1 && ++pages === 2) {
          // A listed row leaves and a new one arrives: offset paging skips a live row, and only
          // the highest id tells.
          h.library.deletePerformer(ids[0]!);
          created = h.library.createPerformer({ name: 'Arrived mid-listing' }).id;
        }
      };
      await h.sync({ entities: ['performers'], listingPageSize: 10 });
      h.fake.beforeExecute = null;
      expect(created).toBeGreaterThan(0);
      expect((await staleIds(h.store, 'stash_performers')).filter((id) => id !== ids[0])).toEqual([]);
      await h.sync({ entities: ['performers'] });
      expect(await staleIds(h.store, 'stash_performers')).toEqual([ids[0]!]);
      await expectMirrorEqualsLibrary(h.store, h.library);
    });
  });
});

describe('the server clock as a stamp', () => {
  const at = Date.parse('2025-10-26T12:00:00.750Z');
  it('is an hour and a minute back, in whole seconds, in the offset of a stamp the server wrote', () => {
    expect(serverClockStamp(at, '2025-10-26T13:59:59+02:00')).toBe('2025-10-26T12:59:00+02:00');
    expect(serverClockStamp(at, '2025-01-10T08:00:00Z')).toBe('2025-10-26T10:59:00Z');
    expect(serverClockStamp(at, '2025-01-10T08:00:00-05:00')).toBe('2025-10-26T05:59:00-05:00');
  });

  it('sorts before what the server stamps now, across a daylight-saving change since that stamp', () => {
    // Summer stamp (+02:00), now winter: the server writes 13:00:00+01:00 at 12:00Z.
    expect(serverClockStamp(at, '2025-08-01T10:00:00+02:00')! < '2025-10-26T13:00:00+01:00').toBe(true);
    // Winter stamp (+01:00), now summer: the server writes 14:00:00+02:00 at 12:00Z.
    expect(serverClockStamp(at, '2025-02-01T10:00:00+01:00')! < '2025-10-26T14:00:00+02:00').toBe(true);
  });

  it('is nothing without a Date header or a stamp to take the offset from', () => {
    expect(serverClockStamp(null, '2025-01-10T08:00:00Z')).toBeNull();
    expect(serverClockStamp(at, null)).toBeNull();
    expect(serverClockStamp(at, 'not a stamp')).toBeNull();
  });
});
