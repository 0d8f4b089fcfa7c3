/**
 * The fake Stash must reproduce every trap of the real one (see API-FACTS.md), because the sync
 * engine's tests rely on it to fail the same way Stash does. Everything is asserted over HTTP with
 * the client's own documents.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MARKER_LISTING,
  MARKER_ROWS,
  PERFORMER_LISTING,
  PERFORMER_ROWS,
  SCENE_LISTING,
  SCENE_ROWS,
  SERVER_IDENTITY,
  TAG_LISTING,
  TAG_ROWS,
} from '../src/core/stash/documents';
import {
  createClock,
  type FakeClock,
  FakeLibrary,
  type FakeStash,
  type FaultKind,
  generateLibrary,
  MAX_MARKERS_PER_QUERY,
  SAMPLE_SIZE,
  startFakeStash,
} from '../tools/fake-stash';
import { SCREENSHOT_SIZE } from '../tools/fake-stash/server';

interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  contentType: string;
  data: T | null;
  errors: { message: string }[] | undefined;
}

async function post<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (!contentType.includes('application/json')) return { status: res.status, contentType, data: null, errors: undefined };
  const body = JSON.parse(text) as { data?: T | null; errors?: { message: string }[] };
  return { status: res.status, contentType, data: body.data ?? null, errors: body.errors };
}

type Row = Record<string, unknown> & { id: string; updated_at: string };
type Found = { count: number; rows: Row[] };

const LIST_KEY = { findPerformers: 'performers', findTags: 'tags', findScenes: 'scenes', findSceneMarkers: 'scene_markers' };
type Root = keyof typeof LIST_KEY;

async function find(stash: FakeStash, root: Root, query: string, variables: Record<string, unknown>): Promise<Found> {
  const r = await post<Record<string, Record<string, unknown>>>(stash.url, query, variables);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  const result = r.data?.[root] as Record<string, unknown>;
  return { count: result.count as number, rows: result[LIST_KEY[root]] as Row[] };
}

const ids = (rows: Row[]) => rows.map((r) => Number(r.id));

/** A small hand-made library where every stamp is known. */
function smallLibrary(clock: FakeClock = createClock()): FakeLibrary {
  const lib = new FakeLibrary(clock);
  const root = lib.createTag({ name: 'Root' });
  const mid = lib.createTag({ name: 'Mid', parentIds: [root.id] });
  const other = lib.createTag({ name: 'Other' });
  lib.createTag({ name: 'Leaf', parentIds: [mid.id, other.id] });
  const p1 = lib.createPerformer({ name: 'Zoë', gender: 'FEMALE', hasImage: true });
  const p2 = lib.createPerformer({ name: 'adam', gender: null });
  for (let i = 1; i <= 30; i++) {
    clock.advance(1);
    const s = lib.createScene({
      title: i % 10 === 0 ? null : `Scene ${i}`,
      performerIds: i % 2 ? [p1.id] : [p1.id, p2.id],
      tagIds: [mid.id],
      files: i === 1 ? [] : [{ size: 3_000_000_000 + i, duration: 600.5 }, ...(i === 2 ? [{ size: 10, duration: 1 }] : [])],
      date: '2024-05',
    });
    lib.createMarker({ sceneId: s.id, seconds: 10, primaryTagId: root.id, tagIds: [root.id, other.id] });
  }
  return lib;
}

