/**
 * A fake Stash and a real SQLite mirror file per test, plus a check that the mirror equals the
 * fake's library exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SqliteMirrorStore } from '../../src/core/db/sqlite-store';
import { StashClient } from '../../src/core/stash/client';
import { syncStash, type SyncOptions, type SyncSummary } from '../../src/core/sync/engine';
import {
  generateLibrary,
  startFakeStash,
  type FakeLibrary,
  type FakeStash,
  type LibrarySize,
} from '../../tools/fake-stash';

export const SMALL_LIBRARY: LibrarySize = { performers: 60, tags: 40, scenes: 200, markers: 600 };

export interface Harness {
  fake: FakeStash;
  library: FakeLibrary;
  store: SqliteMirrorStore;
  client: StashClient;
  dbFile: string;
  /** Small pages, so every test crosses many page boundaries. */
  sync(options?: Partial<SyncOptions>): Promise<SyncSummary>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { seed?: number; size?: LibrarySize; library?: FakeLibrary; apiKey?: string } = {},
): Promise<Harness> {
  const library = options.library ?? generateLibrary({ seed: options.seed ?? 7, size: options.size ?? SMALL_LIBRARY });
  const fake = await startFakeStash({ library, apiKey: options.apiKey });
  const dir = mkdtempSync(join(tmpdir(), 'stash-mirror-test-'));
  const dbFile = join(dir, 'mirror.db');
  const store = SqliteMirrorStore.open({ file: dbFile });
  const client = new StashClient({ url: fake.url, apiKey: options.apiKey, retries: 2, backoffMs: 5 });
  return {
    fake,
    library,
    store,
    client,
    dbFile,
    sync: (o = {}) => syncStash({ client, store, pageSize: 37, listingPageSize: 53, ...o }),
    async close() {
      await store.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Row = Record<string, unknown>;

function live(store: SqliteMirrorStore, sql: string): Row[] {
  return store.db.prepare(sql).all() as Row[];
}

const byId = (a: Row, b: Row) => (a.id as number) - (b.id as number);
const pairs = (rows: Row[], a: string, b: string) => rows.map((r) => `${r[a]}>${r[b]}`).sort();

/**
 * The mirror equals Stash: every row present with equal fields and not stale, every row Stash no
 * longer has marked stale, and every relation of a live row equal to Stash's.
 */
export function expectMirrorEqualsLibrary(store: SqliteMirrorStore, library: FakeLibrary): void {
  const performers = live(store, 'SELECT id, name, gender, image_path, stash_updated_at FROM stash_performers WHERE NOT is_stale').sort(byId);
  expect(performers.map((p) => ({ ...p, image_path: typeof p.image_path }))).toEqual(
    [...library.performers.values()]
      .sort((a, b) => a.id - b.id)
      .map((p) => ({ id: p.id, name: p.name, gender: p.gender, image_path: 'string', stash_updated_at: p.updated_at })),
  );
  for (const p of performers) expect(p.image_path as string).toContain(`/performer/${p.id}/image`);

  const tags = live(store, 'SELECT id, name, stash_updated_at FROM stash_tags WHERE NOT is_stale').sort(byId);
  expect(tags).toEqual(
    [...library.tags.values()].sort((a, b) => a.id - b.id).map((t) => ({ id: t.id, name: t.name, stash_updated_at: t.updated_at })),
  );
  const edges = live(
    store,
    `SELECT e.child_id, e.parent_id FROM stash_tag_parents e
     JOIN stash_tags c ON c.id = e.child_id AND NOT c.is_stale JOIN stash_tags p ON p.id = e.parent_id AND NOT p.is_stale`,
  );
  expect(pairs(edges, 'child_id', 'parent_id')).toEqual(
    [...library.tags.values()].flatMap((t) => t.parentIds.map((p) => `${t.id}>${p}`)).sort(),
  );

  const scenes = live(
    store,
    'SELECT id, title, date, details, filesize, duration, stash_updated_at FROM stash_scenes WHERE NOT is_stale',
  ).sort(byId);
  expect(scenes).toEqual(
    [...library.scenes.values()]
      .sort((a, b) => a.id - b.id)
      .map((s) => ({
        id: s.id,
        title: s.title,
        date: s.date,
        details: s.details,
        filesize: s.files[0]?.size ?? null,
        duration: s.files[0]?.duration ?? null,
        stash_updated_at: s.updated_at,
      })),
  );
  const liveScene = 'JOIN stash_scenes s ON s.id = j.scene_id AND NOT s.is_stale';
  expect(pairs(live(store, `SELECT j.scene_id, j.performer_id FROM stash_scene_performers j ${liveScene}`), 'scene_id', 'performer_id')).toEqual(
    [...library.scenes.values()].flatMap((s) => s.performerIds.map((p) => `${s.id}>${p}`)).sort(),
  );
  expect(pairs(live(store, `SELECT j.scene_id, j.tag_id FROM stash_scene_tags j ${liveScene}`), 'scene_id', 'tag_id')).toEqual(
    [...library.scenes.values()].flatMap((s) => s.tagIds.map((t) => `${s.id}>${t}`)).sort(),
  );

  const markers = live(
    store,
    'SELECT id, scene_id, title, seconds, end_seconds, primary_tag_id, stash_updated_at FROM stash_scene_markers WHERE NOT is_stale',
  ).sort(byId);
  expect(markers).toEqual(
    [...library.markers.values()]
      .sort((a, b) => a.id - b.id)
      .map((m) => ({
        id: m.id,
        scene_id: m.sceneId,
        title: m.title,
        seconds: m.seconds,
        end_seconds: m.end_seconds,
        primary_tag_id: m.primaryTagId,
        stash_updated_at: m.updated_at,
      })),
  );
  expect(
    pairs(
      live(store, 'SELECT j.marker_id, j.tag_id FROM stash_scene_marker_tags j JOIN stash_scene_markers m ON m.id = j.marker_id AND NOT m.is_stale'),
      'marker_id',
      'tag_id',
    ),
  ).toEqual(
    [...library.markers.values()]
      .flatMap((m) => [...new Set(m.tagIds)].filter((t) => t !== m.primaryTagId).map((t) => `${m.id}>${t}`))
      .sort(),
  );

  // Rows Stash no longer has are kept, but stale.
  for (const [table, map] of [
    ['stash_performers', library.performers],
    ['stash_tags', library.tags],
    ['stash_scenes', library.scenes],
    ['stash_scene_markers', library.markers],
  ] as const) {
    const stale = live(store, `SELECT id FROM ${table} WHERE is_stale`).map((r) => r.id as number);
    expect(stale.filter((id) => map.has(id)), `${table}: rows present in Stash but marked stale`).toEqual([]);
    const all = live(store, `SELECT count(*) AS n FROM ${table}`)[0]!.n as number;
    expect(all - stale.length).toBe(map.size);
  }
}

/** Ids of rows marked stale in a mirror table. */
export function staleIds(store: SqliteMirrorStore, table: string): number[] {
  return (store.db.prepare(`SELECT id FROM ${table} WHERE is_stale ORDER BY id`).pluck().all() as number[]);
}
