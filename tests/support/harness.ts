/**
 * A fake Stash and a real mirror database per test — a SQLite file, or a fresh PostgreSQL database
 * when the suite runs on Postgres — plus a check that the mirror equals the fake's library exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect } from 'vitest';
import { PgMirrorStore } from '../../src/core/db/pg-store';
import { openMirrorStore } from '../../src/core/db/open';
import { MIRROR_ENTITIES, stashColumnsOf } from '../../src/core/db/mirror-tables';
import type { MirrorRecords } from '../../src/core/db/mirror-types';
import type { MirrorStore } from '../../src/core/db/store';
import { ENTITIES, type EntityName } from '../../src/core/mirror-rows';
import { StashClient } from '../../src/core/stash/client';
import { syncStash, type SyncOptions, type SyncSummary } from '../../src/core/sync/engine';
import {
  generateLibrary,
  performerImagePath,
  startFakeStash,
  studioImagePath,
  type FakeLibrary,
  type FakeStash,
  type LibrarySize,
} from '../../tools/fake-stash';

export const SMALL_LIBRARY: LibrarySize = { performers: 60, tags: 40, scenes: 200, markers: 600 };

export type Dialect = 'sqlite' | 'postgres';

/** A PostgreSQL server the tests may create databases on; unset, Postgres runs are skipped. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || '';

/**
 * Runs a suite once per dialect: the same tests, on SQLite and on PostgreSQL. Without
 * TEST_DATABASE_URL the PostgreSQL run is reported as skipped, with the reason in its title.
 */
export function describeEachDialect(name: string, suite: (dialect: Dialect) => void): void {
  describe(`${name} [sqlite]`, () => suite('sqlite'));
  if (TEST_DATABASE_URL) describe(`${name} [postgres]`, () => suite('postgres'));
  else describe.skip(`${name} [postgres] (skipped: TEST_DATABASE_URL not set)`, () => suite('postgres'));
}

export interface MirrorDatabase {
  dialect: Dialect;
  /** How the CLI names it: ['--db', file] or ['--database-url', url]. */
  cliArgs: string[];
  open(): Promise<MirrorStore>;
  drop(): Promise<void>;
}

