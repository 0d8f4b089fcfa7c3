/**
 * Bad input and failing servers: each gets a clear one-line error, retries cover what can pass,
 * and no partial page is ever visible.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SyncAlreadyRunningError } from '../src/core/db/store';
import { searchMarkers } from '../src/core/search/search';
import { StashClient } from '../src/core/stash/client';
import {
  MalformedResponseError,
  NotStashError,
  StashAuthError,
  StashQueryError,
  StashServerError,
  StashUnreachableError,
} from '../src/core/stash/errors';
import { syncStash, type SyncProgress } from '../src/core/sync/engine';
import { describeEachDialect, expectMirrorEqualsLibrary, startHarness, type Harness } from './support/harness';

let h: Harness;
let extraServer: Server | null = null;
afterEach(async () => {
  await h?.close();
  await new Promise((r) => (extraServer ? extraServer.close(r) : r(null)));
  extraServer = null;
});

async function mirrorIsEmpty(harness: Harness): Promise<void> {
  for (const table of ['stash_performers', 'stash_tags', 'stash_scenes', 'stash_scene_markers', 'stash_sync_runs']) {
    expect(Number(await harness.value(`SELECT count(*) FROM ${table}`)), table).toBe(0);
  }
}

/** A sync cancelled as soon as a progress report satisfies `when`; what it rejects with. */
async function syncCancelledWhen(when: (progress: SyncProgress) => boolean): Promise<Error> {
  const controller = new AbortController();
  const onProgress = (progress: SyncProgress) => when(progress) && controller.abort(new Error('cancelled by the test'));
  return h.sync({ signal: controller.signal, onProgress }).then(
    () => expect.fail('the sync completed without being cancelled'),
    (error: Error) => error,
  );
}

async function syncWith(client: StashClient) {
  return syncStash({ client, store: h.store, pageSize: 37, listingPageSize: 53 });
}