describe('server identity, rows and routes', () => {
  let stash: FakeStash;
  beforeAll(async () => {
    stash = await startFakeStash({ library: smallLibrary(), tieOrder: 'stable' });
  });
  afterAll(() => stash.close());

  it('answers version and systemStatus like Stash v0.30.1', async () => {
    const r = await post<{ version: Record<string, string>; systemStatus: Record<string, unknown> }>(stash.url, SERVER_IDENTITY);
    expect(r.status).toBe(200);
    expect(r.data?.version.version).toBe('v0.30.1');
    expect(typeof r.data?.version.hash).toBe('string');
    expect(r.data?.systemStatus).toEqual({ status: 'OK', appSchema: 75 });
  });

  it('serves performers with string ids and absolute image URLs', async () => {
    const { rows } = await find(stash, 'findPerformers', PERFORMER_ROWS, { filter: { sort: 'id' } });
    const [zoe, adam] = rows as [Row, Row];
    expect(zoe.id).toBe('1');
    expect(zoe.name).toBe('Zoë');
    expect(zoe.gender).toBe('FEMALE');
    const t = Math.floor(Date.parse(zoe.updated_at) / 1000);
    expect(zoe.image_path).toBe(`${stash.origin}/performer/1/image?t=${t}`);
    expect(adam.gender).toBeNull();
    expect(adam.image_path).toMatch(new RegExp(`^${stash.origin}/performer/2/image\\?t=\\d+&default=true$`));
    const img = await fetch(adam.image_path as string);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toContain('image/');
  });

  it('serves scene and marker screenshots as small deterministic PNGs, 404 for unknown ones', async () => {
    const png = async (path: string) => {
      const res = await fetch(`${stash.origin}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      return Buffer.from(await res.arrayBuffer());
    };
    const scene = await png('/scene/1/screenshot');
    expect(scene.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR comes first: its width and height follow the chunk's length and type.
    expect([scene.readUInt32BE(16), scene.readUInt32BE(20)]).toEqual([SCREENSHOT_SIZE.width, SCREENSHOT_SIZE.height]);
    expect(await png('/scene/1/screenshot')).toEqual(scene);
    expect(await png('/scene/2/screenshot')).not.toEqual(scene);
    expect(await png('/scene/1/scene_marker/1/screenshot')).not.toEqual(scene);
    // Marker 1 belongs to scene 1.
    for (const path of ['/scene/999/screenshot', '/scene/1/scene_marker/999/screenshot', '/scene/2/scene_marker/1/screenshot']) {
      expect((await fetch(`${stash.origin}${path}`)).status, path).toBe(404);
    }
  });

  it('derives tag children from parents (direct edges only, several parents allowed)', async () => {
    const { rows } = await find(stash, 'findTags', TAG_ROWS, { filter: { sort: 'id', per_page: -1 } });
    const byName = Object.fromEntries(rows.map((r) => [r.name as string, r]));
    const idsOf = (list: unknown) => (list as { id: string }[]).map((x) => x.id).sort();
    expect(idsOf(byName.Root?.children)).toEqual(['2']);
    expect(idsOf(byName.Mid?.children)).toEqual(['4']);
    expect(idsOf(byName.Leaf?.parents)).toEqual(['2', '3']);
    expect(idsOf(byName.Root?.parents)).toEqual([]);
  });

  it('lists files primary first, sizes above 2^31 as JSON numbers, and no file at all', async () => {
    const { rows } = await find(stash, 'findScenes', SCENE_ROWS, { ids: ['1', '2'] });
    expect(rows[0]?.files).toEqual([]);
    const files = rows[1]?.files as { basename: string; size: number; duration: number; updated_at: string }[];
    expect(files.map((f) => f.size)).toEqual([3_000_000_002, 10]);
    // Files created without a name are named after their scene and place.
    expect(files.map((f) => f.basename)).toEqual(['2_1.mp4', '2_2.mp4']);
    expect(files[0]?.size).toBeGreaterThan(2 ** 31);
    expect(rows[1]?.date).toBe('2024-05');
    expect((rows[1]?.performers as { id: string }[]).map((p) => p.id)).toEqual(['1', '2']);
  });

  it('never lists a marker primary tag among its tags', async () => {
    const { rows } = await find(stash, 'findSceneMarkers', MARKER_ROWS, { ids: ['1'] });
    expect(rows[0]?.primary_tag).toEqual({ id: '1' });
    expect(rows[0]?.tags).toEqual([{ id: '3' }]);
    expect(rows[0]?.scene).toEqual({ id: '1' });
    expect(rows[0]?.title).toBe('');
    expect(rows[0]?.end_seconds).toBeNull();
  });

  it('serves an HTML page on /, 404 HTML elsewhere, and 404 for POSTs off /graphql', async () => {
    const home = await fetch(`${stash.origin}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
    const missing = await fetch(`${stash.origin}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
    const post404 = await fetch(`${stash.origin}/api/graphql`, { method: 'POST', body: '{}' });
    expect(post404.status).toBe(404);
    expect(post404.headers.get('content-type')).toContain('text/html');
  });

  it('gzips large responses for clients that accept it', async () => {
    const res = await fetch(stash.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' },
      body: JSON.stringify({ query: SCENE_ROWS, variables: { filter: { per_page: -1 } } }),
    });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const body = (await res.json()) as { data: { findScenes: { count: number } } };
    expect(body.data.findScenes.count).toBe(30);
  });

  it('reports query errors as GraphQL errors with HTTP 200, and invalid documents with 422', async () => {
    const bad = await post(stash.url, SCENE_LISTING, { filter: { sort: 'bogus' } });
    expect(bad.status).toBe(200);
    expect(bad.errors?.[0]?.message).toBe('invalid sort: bogus');
    expect(bad.data).toBeNull();
    const invalid = await post(stash.url, '{ findScenes { nope } }');
    expect(invalid.status).toBe(422);
    expect(invalid.errors?.length).toBeGreaterThan(0);
    // A filter field the fake does not implement is not in its schema, so it is refused, never ignored.
    const unknownFilter = await post(stash.url, 'query($f: SceneFilterType) { findScenes(scene_filter: $f) { count } }', {
      f: { title: { value: 'x', modifier: 'EQUALS' } },
    });
    expect(unknownFilter.status).toBe(422);
  });

  it('records every request in order and calls beforeExecute with its index', async () => {
    const seen: { operationName: string | null; index: number }[] = [];
    stash.beforeExecute = ({ operationName, index }) => seen.push({ operationName, index });
    const before = stash.requests.length;
    await post(stash.url, SCENE_LISTING, { filter: { per_page: 1 } });
    await post(stash.url, TAG_LISTING, {});
    stash.beforeExecute = null;
    expect(stash.requests.slice(before).map((r) => [r.operationName, r.status])).toEqual([
      ['SceneListing', 200],
      ['TagListing', 200],
    ]);
    expect(stash.requests[before]?.variables).toEqual({ filter: { per_page: 1 } });
    expect(seen).toEqual([
      { operationName: 'SceneListing', index: before },
      { operationName: 'TagListing', index: before + 1 },
    ]);
  });
});

describe('paging', () => {
  let stash: FakeStash;
  let lib: FakeLibrary;
  beforeAll(async () => {
    lib = smallLibrary();
    stash = await startFakeStash({ library: lib, tieOrder: 'stable' });
  });
  afterAll(() => stash.close());

  it('defaults to 25 rows per page, pages are 1-based, and count is the full total', async () => {
    const p1 = await find(stash, 'findScenes', SCENE_LISTING, { filter: { sort: 'id' } });
    expect(p1.count).toBe(30);
    expect(ids(p1.rows)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const p2 = await find(stash, 'findScenes', SCENE_LISTING, { filter: { sort: 'id', page: 2 } });
    expect(ids(p2.rows)).toEqual([26, 27, 28, 29, 30]);
    const past = await find(stash, 'findScenes', SCENE_LISTING, { filter: { sort: 'id', page: 9, per_page: 10 } });
    expect(past).toEqual({ count: 30, rows: [] });
    const zeroPage = await find(stash, 'findScenes', SCENE_LISTING, { filter: { sort: 'id', page: 0, per_page: 3 } });
    expect(ids(zeroPage.rows)).toEqual([1, 2, 3]);
  });

  it('returns every row for a negative per_page (page ignored) and none, with a count, for 0', async () => {
    const all = await find(stash, 'findScenes', SCENE_LISTING, { filter: { sort: 'id', per_page: -1, page: 3 } });
    expect(all.rows).toHaveLength(30);
    expect(all.count).toBe(30);
    const none = await find(stash, 'findSceneMarkers', MARKER_LISTING, { filter: { per_page: 0 } });
    expect(none).toEqual({ count: 30, rows: [] });
  });

  it('pages with LIMIT/OFFSET over live data: a delete between pages makes a row disappear', async () => {
    const p1 = await find(stash, 'findScenes', SCENE_LISTING, { filter: { sort: 'id', per_page: 10, page: 1 } });
    lib.deleteScene(5);
    const p2 = await find(stash, 'findScenes', SCENE_LISTING, { filter: { sort: 'id', per_page: 10, page: 2 } });
    // Scene 11 slid onto page 1 after it was read, so no page ever shows it.
    expect(ids(p1.rows)).toContain(10);
    expect(ids(p2.rows)[0]).toBe(12);
    expect([...ids(p1.rows), ...ids(p2.rows)]).not.toContain(11);
  });

  it('lets tests change data between pages through beforeExecute', async () => {
    let calls = 0;
    stash.beforeExecute = () => {
      if (calls++ === 1) lib.createScene({ title: 'AAA first' });
    };
    const p1 = await find(stash, 'findScenes', SCENE_LISTING, { filter: { sort: 'title', per_page: 5, page: 1 } });
    const p2 = await find(stash, 'findScenes', SCENE_LISTING, { filter: { sort: 'title', per_page: 5, page: 2 } });
    stash.beforeExecute = null;
    // The insert sorted first and pushed page 1's last row onto page 2: it is read twice.
    expect(ids(p2.rows)[0]).toBe(ids(p1.rows)[4]);
  });
});

describe('sorting and ties', () => {
  /** Rows that tie on (updated_at, secondary key): only a shuffle can tell their order apart. */
  function tieLibrary(): FakeLibrary {
    const lib = new FakeLibrary(createClock());
    for (let i = 0; i < 40; i++) lib.createScene({ title: '' });
    for (let i = 0; i < 40; i++) lib.createPerformer({ name: i % 2 ? 'Same Name' : 'same name' });
    const tag = lib.createTag({ name: 'T' });
    const scene = lib.createScene({ title: 'm' });
    for (let i = 0; i < 40; i++) lib.createMarker({ sceneId: scene.id, primaryTagId: tag.id, seconds: 5 });
    return lib;
  }
  const orders = async (stash: FakeStash, root: Root, query: string, filter: Record<string, unknown>, n: number) => {
    const out = new Set<string>();
    for (let i = 0; i < n; i++) out.add(ids((await find(stash, root, query, { filter })).rows).join(','));
    return out;
  };

  it('shuffles rows that tie on both sort keys differently between requests', async () => {
    const stash = await startFakeStash({ library: tieLibrary(), tieOrder: 'shuffle', seed: 7 });
    try {
      const f = { sort: 'updated_at', per_page: -1 };
      expect((await orders(stash, 'findScenes', SCENE_LISTING, f, 5)).size).toBeGreaterThan(1);
      expect((await orders(stash, 'findPerformers', PERFORMER_LISTING, f, 5)).size).toBeGreaterThan(1);
      expect((await orders(stash, 'findSceneMarkers', MARKER_LISTING, f, 5)).size).toBeGreaterThan(1);
      // Paging through ties can then repeat some rows and skip others.
      const seen: number[] = [];
      for (let page = 1; page <= 4; page++) {
        seen.push(...ids((await find(stash, 'findScenes', SCENE_LISTING, { filter: { sort: 'updated_at', per_page: 10, page } })).rows));
      }
      expect(seen).toHaveLength(40);
      expect(new Set(seen).size).toBeLessThan(40);
      // No sort at all: no ORDER BY, so even a whole listing comes back in any order.
      expect((await orders(stash, 'findScenes', SCENE_LISTING, { per_page: -1 }, 5)).size).toBeGreaterThan(1);
    } finally {
      await stash.close();
    }
  });

  it("never reorders ties in 'stable' mode", async () => {
    const stash = await startFakeStash({ library: tieLibrary(), tieOrder: 'stable' });
    try {
      const f = { sort: 'updated_at', per_page: -1 };
      expect((await orders(stash, 'findScenes', SCENE_LISTING, f, 4)).size).toBe(1);
      expect((await orders(stash, 'findPerformers', PERFORMER_LISTING, f, 4)).size).toBe(1);
      expect((await orders(stash, 'findScenes', SCENE_LISTING, { per_page: -1 }, 4)).size).toBe(1);
    } finally {
      await stash.close();
    }
  });

  it('orders by the requested key, then the non-unique secondary key, ascending by default', async () => {
    const clock = createClock();
    const lib = new FakeLibrary(clock);
    const b = lib.createPerformer({ name: 'Bea' });
    const a = lib.createPerformer({ name: 'anna' });
    clock.advance(5);
    const c = lib.createPerformer({ name: 'Cleo' });
    const stash = await startFakeStash({ library: lib, tieOrder: 'shuffle' });
    try {
      const asc = await find(stash, 'findPerformers', PERFORMER_LISTING, { filter: { sort: 'updated_at' } });
      expect(ids(asc.rows)).toEqual([a.id, b.id, c.id]);
      // DESC flips only the requested key; the name stays ascending among equal stamps.
      const desc = await find(stash, 'findPerformers', PERFORMER_LISTING, {
        filter: { sort: 'updated_at', direction: 'DESC' },
      });
      expect(ids(desc.rows)).toEqual([c.id, a.id, b.id]);
      const byId = await find(stash, 'findPerformers', PERFORMER_LISTING, { filter: { sort: 'id', direction: 'DESC' } });
      expect(ids(byId.rows)).toEqual([c.id, a.id, b.id]);
      const byName = await find(stash, 'findPerformers', PERFORMER_LISTING, {});
      expect(ids(byName.rows)).toEqual([a.id, b.id, c.id]);
    } finally {
      await stash.close();
    }
  });

  it('orders mixed-offset stamps exactly as text, with the secondary keys after them', async () => {
    const lib = generateLibrary({ seed: 9, size: { performers: 200, tags: 60, scenes: 600, markers: 3000 }, dst: true });
    const m = lib.createMarker({ sceneId: [...lib.scenes.keys()][0] as number, primaryTagId: 1 });
    m.updated_at = '2023-06-01T10:00:00Z';
    lib.invalidate();
    expect(new Set([...lib.markers.values()].map((x) => x.updated_at.slice(19)))).toEqual(new Set(['+01:00', '+02:00', 'Z']));
    const stash = await startFakeStash({ library: lib, tieOrder: 'stable' });
    try {
      const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      for (const direction of ['ASC', 'DESC'] as const) {
        const sign = direction === 'ASC' ? 1 : -1;
        const got = await find(stash, 'findSceneMarkers', MARKER_ROWS, { filter: { sort: 'updated_at', direction, per_page: -1 } });
        const key = (r: Row) => [r.updated_at, Number((r.scene as { id: string }).id), r.seconds as number] as const;
        const expected = got.rows.map(key).sort((a, b) => sign * text(a[0], b[0]) || a[1] - b[1] || a[2] - b[2]);
        expect(got.rows.map(key)).toEqual(expected);
      }
    } finally {
      await stash.close();
    }
  });

  it('rejects an unknown sort for every entity', async () => {
    const stash = await startFakeStash({ library: smallLibrary() });
    try {
      for (const [query, root] of [
        [PERFORMER_LISTING, 'findPerformers'],
        [TAG_LISTING, 'findTags'],
        [SCENE_LISTING, 'findScenes'],
        [MARKER_LISTING, 'findSceneMarkers'],
      ] as const) {
        const r = await post(stash.url, query, { filter: { sort: 'nonsense' } });
        expect(r.status).toBe(200);
        expect(r.errors?.[0]?.message).toBe('invalid sort: nonsense');
        expect(r.data).toBeNull();
        const ok = await post(stash.url, query, { filter: { sort: 'updated_at', direction: 'DESC' } });
        expect(ok.errors, root).toBeUndefined();
      }
    } finally {
      await stash.close();
    }
  });
});

describe('timestamps are strings compared as strings', () => {
  const TS = (value: string, modifier: string, value2?: string) => ({ value, modifier, ...(value2 ? { value2 } : {}) });
  let stash: FakeStash;
  let lib: FakeLibrary;
  let clock: FakeClock;
  const filtered = async (criterion: unknown) =>
    ids(
      (
        await find(stash, 'findScenes', SCENE_ROWS, {
          filter: { sort: 'id', per_page: -1 },
          scene_filter: { updated_at: criterion },
        })
      ).rows,
    );

  beforeAll(async () => {
    clock = createClock({ start: '2025-01-10T13:02:30Z', offset: '+01:00' });
    lib = new FakeLibrary(clock);
    lib.createScene({ title: 'a' }); // 14:02:30+01:00
    clock.advance(30);
    lib.createScene({ title: 'b' }); // 14:03:00+01:00
    clock.advance(59);
    lib.createScene({ title: 'c' }); // 14:03:59+01:00
    clock.advance(1);
    lib.createScene({ title: 'd' }); // 14:04:00+01:00
    stash = await startFakeStash({ library: lib, tieOrder: 'stable' });
  });
  afterAll(() => stash.close());

  it('stamps whole seconds in the server offset and echoes them exactly', async () => {
    const { rows } = await find(stash, 'findScenes', SCENE_LISTING, { filter: { sort: 'id' } });
    expect(rows.map((r) => r.updated_at)).toEqual([
      '2025-01-10T14:02:30+01:00',
      '2025-01-10T14:03:00+01:00',
      '2025-01-10T14:03:59+01:00',
      '2025-01-10T14:04:00+01:00',
    ]);
  });

  it('supports EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN, BETWEEN (inclusive) and NOT_BETWEEN', async () => {
    expect(await filtered(TS('2025-01-10T14:03:00+01:00', 'EQUALS'))).toEqual([2]);
    expect(await filtered(TS('2025-01-10T14:03:00+01:00', 'NOT_EQUALS'))).toEqual([1, 3, 4]);
    expect(await filtered(TS('2025-01-10T14:03:00+01:00', 'GREATER_THAN'))).toEqual([3, 4]);
    expect(await filtered(TS('2025-01-10T14:03:00+01:00', 'LESS_THAN'))).toEqual([1]);
    expect(await filtered(TS('2025-01-10T14:03:00+01:00', 'BETWEEN', '2025-01-10T14:03:59+01:00'))).toEqual([2, 3]);
    expect(await filtered(TS('2025-01-10T14:03:00+01:00', 'NOT_BETWEEN', '2025-01-10T14:03:59+01:00'))).toEqual([1, 4]);
  });

  it('treats a value without seconds as a prefix: GREATER_THAN 14:03 means "at or after that minute"', async () => {
    expect(await filtered(TS('2025-01-10T14:03', 'GREATER_THAN'))).toEqual([2, 3, 4]);
    expect(await filtered(TS('2025-01-10T14:03', 'EQUALS'))).toEqual([]);
  });

  it('does not convert offsets: the same instant written in UTC compares as a different string', async () => {
    // 13:03:00Z is 14:03:00+01:00, yet as text it sorts before every stored stamp.
    expect(await filtered(TS('2025-01-10T13:03:00Z', 'GREATER_THAN'))).toEqual([1, 2, 3, 4]);
  });

  it('after a DST fall-back, later writes sort before earlier ones', async () => {
    const c = createClock({ start: '2024-10-27T00:30:00Z', offset: '+02:00' });
    const l = new FakeLibrary(c);
    const before = l.createPerformer({ name: 'before' }); // 02:30:00+02:00
    c.advance(1800);
    c.setOffset('+01:00');
    const after = l.createPerformer({ name: 'after' }); // 02:00:00+01:00, half an hour LATER
    expect(before.updated_at).toBe('2024-10-27T02:30:00+02:00');
    expect(after.updated_at).toBe('2024-10-27T02:00:00+01:00');
    const s = await startFakeStash({ library: l });
    try {
      const since = await find(s, 'findPerformers', PERFORMER_LISTING, {});
      expect(since.count).toBe(2);
      const newer = await post<{ findPerformers: { performers: Row[] } }>(s.url, PERFORMER_ROWS, {
        performer_filter: { updated_at: { value: before.updated_at, modifier: 'GREATER_THAN' } },
      });
      expect(newer.data?.findPerformers.performers).toEqual([]); // the later write is invisible
      const sorted = await find(s, 'findPerformers', PERFORMER_LISTING, { filter: { sort: 'updated_at' } });
      expect(ids(sorted.rows)).toEqual([after.id, before.id]);
    } finally {
      await s.close();
    }
  });

  it('stamps Z on a UTC server', () => {
    const c = createClock({ offset: 'Z' });
    expect(c.now()).toBe('2025-01-10T12:00:00Z');
    c.advance(1.7);
    expect(c.now()).toBe('2025-01-10T12:00:01Z');
  });
});

describe('filters', () => {
  let stash: FakeStash;
  let lib: FakeLibrary;
  let clock: FakeClock;
  beforeAll(async () => {
    clock = createClock();
    lib = smallLibrary(clock);
    stash = await startFakeStash({ library: lib, tieOrder: 'stable' });
  });
  afterAll(() => stash.close());

  it('filters scenes by id', async () => {
    const run = async (c: unknown) =>
      ids((await find(stash, 'findScenes', SCENE_ROWS, { filter: { sort: 'id', per_page: -1 }, scene_filter: { id: c } })).rows);
    expect(await run({ value: 3, modifier: 'EQUALS' })).toEqual([3]);
    expect(await run({ value: 28, modifier: 'GREATER_THAN' })).toEqual([29, 30]);
    expect(await run({ value: 3, modifier: 'LESS_THAN' })).toEqual([1, 2]);
    expect(await run({ value: 2, value2: 4, modifier: 'BETWEEN' })).toEqual([2, 3, 4]);
    expect(await run({ value: 2, value2: 29, modifier: 'NOT_BETWEEN' })).toEqual([1, 30]);
    expect(await run({ value: 1, modifier: 'NOT_EQUALS' })).toHaveLength(29);
  });

  it('filters scenes through their files (any file matches; a fileless scene always does, as in Stash)', async () => {
    clock.advance(100);
    lib.rescanFile(2, { size: 1 });
    const stamp = clock.now();
    const run = async (sceneFilter: Record<string, unknown>) =>
      ids((await find(stash, 'findScenes', SCENE_ROWS, { filter: { sort: 'id', per_page: -1 }, scene_filter: sceneFilter })).rows);
    const filesFilter = { files_filter: { updated_at: { value: stamp, modifier: 'EQUALS' } } };
    const fileless = [...lib.scenes.values()].filter((s) => s.files.length === 0).map((s) => s.id);
    expect(fileless.length).toBeGreaterThan(0);
    expect(await run(filesFilter)).toEqual([2, ...fileless].sort((a, b) => a - b));
    expect(await run({ ...filesFilter, file_count: { value: 0, modifier: 'GREATER_THAN' } })).toEqual([2]);
    expect(await run({ file_count: { value: 0, modifier: 'EQUALS' } })).toEqual(fileless.sort((a, b) => a - b));
  });

  it('filters markers by scenes, scene_filter and scene_updated_at', async () => {
    const run = async (f: unknown) =>
      ids((await find(stash, 'findSceneMarkers', MARKER_ROWS, { filter: { sort: 'id', per_page: -1 }, scene_marker_filter: f })).rows);
    expect(await run({ scenes: { value: ['3', '4'], modifier: 'INCLUDES' } })).toEqual([3, 4]);
    expect((await run({ scenes: { value: ['3'], modifier: 'EXCLUDES' } })).includes(3)).toBe(false);
    expect(await run({ scene_filter: { id: { value: 28, modifier: 'GREATER_THAN' } } })).toEqual([29, 30]);
    const s7 = lib.scenes.get(7);
    expect(await run({ scene_updated_at: { value: s7?.updated_at, modifier: 'EQUALS' } })).toEqual([7]);
    expect(await run({ scene_filter: { updated_at: { value: s7?.updated_at, modifier: 'EQUALS' } } })).toEqual([7]);
  });

  it('filters performers and tags by updated_at', async () => {
    clock.advance(10);
    lib.updatePerformer(2, {});
    lib.updateTag(3, {});
    const since = { value: clock.now(), modifier: 'EQUALS' };
    expect(ids((await find(stash, 'findPerformers', PERFORMER_ROWS, { performer_filter: { updated_at: since } })).rows)).toEqual([2]);
    expect(ids((await find(stash, 'findTags', TAG_ROWS, { tag_filter: { updated_at: since } })).rows)).toEqual([3]);
  });

  it('searches with q: every word must match, -word must not', async () => {
    const q = async (text: string) => ids((await find(stash, 'findScenes', SCENE_LISTING, { filter: { q: text, sort: 'id', per_page: -1 } })).rows);
    expect(await q('scene 2')).toEqual([2, 12, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(await q('"Scene 2" -21 -22 -23 -24 -25 -26 -27 -28 -29')).toEqual([2]);
  });

  it('sees rows a test edited in place, even without invalidate()', async () => {
    const row = lib.scenes.get(11);
    if (!row) throw new Error('scene 11 missing');
    const warm = await find(stash, 'findScenes', SCENE_ROWS, { filter: { sort: 'updated_at', per_page: -1 } });
    expect(ids(warm.rows).at(-1)).not.toBe(11);
    row.updated_at = '2099-01-01T00:00:00+01:00';
    const after = await find(stash, 'findScenes', SCENE_ROWS, { filter: { sort: 'updated_at', per_page: -1 } });
    expect(ids(after.rows).at(-1)).toBe(11);
    const since = await find(stash, 'findScenes', SCENE_ROWS, {
      scene_filter: { updated_at: { value: '2098', modifier: 'GREATER_THAN' } },
    });
    expect(ids(since.rows)).toEqual([11]);
  });

  it('counts the filtered result, not the table', async () => {
    const r = await find(stash, 'findScenes', SCENE_ROWS, {
      filter: { per_page: 1 },
      scene_filter: { id: { value: 10, modifier: 'LESS_THAN' } },
    });
    expect(r.count).toBe(9);
    expect(r.rows).toHaveLength(1);
  });
});

describe('ids lookups', () => {
  let stash: FakeStash;
  beforeAll(async () => {
    stash = await startFakeStash({ library: smallLibrary() });
  });
  afterAll(() => stash.close());

  it('returns rows in the order of ids and ignores every filter and paging', async () => {
    const r = await find(stash, 'findScenes', SCENE_ROWS, {
      ids: ['9', '3', '27'],
      filter: { per_page: 1, sort: 'bogus' },
      scene_filter: { id: { value: 100, modifier: 'GREATER_THAN' } },
    });
    expect(ids(r.rows)).toEqual([9, 3, 27]);
    expect(r.count).toBe(3);
  });

  it('fails the whole query on one missing id, naming it like Stash', async () => {
    const cases = [
      [SCENE_ROWS, 'scene with id 999 not found'],
      [MARKER_ROWS, 'scene marker with id 999 not found'],
      [PERFORMER_ROWS, 'performer with id 999 not found'],
      [TAG_ROWS, 'tag with id 999 not found'],
    ] as const;
    for (const [query, message] of cases) {
      const r = await post(stash.url, query, { ids: ['1', '999', '2'] });
      expect(r.status).toBe(200);
      expect(r.data).toBeNull();
      expect(r.errors?.map((e) => e.message)).toEqual([message]);
    }
  });

  it('rejects duplicate ids', async () => {
    const r = await post(stash.url, SCENE_ROWS, { ids: ['4', '5', '4'] });
    expect(r.data).toBeNull();
    expect(r.errors?.[0]?.message).toBe('scene with id 4 not found');
  });
});

describe('large pages', () => {
  it('fails a page of more markers than Stash can bind in one statement, as Stash does', async () => {
    const library = generateLibrary({ seed: 3, size: { performers: 5, tags: 5, scenes: 20, markers: MAX_MARKERS_PER_QUERY + 1 } });
    const stash = await startFakeStash({ library });
    try {
      const whole = await post(stash.url, MARKER_ROWS, { filter: { per_page: -1 } });
      expect(whole.data).toBeNull();
      expect(whole.errors?.map((e) => e.message)).toEqual(['too many SQL variables']);
      const byIds = await post(stash.url, MARKER_ROWS, { ids: [...library.markers.keys()].map(String) });
      expect(byIds.errors?.map((e) => e.message)).toEqual(['too many SQL variables']);
      const largest = await find(stash, 'findSceneMarkers', MARKER_ROWS, { filter: { per_page: MAX_MARKERS_PER_QUERY } });
      expect(largest.rows).toHaveLength(MAX_MARKERS_PER_QUERY);
      expect(largest.count).toBe(MAX_MARKERS_PER_QUERY + 1);
    } finally {
      await stash.close();
    }
  });
});

describe('what bumps updated_at, and what does not', () => {
  let clock: FakeClock;
  let lib: FakeLibrary;
  let stash: FakeStash;
  afterEach(() => stash.close());
  const setup = async () => {
    clock = createClock();
    lib = smallLibrary(clock);
    clock.advance(60);
    stash = await startFakeStash({ library: lib, tieOrder: 'stable' });
  };
  const snapshot = () => ({
    scenes: new Map([...lib.scenes.values()].map((s) => [s.id, s.updated_at])),
    markers: new Map([...lib.markers.values()].map((m) => [m.id, m.updated_at])),
    tags: new Map([...lib.tags.values()].map((t) => [t.id, t.updated_at])),
    performers: new Map([...lib.performers.values()].map((p) => [p.id, p.updated_at])),
  });

  it('bulk updates share one stamp taken before the work, older than rows written meanwhile', async () => {
    await setup();
    const before = clock.now();
    lib.bulkUpdateScenes([3, 4, 5], { tagIds: { mode: 'ADD', ids: [1] }, title: 'bulk' });
    const after = clock.now();
    expect(after > before).toBe(true);
    const s = await find(stash, 'findScenes', SCENE_ROWS, { ids: ['3', '4', '5'] });
    expect(new Set(s.rows.map((r) => r.updated_at))).toEqual(new Set([before]));
    expect(s.rows.every((r) => (r.tags as { id: string }[]).some((t) => t.id === '1'))).toBe(true);
    const next = lib.updateScene(6, {});
    expect(next.updated_at > before).toBe(true);
    // A client that read scene 6 and remembers its stamp as a high-water mark misses the bulk rows.
    const since = await find(stash, 'findScenes', SCENE_ROWS, {
      scene_filter: { updated_at: { value: next.updated_at, modifier: 'GREATER_THAN' } },
    });
    expect(since.count).toBe(0);
  });

  it('every update bumps even when nothing changed; ids are never reused', async () => {
    await setup();
    const old = lib.scenes.get(8)?.updated_at;
    lib.updateScene(8, {});
    expect(lib.scenes.get(8)?.updated_at).not.toBe(old);
    const created = lib.createScene({});
    lib.deleteScene(created.id);
    expect(lib.createScene({}).id).toBe(created.id + 1);
  });

  it('merging tags re-points everything and bumps nothing, not even the destination', async () => {
    await setup();
    const before = snapshot();
    // Tag 1 (Root) is every marker's primary tag and Mid's parent; tag 3 (Other) is a marker tag and Leaf's parent.
    lib.mergeTags([1, 3], 2);
    expect(snapshot().scenes).toEqual(before.scenes);
    expect(snapshot().markers).toEqual(before.markers);
    expect(lib.tags.get(2)?.updated_at).toBe(before.tags.get(2));
    const m = await find(stash, 'findSceneMarkers', MARKER_ROWS, { ids: ['1'] });
    expect(m.rows[0]?.primary_tag).toEqual({ id: '2' });
    expect(m.rows[0]?.tags).toEqual([]); // re-pointed to 2, which is now the primary tag
    const t = await find(stash, 'findTags', TAG_ROWS, { filter: { sort: 'id', per_page: -1 } });
    expect(ids(t.rows)).toEqual([2, 4]);
    expect(t.rows[1]?.parents).toEqual([{ id: '2' }]);
    const gone = await post(stash.url, TAG_ROWS, { ids: ['1'] });
    expect(gone.errors?.[0]?.message).toBe('tag with id 1 not found');
  });

  it('merging scenes moves markers without bumping them and bumps the destination', async () => {
    await setup();
    const before = snapshot();
    lib.mergeScenes([4, 5], 3);
    const m = await find(stash, 'findSceneMarkers', MARKER_ROWS, { ids: ['4', '5'] });
    expect(m.rows.map((r) => (r.scene as { id: string }).id)).toEqual(['3', '3']);
    expect(m.rows.map((r) => r.updated_at)).toEqual([before.markers.get(4), before.markers.get(5)]);
    expect(lib.scenes.get(3)?.updated_at).not.toBe(before.scenes.get(3));
    expect(lib.scenes.get(3)?.files).toHaveLength(3);
    const gone = await post(stash.url, SCENE_ROWS, { ids: ['4'] });
    expect(gone.errors?.[0]?.message).toBe('scene with id 4 not found');
  });

  it('deleting a performer or tag drops the references silently; deleting a scene deletes its markers', async () => {
    await setup();
    const before = snapshot();
    lib.deletePerformer(2);
    expect(lib.scenes.get(2)?.performerIds).toEqual([1]);
    lib.deleteTag(3);
    expect(lib.markers.get(1)?.tagIds).toEqual([1]);
    expect(lib.tags.get(4)?.parentIds).toEqual([2]);
    expect(snapshot().scenes).toEqual(before.scenes);
    expect(snapshot().markers).toEqual(before.markers);
    expect(lib.tags.get(4)?.updated_at).toBe(before.tags.get(4));
    expect(() => lib.deleteTag(1)).toThrow(/primary tag/);
    lib.deleteScene(6);
    expect([...lib.markers.values()].some((m) => m.sceneId === 6)).toBe(false);
    const s = await find(stash, 'findScenes', SCENE_ROWS, { ids: ['2'] });
    expect(s.rows[0]?.performers).toEqual([{ id: '1' }]);
    expect(s.rows[0]?.updated_at).toBe(before.scenes.get(2));
  });

  it('markers: creating, editing or deleting one never bumps its scene; editing bumps the marker', async () => {
    await setup();
    const before = snapshot();
    const m = lib.createMarker({ sceneId: 9, primaryTagId: 2, title: 'x', seconds: 1.5 });
    lib.updateMarker(9, { title: 'edited' });
    lib.deleteMarker(m.id);
    expect(lib.scenes.get(9)?.updated_at).toBe(before.scenes.get(9));
    expect(lib.markers.get(9)?.updated_at).not.toBe(before.markers.get(9));
  });

  it('rescanning a file changes only the file row; the parent tag of an edited edge is not bumped', async () => {
    await setup();
    const before = snapshot();
    lib.rescanFile(10, { basename: 'renamed é.mkv', size: 5_000_000_000, duration: 12.25 });
    const s = await find(stash, 'findScenes', SCENE_ROWS, { ids: ['10'] });
    const file = (s.rows[0]?.files as { basename: string; size: number; duration: number; updated_at: string }[])[0];
    expect(file).toEqual({ basename: 'renamed é.mkv', size: 5_000_000_000, duration: 12.25, updated_at: clock.now() });
    expect(s.rows[0]?.updated_at).toBe(before.scenes.get(10));
    lib.setTagParents(3, [1]);
    expect(lib.tags.get(3)?.updated_at).not.toBe(before.tags.get(3));
    expect(lib.tags.get(1)?.updated_at).toBe(before.tags.get(1));
    expect(() => lib.setTagParents(1, [4])).toThrow(/ancestor/);
  });
});

describe('authentication', () => {
  it('requires the configured key in the ApiKey header or the apikey query parameter', async () => {
    const stash = await startFakeStash({ library: smallLibrary(), apiKey: 'secret' });
    try {
      const none = await fetch(stash.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: SERVER_IDENTITY }),
      });
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toContain('text/plain');
      const wrong = await post(stash.url, SERVER_IDENTITY, {}, { ApiKey: 'nope' });
      expect(wrong.status).toBe(401);
      expect(wrong.contentType).toContain('text/plain');
      const right = await post(stash.url, SERVER_IDENTITY, {}, { ApiKey: 'secret' });
      expect(right.status).toBe(200);
      const param = await post(`${stash.url}?apikey=secret`, SERVER_IDENTITY);
      expect(param.status).toBe(200);
      const image = await fetch(`${stash.origin}/performer/1/image?apikey=secret`);
      expect(image.status).toBe(200);
      expect((await fetch(`${stash.origin}/performer/1/image`)).status).toBe(401);
      const screenshot = `${stash.origin}/scene/1/scene_marker/1/screenshot`;
      expect((await fetch(screenshot)).status).toBe(401);
      expect((await fetch(screenshot, { headers: { ApiKey: 'secret' } })).status).toBe(200);
    } finally {
      await stash.close();
    }
  });

  it('rejects a key sent to a server that has none', async () => {
    const stash = await startFakeStash({ library: smallLibrary() });
    try {
      const r = await post(stash.url, SERVER_IDENTITY, {}, { ApiKey: 'anything' });
      expect(r.status).toBe(401);
      expect(r.contentType).toContain('text/plain');
      expect((await post(stash.url, SERVER_IDENTITY)).status).toBe(200);
    } finally {
      await stash.close();
    }
  });
});

describe('fault injection', () => {
  let stash: FakeStash;
  beforeAll(async () => {
    stash = await startFakeStash({ library: smallLibrary() });
  });
  afterEach(() => stash.faults.clear());
  afterAll(() => stash.close());

  const raw = (query = SCENE_LISTING) =>
    fetch(stash.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query }) });

  it.each([
    ['http500', 500],
    ['http502', 502],
    ['http503', 503],
  ] as const)('%s answers %i with a plain body, once', async (kind, status) => {
    stash.faults.inject(kind);
    const r = await raw();
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toContain('text/plain');
    expect((await raw()).status).toBe(200);
  });

  it('drop closes the connection without a response', async () => {
    stash.faults.inject('drop');
    await expect(raw()).rejects.toThrow();
    expect(stash.requests.at(-1)).toMatchObject({ status: 0, fault: 'drop' });
    expect((await raw()).status).toBe(200);
  });

  it('html answers 200 with an HTML page', async () => {
    stash.faults.inject('html');
    const r = await raw();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(await r.text()).toMatch(/<html/i);
  });

  it('notJson answers 200 application/json with a body that does not parse', async () => {
    stash.faults.inject('notJson');
    const r = await raw();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    const text = await r.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('malformed answers valid JSON of the wrong shape for the requested root field', async () => {
    stash.faults.inject('malformed');
    const r = await raw();
    expect(await r.json()).toEqual({ data: { findScenes: { count: 'x', scenes: [{ id: null }] } } });
    stash.faults.inject('malformed');
    const m = await raw(MARKER_LISTING);
    expect(await m.json()).toEqual({ data: { findSceneMarkers: { count: 'x', scene_markers: [{ id: null }] } } });
  });

  it('graphqlError answers 200 with errors', async () => {
    stash.faults.inject('graphqlError');
    const r = await raw();
    expect(r.status).toBe(200);
    const body = (await r.json()) as { errors: unknown[]; data: unknown };
    expect(body.errors.length).toBeGreaterThan(0);
    expect(body.data).toBeNull();
  });

  it('slow delays the answer, then answers normally', async () => {
    stash.faults.inject('slow', { delayMs: 300 });
    const t = performance.now();
    const r = await raw();
    expect(performance.now() - t).toBeGreaterThanOrEqual(280);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { data: { findScenes: { count: number } } }).data.findScenes.count).toBe(30);
  });

  it('honours times, afterRequests and operationName', async () => {
    stash.faults.inject('http503', { times: 2, afterRequests: 1, operationName: 'SceneListing' });
    expect((await raw(TAG_LISTING)).status).toBe(200); // other operation: not matched
    expect((await raw()).status).toBe(200); // first match passes
    expect((await raw()).status).toBe(503);
    expect((await raw(TAG_LISTING)).status).toBe(200);
    expect((await raw()).status).toBe(503);
    expect((await raw()).status).toBe(200);
    expect(stash.faults.pending).toBe(0);
  });

  it('covers every fault kind', () => {
    const kinds: FaultKind[] = ['http500', 'http502', 'http503', 'drop', 'html', 'notJson', 'malformed', 'graphqlError', 'slow'];
    for (const k of kinds) stash.faults.inject(k);
    expect(stash.faults.pending).toBe(kinds.length);
  });
});

describe('latency, as of a Stash on another machine', () => {
  it('delays every answer by the latency, requests waiting side by side', async () => {
    const stash = await startFakeStash({ library: smallLibrary(), latencyMs: 250 });
    try {
      const ask = async () => {
        const started = performance.now();
        const r = await fetch(stash.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ query: SCENE_LISTING }),
        });
        const body = (await r.json()) as { data: { findScenes: { count: number } } };
        return { elapsed: performance.now() - started, count: body.data.findScenes.count, done: performance.now() };
      };
      const [a, b] = await Promise.all([ask(), ask()]);
      for (const answer of [a, b]) {
        expect(answer.elapsed).toBeGreaterThanOrEqual(240);
        expect(answer.count).toBe(30);
      }
      // Side by side: the second answer does not wait for the first one's latency as well.
      expect(Math.abs(a.done - b.done)).toBeLessThan(240);
    } finally {
      await stash.close();
    }
  });
});

describe('generated libraries', () => {
  const lib = generateLibrary({ seed: 42, size: SAMPLE_SIZE });
  const scenes = [...lib.scenes.values()];
  const performers = [...lib.performers.values()];
  const tags = [...lib.tags.values()];
  const markers = [...lib.markers.values()];

  it('has the requested size', () => {
    expect([performers.length, tags.length, scenes.length, markers.length]).toEqual([
      SAMPLE_SIZE.performers,
      SAMPLE_SIZE.tags,
      SAMPLE_SIZE.scenes,
      SAMPLE_SIZE.markers,
    ]);
  });

  it('is deterministic for a seed and different for another', () => {
    const dump = (l: FakeLibrary) =>
      JSON.stringify([[...l.performers.values()], [...l.tags.values()], [...l.scenes.values()], [...l.markers.values()]]);
    const size = { performers: 50, tags: 30, scenes: 200, markers: 500 };
    const a = generateLibrary({ seed: 5, size });
    expect(dump(generateLibrary({ seed: 5, size }))).toBe(dump(a));
    expect(dump(generateLibrary({ seed: 6, size }))).not.toBe(dump(a));
  });

  it('is nasty: unicode, very long names, partial dates, null titles, odd file counts, huge files', () => {
    const names = [...performers.map((p) => p.name), ...tags.map((t) => t.name)];
    expect(names.some((n) => /[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]/.test(n))).toBe(true); // CJK
    expect(names.some((n) => /\p{Extended_Pictographic}/u.test(n))).toBe(true); // emoji
    expect(names.some((n) => /[àáâäçèéêëíñóöúüßøłœ]/i.test(n))).toBe(true); // accents
    expect(names.some((n) => n !== n.normalize('NFC'))).toBe(true); // decomposed accents
    expect(names.some((n) => n.length >= 200)).toBe(true);
    const dates = scenes.map((s) => s.date);
    expect(dates.some((d) => d !== null && /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
    expect(dates.some((d) => d !== null && /^\d{4}-\d{2}$/.test(d))).toBe(true);
    expect(dates.some((d) => d !== null && /^\d{4}$/.test(d))).toBe(true);
    expect(dates.includes(null)).toBe(true);
    expect(scenes.some((s) => s.title === null)).toBe(true);
    expect(scenes.some((s) => s.files.length === 0)).toBe(true);
    expect(scenes.some((s) => s.files.length === 2)).toBe(true);
    expect(scenes.some((s) => s.files.some((f) => f.size > 2 ** 31))).toBe(true);
    expect(scenes.every((s) => s.files.every((f) => Number.isSafeInteger(f.size)))).toBe(true);
    const basenames = scenes.flatMap((s) => s.files.map((f) => f.basename));
    expect(basenames.every((b) => /^[^/\\]+\.\w+$/.test(b))).toBe(true); // a name and an extension, no folder
    expect(basenames.some((b) => b.includes(' '))).toBe(true);
    expect(basenames.some((b) => /^IMG_\d{4}\./.test(b))).toBe(true);
    expect(basenames.some((b) => [...b].some((c) => c.codePointAt(0)! > 0x7f))).toBe(true); // beyond ASCII
    expect(scenes.some((s) => s.title === null && s.files.length > 0)).toBe(true); // shown by its basename
    expect(scenes.some((s) => (s.details?.length ?? 0) >= 10_240)).toBe(true);
    expect(markers.some((m) => m.title === '')).toBe(true);
    expect(markers.some((m) => m.end_seconds === null)).toBe(true);
    expect(performers.some((p) => p.gender === null)).toBe(true);
  });

  it('builds tag hierarchies several levels deep with multi-parent tags and no cycles', () => {
    expect(tags.some((t) => t.parentIds.length >= 2)).toBe(true);
    const depth = (id: number, seen: Set<number> = new Set()): number => {
      if (seen.has(id)) throw new Error('cycle');
      const t = lib.tags.get(id);
      if (!t || t.parentIds.length === 0) return 0;
      return 1 + Math.max(...t.parentIds.map((p) => depth(p, new Set([...seen, id]))));
    };
    expect(Math.max(...tags.map((t) => depth(t.id)))).toBeGreaterThanOrEqual(3);
    expect(new Set(tags.map((t) => t.name.toLowerCase())).size).toBe(tags.length);
  });

  it('stamps history in the past, with many rows sharing one second', () => {
    const now = lib.clock.now();
    expect(scenes.every((s) => s.created_at <= s.updated_at && s.updated_at < now)).toBe(true);
    const perSecond = new Map<string, number>();
    for (const m of markers) perSecond.set(m.updated_at, (perSecond.get(m.updated_at) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeGreaterThanOrEqual(20);
    expect(new Set(scenes.map((s) => s.created_at.slice(0, 7))).size).toBeGreaterThan(12); // spread over months
    expect(scenes.every((s) => s.updated_at.endsWith('+01:00'))).toBe(true);
  });

  it('keeps ids increasing after generation, past any gaps', () => {
    const maxScene = Math.max(...lib.scenes.keys());
    expect(lib.createScene({ title: 'new' }).id).toBe(maxScene + 1);
  });

  it('serves a generated library identically through the fast executor and graphql-js', async () => {
    const small = generateLibrary({ seed: 3, size: { performers: 40, tags: 30, scenes: 120, markers: 400 } });
    const fast = await startFakeStash({ library: small, tieOrder: 'stable' });
    const ref = await startFakeStash({ library: small, tieOrder: 'stable', executor: 'graphql-js' });
    try {
      const docs = [
        [SERVER_IDENTITY, {}],
        [PERFORMER_ROWS, { filter: { per_page: -1, sort: 'updated_at' } }],
        [TAG_ROWS, { filter: { per_page: -1, sort: 'id' } }],
        [SCENE_ROWS, { filter: { per_page: 50, page: 2, sort: 'updated_at', direction: 'DESC' } }],
        [MARKER_ROWS, { filter: { per_page: -1, sort: 'id' } }],
        [MARKER_ROWS, { ids: ['1', '999999'] }],
        [SCENE_LISTING, { filter: { sort: 'invalid' } }],
      ] as const;
      for (const [query, variables] of docs) {
        const a = await post(fast.url, query, variables);
        const b = await post(ref.url, query, variables);
        // Only the origin inside image URLs differs between the two servers.
        expect(JSON.stringify(a.data).replaceAll(fast.origin, 'ORIGIN')).toBe(JSON.stringify(b.data).replaceAll(ref.origin, 'ORIGIN'));
        expect(a.errors?.map((e) => e.message)).toEqual(b.errors?.map((e) => e.message));
      }
    } finally {
      await fast.close();
      await ref.close();
    }
  });
});