/** A new, empty mirror database of the dialect. */
export async function createMirrorDatabase(dialect: Dialect): Promise<MirrorDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'stash-mirror-test-'));
    const file = join(dir, 'mirror.db');
    return {
      dialect,
      cliArgs: ['--db', file],
      // The store the CLI and the app use: its connection in a worker thread.
      open: () => openMirrorStore({ file }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `stash_mirror_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    dialect,
    cliArgs: ['--database-url', url.toString()],
    open: () => PgMirrorStore.open({ url: url.toString() }),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface Harness {
  fake: FakeStash;
  library: FakeLibrary;
  store: MirrorStore;
  database: MirrorDatabase;
  client: StashClient;
  /** Small pages, so every test crosses many page boundaries. */
  sync(options?: Partial<SyncOptions>): Promise<SyncSummary>;
  read<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** The first column of the first row. */
  value<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { dialect?: Dialect; seed?: number; size?: LibrarySize; library?: FakeLibrary; apiKey?: string } = {},
): Promise<Harness> {
  const library = options.library ?? generateLibrary({ seed: options.seed ?? 7, size: options.size ?? SMALL_LIBRARY });
  const fake = await startFakeStash({ library, apiKey: options.apiKey });
  const database = await createMirrorDatabase(options.dialect ?? 'sqlite');
  const store = await database.open();
  const client = new StashClient({ url: fake.url, apiKey: options.apiKey, retries: 2, backoffMs: 5 });
  const read = <T>(sql: string, params?: unknown[]) => store.readForTests<T>(sql, params);
  return {
    fake,
    library,
    store,
    database,
    client,
    sync: (o = {}) => syncStash({ client, store, pageSize: 37, listingPageSize: 53, writeBatchRows: 74, ...o }),
    read,
    async value<T>(sql: string, params?: unknown[]) {
      const [row] = await read<Record<string, unknown>>(sql, params);
      return (row ? Object.values(row)[0] : undefined) as T;
    },
    close: once(async () => {
      await store.close();
      await fake.close();
      await database.drop();
    }),
  };
}

/** A cleanup that may be called again (by a later afterEach) without effect. */
function once(work: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= work());
}

type Row = Record<string, unknown>;

const byId = (a: Row, b: Row) => (a.id as number) - (b.id as number);
const pairs = (rows: Row[], a: string, b: string) => rows.map((r) => `${r[a]}>${r[b]}`).sort();

/** The columns of a mirror row that Stash's data fills: all but the mirror's own synced_at and is_stale. */
type StashColumns<T extends keyof MirrorRecords> = Omit<MirrorRecords[T], 'synced_at' | 'is_stale'>;

/**
 * The mirror equals Stash: every row present with equal fields and not stale, every row Stash no
 * longer has marked stale, and every relation of a live row equal to Stash's.
 */
export async function expectMirrorEqualsLibrary(store: MirrorStore, library: FakeLibrary): Promise<void> {
  const live = (sql: string) => store.readForTests<Row>(sql);
  // Every declared column Stash fills, so a column added to the declaration is compared too.
  const liveRows = async (entity: EntityName) => {
    const declaration = MIRROR_ENTITIES[entity];
    const rows = await live(`SELECT ${stashColumnsOf(declaration).join(', ')} FROM ${declaration.name} WHERE NOT is_stale`);
    // SQLite reads booleans back as 0/1.
    const booleans = Object.values(declaration.columns).filter((c) => c.type === 'boolean' && stashColumnsOf(declaration).includes(c.sqlName));
    for (const row of rows) for (const c of booleans) row[c.sqlName] = Boolean(row[c.sqlName]);
    return rows.sort(byId);
  };
  const performers = await liveRows('performers');
  // The fake's own origin aside, each image path is exactly the one Stash gives.
  const origin = typeof performers[0]?.image_path === 'string' ? new URL(performers[0].image_path).origin : '';
  expect(performers).toEqual(
    [...library.performers.values()]
      .sort((a, b) => a.id - b.id)
      .map((p): StashColumns<'stash_performers'> => ({
        id: p.id,
        name: p.name,
        gender: p.gender,
        image_path: performerImagePath(p, origin),
        favorite: p.favorite,
        stash_updated_at: p.updated_at,
      })),
  );
  const livePerformer = 'JOIN stash_performers p ON p.id = j.performer_id AND NOT p.is_stale';
  expect(pairs(await live(`SELECT j.performer_id, j.tag_id FROM stash_performer_tags j ${livePerformer}`), 'performer_id', 'tag_id')).toEqual(
    [...library.performers.values()].flatMap((p) => p.tagIds.map((t) => `${p.id}>${t}`)).sort(),
  );

  const tags = await liveRows('tags');
  expect(tags).toEqual(
    [...library.tags.values()]
      .sort((a, b) => a.id - b.id)
      .map((t): StashColumns<'stash_tags'> => ({ id: t.id, name: t.name, stash_updated_at: t.updated_at })),
  );
  // Every edge of a live tag, whatever its parent's state: an edge left pointing at a stale tag
  // differs from Stash too.
  const edges = await live('SELECT e.child_id, e.parent_id FROM stash_tag_parents e JOIN stash_tags c ON c.id = e.child_id AND NOT c.is_stale');
  expect(pairs(edges, 'child_id', 'parent_id')).toEqual([...library.tags.values()].flatMap((t) => t.parentIds.map((p) => `${t.id}>${p}`)).sort());

  const studios = await liveRows('studios');
  expect(studios).toEqual(
    [...library.studios.values()]
      .sort((a, b) => a.id - b.id)
      .map((s): StashColumns<'stash_studios'> => ({
        id: s.id,
        name: s.name,
        parent_id: s.parentId,
        image_path: studioImagePath(s, origin),
        stash_updated_at: s.updated_at,
      })),
  );

  const scenes = await liveRows('scenes');
  expect(scenes).toEqual(
    [...library.scenes.values()]
      .sort((a, b) => a.id - b.id)
      .map((s): StashColumns<'stash_scenes'> => ({
        id: s.id,
        title: s.title,
        date: s.date,
        details: s.details,
        filesize: s.files[0]?.size ?? null,
        duration: s.files[0]?.duration ?? null,
        basename: s.files[0]?.basename ?? null,
        rating100: s.rating100,
        organized: s.organized,
        studio_id: s.studioId,
        stash_updated_at: s.updated_at,
      })),
  );
  const liveScene = 'JOIN stash_scenes s ON s.id = j.scene_id AND NOT s.is_stale';
  expect(pairs(await live(`SELECT j.scene_id, j.performer_id FROM stash_scene_performers j ${liveScene}`), 'scene_id', 'performer_id')).toEqual(
    [...library.scenes.values()].flatMap((s) => s.performerIds.map((p) => `${s.id}>${p}`)).sort(),
  );
  expect(pairs(await live(`SELECT j.scene_id, j.tag_id FROM stash_scene_tags j ${liveScene}`), 'scene_id', 'tag_id')).toEqual(
    [...library.scenes.values()].flatMap((s) => s.tagIds.map((t) => `${s.id}>${t}`)).sort(),
  );

  const markers = await liveRows('markers');
  expect(markers).toEqual(
    [...library.markers.values()]
      .sort((a, b) => a.id - b.id)
      .map((m): StashColumns<'stash_scene_markers'> => ({
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
      await live('SELECT j.marker_id, j.tag_id FROM stash_scene_marker_tags j JOIN stash_scene_markers m ON m.id = j.marker_id AND NOT m.is_stale'),
      'marker_id',
      'tag_id',
    ),
  ).toEqual(
    [...library.markers.values()].flatMap((m) => [...new Set(m.tagIds)].filter((t) => t !== m.primaryTagId).map((t) => `${m.id}>${t}`)).sort(),
  );

  // Rows Stash no longer has are kept, but stale.
  for (const entity of ENTITIES) {
    const table = MIRROR_ENTITIES[entity].name;
    const map: ReadonlyMap<number, unknown> = library[entity];
    const stale = (await live(`SELECT id FROM ${table} WHERE is_stale`)).map((r) => r.id as number);
    expect(
      stale.filter((id) => map.has(id)),
      `${table}: rows present in Stash but marked stale`,
    ).toEqual([]);
    const [all] = await live(`SELECT count(*) AS n FROM ${table}`);
    expect(Number(all!.n) - stale.length).toBe(map.size);
  }
}

/** Ids of rows marked stale in a mirror table. */
export async function staleIds(store: MirrorStore, table: string): Promise<number[]> {
  return (await store.readForTests<{ id: number }>(`SELECT id FROM ${table} WHERE is_stale ORDER BY id`)).map((r) => r.id);
}

/**
 * A day on, Stash rescans one scene's file to a new size and duration, which bumps no scene; the
 * next sync must still bring the mirror to Stash, that size included.
 */
export async function expectRescanSynced(h: Harness, size: number, duration: number): Promise<void> {
  await h.sync();
  h.library.clock.advance(24 * 3600);
  const scene = [...h.library.scenes.values()].find((s) => s.files.length > 0)!;
  const stamp = scene.updated_at;
  h.library.rescanFile(scene.id, { size, duration });
  expect(h.library.scenes.get(scene.id)!.updated_at).toBe(stamp);
  await h.sync();
  await expectMirrorEqualsLibrary(h.store, h.library);
  expect(await h.value('SELECT filesize FROM stash_scenes WHERE id = ?', [scene.id])).toBe(size);
}