describeEachDialect('bad input and faults', (dialect) => {
  describe('bad input', () => {
    it('a wrong API key is named as the problem and writes nothing', async () => {
      h = await startHarness({ dialect, apiKey: 'right-key' });
      const wrong = new StashClient({ url: h.fake.url, apiKey: 'wrong-key-123' });
      const error = await syncWith(wrong).catch((e: Error) => e);
      expect(error).toBeInstanceOf(StashAuthError);
      expect((error as Error).message).toMatch(/refused the API key \(HTTP 401\)/);
      expect((error as Error).message).not.toContain('wrong-key-123');
      await mirrorIsEmpty(h);
    });

    it('a missing key on a server that needs one says so', async () => {
      h = await startHarness({ dialect, apiKey: 'right-key' });
      const error = await syncWith(new StashClient({ url: h.fake.url })).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/requires an API key .*--api-key/);
    });

    it('a key sent to an open server is refused too, as Stash does', async () => {
      h = await startHarness({ dialect });
      const error = await syncWith(new StashClient({ url: h.fake.url, apiKey: 'unneeded' })).catch((e: Error) => e);
      expect(error).toBeInstanceOf(StashAuthError);
    });

    it('a URL that is not the GraphQL endpoint (404 HTML) is not Stash', async () => {
      h = await startHarness({ dialect });
      const error = await syncWith(new StashClient({ url: `${h.fake.origin}/settings` })).catch((e: Error) => e);
      expect(error).toBeInstanceOf(NotStashError);
      expect((error as Error).message).toMatch(/is not a Stash server \(HTTP 404 at that address\)/);
      await mirrorIsEmpty(h);
    });

    it('a bare origin is completed with /graphql', async () => {
      h = await startHarness({ dialect });
      await syncWith(new StashClient({ url: h.fake.origin }));
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('a server answering HTML with 200 is not Stash', async () => {
      h = await startHarness({ dialect });
      h.fake.faults.inject('html', { times: 10 });
      const error = await syncWith(h.client).catch((e: Error) => e);
      expect(error).toBeInstanceOf(NotStashError);
      expect((error as Error).message).toMatch(/is not a Stash server: it answered with a web page \(HTTP 200\), not GraphQL JSON$/);
      await mirrorIsEmpty(h);
    });

    it('a GraphQL server that is not Stash is named as such', async () => {
      h = await startHarness({ dialect });
      extraServer = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: 'Cannot query field "version" on type "Query".' }] }));
      });
      await new Promise<void>((r) => extraServer!.listen(0, '127.0.0.1', r));
      const port = (extraServer.address() as AddressInfo).port;
      const error = await syncWith(new StashClient({ url: `http://127.0.0.1:${port}/graphql` })).catch((e: Error) => e);
      expect(error).toBeInstanceOf(NotStashError);
      expect((error as Error).message).toMatch(/GraphQL server but not Stash/);
    });

    it('an unreachable host fails with the reason after the retries', async () => {
      h = await startHarness({ dialect });
      const port = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const p = (s.address() as AddressInfo).port;
          s.close(() => resolve(p));
        });
      });
      const client = new StashClient({ url: `http://127.0.0.1:${port}/graphql`, retries: 1, backoffMs: 1 });
      const error = await syncWith(client).catch((e: Error) => e);
      expect(error).toBeInstanceOf(StashUnreachableError);
      expect((error as Error).message).toMatch(/Cannot reach Stash at .*ECONNREFUSED/);
      await mirrorIsEmpty(h);
    });

    it('not a URL at all', () => {
      expect(() => new StashClient({ url: 'http://local host:9999' })).toThrow(/is not a URL/);
    });
  });

  describe('faults mid-sync', () => {
    it('retries 5xx and dropped connections, then completes', async () => {
      h = await startHarness({ dialect });
      h.fake.faults.inject('http503', { times: 2, afterRequests: 3 });
      h.fake.faults.inject('drop', { times: 1, afterRequests: 8 });
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
      expect(h.client.stats.retries).toBeGreaterThanOrEqual(3);
    });

    it('gives up on a server that keeps failing with a clear message, keeping only whole pages', async () => {
      h = await startHarness({ dialect });
      h.fake.faults.inject('http502', { times: 100, operationName: 'SceneRows', afterRequests: 2 });
      const error = await h.sync().catch((e: Error) => e);
      expect(error).toBeInstanceOf(StashServerError);
      expect((error as Error).message).toMatch(/HTTP 502 after 3 tries/);
      // Pages are atomic: scenes written so far are whole pages of 37 rows, each with its relations.
      const scenes = await h.read<{ id: number }>('SELECT id FROM stash_scenes ORDER BY id');
      expect(scenes.length).toBeGreaterThan(0);
      expect(scenes.length % 37).toBe(0);
      const relations = async (table: string, column: string) => {
        const rows = await h.read<{ scene_id: number; other: number }>(
          `SELECT scene_id, ${column} AS other FROM ${table} ORDER BY scene_id, ${column}`,
        );
        const byScene = new Map<number, number[]>();
        for (const r of rows) byScene.set(r.scene_id, [...(byScene.get(r.scene_id) ?? []), r.other]);
        return byScene;
      };
      const performers = await relations('stash_scene_performers', 'performer_id');
      const tags = await relations('stash_scene_tags', 'tag_id');
      const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
      for (const { id } of scenes) {
        const stash = h.library.scenes.get(id)!;
        expect(performers.get(id) ?? [], `performers of scene ${id}`).toEqual(sorted(stash.performerIds));
        expect(tags.get(id) ?? [], `tags of scene ${id}`).toEqual(sorted(stash.tagIds));
      }
      const runs = await h.store.listRuns();
      expect(runs.find((r) => r.entity === 'scenes')).toMatchObject({ status: 'failed' });
      // A re-run after the fault converges.
      h.fake.faults.clear();
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('a malformed page fails before anything from it is written', async () => {
      h = await startHarness({ dialect });
      await h.sync({ entities: ['performers', 'tags'] });
      h.fake.faults.inject('malformed', { operationName: 'SceneRows' });
      const error = await h.sync().catch((e: Error) => e);
      expect(error).toBeInstanceOf(MalformedResponseError);
      expect((error as Error).message).toMatch(/malformed findScenes page/);
      expect(Number(await h.value('SELECT count(*) FROM stash_scenes'))).toBe(0);
    });

    it("a failed sync refreshes the search only after writing, and a failing refresh keeps the sync's error", async () => {
      h = await startHarness({ dialect });
      const refresh = vi.spyOn(h.store, 'refreshSearchIndex').mockRejectedValue(new Error('refresh failed too'));
      h.fake.faults.inject('malformed', { operationName: 'PerformerRows' });
      expect(await h.sync().catch((e: Error) => e)).toBeInstanceOf(MalformedResponseError);
      expect(refresh).not.toHaveBeenCalled();

      h.fake.faults.clear();
      h.fake.faults.inject('graphqlError', { operationName: 'MarkerRows' });
      const error = await h.sync().catch((e: Error) => e);
      expect(error).toBeInstanceOf(StashQueryError);
      expect((error as Error).message).toMatch(/^Stash rejected MarkerRows: /);
      expect(refresh).toHaveBeenCalledOnce();
    });

    it('a body that is not JSON is reported as such', async () => {
      h = await startHarness({ dialect });
      h.fake.faults.inject('notJson', { operationName: 'TagRows' });
      const error = await h.sync().catch((e: Error) => e);
      expect(error).toBeInstanceOf(NotStashError);
      expect((error as Error).message).toMatch(/JSON/);
    });

    it("GraphQL errors surface with Stash's message", async () => {
      h = await startHarness({ dialect });
      h.fake.faults.inject('graphqlError', { operationName: 'MarkerRows' });
      const error = await h.sync().catch((e: Error) => e);
      expect(error).toBeInstanceOf(StashQueryError);
      expect((error as Error).message).toMatch(/^Stash rejected MarkerRows: /);
    });

    it('a server slower than the timeout counts as unreachable after retries', async () => {
      h = await startHarness({ dialect });
      h.fake.faults.inject('slow', { times: 5, delayMs: 400 });
      const client = new StashClient({ url: h.fake.url, timeoutMs: 100, retries: 1, backoffMs: 1 });
      const error = await syncWith(client).catch((e: Error) => e);
      expect(error).toBeInstanceOf(StashUnreachableError);
      expect((error as Error).message).toMatch(/timed out/);
    });
  });

  describe('cancellation and concurrency', () => {
    it('an AbortSignal stops the sync between pages and the run is recorded as cancelled', async () => {
      h = await startHarness({ dialect });
      const controller = new AbortController();
      const error = await h
        .sync({ signal: controller.signal, onProgress: (p) => p.entity === 'scenes' && p.done > 100 && controller.abort() })
        .catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      const runs = await h.store.listRuns();
      expect(runs.find((r) => r.entity === 'scenes')).toMatchObject({ status: 'cancelled', error: 'cancelled' });
      await h.sync();
      await expectMirrorEqualsLibrary(h.store, h.library);
    });

    it('a first sync cancelled during markers leaves what it wrote searchable by tag and sub-tags', async () => {
      h = await startHarness({ dialect });
      const error = await syncCancelledWhen((p) => p.entity === 'markers' && p.done > 100);
      // The search's refresh after the cancel does not replace the sync's own error.
      expect(error.message).toMatch(/cancelled by the test$/);
      const mirrored = Number(await h.value('SELECT count(*) FROM stash_scene_markers'));
      expect(mirrored).toBeGreaterThan(0);
      expect(mirrored).toBeLessThan(h.library.markers.size);

      // Each tag's markers in the mirror, by their own tags (primary or secondary).
      const tagged = new Map<number, Set<number>>();
      const ownTags = await h.read<{ marker_id: number; tag_id: number }>(
        'SELECT id AS marker_id, primary_tag_id AS tag_id FROM stash_scene_markers UNION SELECT marker_id, tag_id FROM stash_scene_marker_tags',
      );
      for (const { marker_id, tag_id } of ownTags) tagged.set(tag_id, (tagged.get(tag_id) ?? new Set()).add(marker_id));
      const below = (id: number): number[] => {
        const children = [...h.library.tags.values()].filter((t) => t.parentIds.includes(id)).map((t) => t.id);
        return [id, ...children.flatMap(below)];
      };
      const markersOf = (tagIds: number[]) => new Set(tagIds.flatMap((id) => [...(tagged.get(id) ?? [])]));
      // The parent tag with the most markers of its own.
      const parent = [...h.library.tags.values()]
        .filter((t) => below(t.id).length > 1)
        .sort((a, b) => (tagged.get(b.id)?.size ?? 0) - (tagged.get(a.id)?.size ?? 0))[0]!;
      const own = markersOf([parent.id]);
      expect(own.size).toBeGreaterThan(0);

      const found = async (withSubtags: boolean) =>
        (await searchMarkers(h.store, { markerTags: { any: [{ id: parent.id, withSubtags }] }, perPage: 500 })).hits.map((hit) => hit.id);
      expect(new Set(await found(false))).toEqual(own);
      const withSubtags = new Set(await found(true));
      expect(
        [...own].filter((id) => !withSubtags.has(id)),
        'own markers missing with sub-tags',
      ).toEqual([]);
      expect(withSubtags).toEqual(markersOf([...new Set(below(parent.id))]));
    });

    it('a first sync cancelled while listing reports the cancellation and leaves its indexes built', async () => {
      h = await startHarness({ dialect });
      // Cancelled once the markers' pages are fetched: the listing that follows stops at once, while
      // the markers' indexes, begun just before it, are still being built.
      const error = await syncCancelledWhen((p) => p.entity === 'markers' && p.phase === 'changes' && p.done === p.total);
      expect(error.message).toMatch(/cancelled by the test$/);
      expect(await h.read(`SELECT name FROM stash_mirror_state WHERE name = 'deferred-indexes'`)).toEqual([]);
    });

    it('a sync cancelled while a batch is written ends after that write, and records it', async () => {
      h = await startHarness({ dialect });
      // Two pages of 37 fill a batch of 74: the cancel comes as the second batch starts being written.
      const error = await syncCancelledWhen((p) => p.entity === 'markers' && p.done === 148);
      expect(error.message).toMatch(/cancelled by the test$/);
      // Pages already fetched ahead may still be written, but nothing after the sync has ended.
      const run = (await h.store.listRuns()).find((r) => r.entity === 'markers')!;
      expect(run.status).toBe('cancelled');
      expect(run.upserted).toBeGreaterThanOrEqual(148);
      expect(Number(await h.value('SELECT count(*) FROM stash_scene_markers'))).toBe(run.upserted);
    });

    it('readers never see a half-written batch while a sync writes', async () => {
      h = await startHarness({ dialect });
      h.fake.faults.inject('slow', { times: 1000, delayMs: 15, operationName: 'MarkerRows' });
      const reader = await h.database.open();
      // Markers arrive in id order; a consistent snapshot holds a prefix of them with all their tags.
      const markers = [...h.library.markers.values()].sort((a, b) => a.id - b.id);
      const tagsUpTo = [0];
      for (const m of markers) tagsUpTo.push(tagsUpTo.at(-1)! + new Set(m.tagIds.filter((t) => t !== m.primaryTagId)).size);
      const snapshots: string[] = [];
      let syncing = true;
      const sync = h.sync({ entities: ['markers'] }).finally(() => (syncing = false));
      while (syncing) {
        const [row] = await reader.readForTests<{ markers: number; tags: number }>(
          'SELECT (SELECT count(*) FROM stash_scene_markers) AS markers, (SELECT count(*) FROM stash_scene_marker_tags) AS tags',
        );
        const seen = Number(row!.markers);
        snapshots.push(`${seen}:${Number(row!.tags)}:${tagsUpTo[seen]}`);
        expect(seen % 74 === 0 || seen === markers.length, `markers seen: ${seen}`).toBe(true);
        expect(Number(row!.tags)).toBe(tagsUpTo[seen]);
      }
      await sync;
      await reader.close();
      // The reader really saw the sync in progress.
      expect(new Set(snapshots).size).toBeGreaterThan(3);
    });

    it('a second sync on the same database fails fast with "already running"', async () => {
      h = await startHarness({ dialect });
      h.fake.faults.inject('slow', { times: 1, delayMs: 300 });
      const first = h.sync();
      const second = h.sync().catch((e: Error) => e);
      expect(await second).toBeInstanceOf(SyncAlreadyRunningError);
      expect(((await second) as Error).message).toMatch(/already running/);
      await first;
      await expectMirrorEqualsLibrary(h.store, h.library);
    });
  });
});
