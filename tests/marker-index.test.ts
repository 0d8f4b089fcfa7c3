/**
 * The in-memory index against a brute-force reference on seeded random libraries: which markers a
 * query matches, its facets and its hits' tags and performers (matching starts from the fewest
 * markers a condition reaches, so every kind of condition is combined with every other; some tags
 * and performers are stale, with rows still pointing at them), and that looking words up only among
 * the rows textScope names gives the same answer as looking them up in the whole library. Then the
 * orders that need no database: scene titles and update times.
 */
import { describe, expect, it } from 'vitest';
import { MarkerIndex, TEXT_KINDS, type MarkerIndexSource, type TextRows, type WordHits } from '../src/core/search/marker-index';
import { parseMarkerQuery, type MarkerQueryInput } from '../src/core/search/query';
import { ScratchBuffers } from '../src/core/search/scratch';
import { compareCodePoints } from '../src/core/search/text';
import { createRng, pick, randInt, type Rng } from '../tools/fake-stash/rng';

/** A scene with nothing but its id and title, for libraries built by hand. */
function bareScene(id: number, title: string | null = null): MarkerIndexSource['scenes'][number] {
  return { id, title, basename: null, date: null, duration: null, rating100: null, organized: false, studio_id: null };
}

/** A marker at 0 s under tag 1, untitled. */
function bareMarker(id: number, sceneId: number, updated = ''): MarkerIndexSource['markers'][number] {
  return { id, title: '', scene_id: sceneId, primary_tag_id: 1, seconds: 0, end_seconds: null, stash_updated_at: updated };
}

const SCENES = 40;
const MARKERS = 400;
const TAGS = 30;
const PERFORMERS = 15;
const STUDIOS = 10;

/** Ids start above zero and leave gaps, as Stash's do after deletions. */
const idOf = (slot: number) => slot * 3 + 5;

function some(rng: Rng, count: number, max: number): number[] {
  return [...new Set(Array.from({ length: randInt(rng, 0, max) }, () => idOf(randInt(rng, 0, count - 1))))];
}

/** One in ten tags and performers is stale: deleted in Stash, with relations not re-synced yet. */
const STALE_SHARE = 0.1;

function randomLibrary(rng: Rng): MarkerIndexSource {
  const tags = Array.from({ length: TAGS }, (_, t) => ({ id: idOf(t), name: `tag ${t}`, is_stale: rng() < STALE_SHARE }));
  // Parents anywhere, cycles included.
  const parents = new Map(tags.map((t) => [t.id, some(rng, TAGS, 2).filter((p) => p !== t.id)]));
  // As the sync's closure: from live tags, through live tags only.
  const live = new Set(tags.filter((t) => !t.is_stale).map((t) => t.id));
  const closure = [...live].flatMap((ancestor) => {
    const below = new Set([ancestor]);
    for (let grown = true; grown;) {
      grown = false;
      for (const [child, ps] of parents) {
        if (live.has(child) && !below.has(child) && ps.some((p) => below.has(p))) {
          below.add(child);
          grown = true;
        }
      }
    }
    return [...below].map((descendant_id) => ({ ancestor_id: ancestor, descendant_id }));
  });
  // Parent chains, a cycle among them, and parents the mirror lacks; scenes of studios it lacks too.
  const studios = Array.from({ length: STUDIOS }, (_, k) => ({
    id: idOf(k),
    name: `studio ${k}`,
    parent_id: rng() < 0.3 ? null : idOf(randInt(rng, 0, STUDIOS + 1)),
    is_stale: rng() < STALE_SHARE,
  }));
  const scenes = Array.from({ length: SCENES }, (_, s) => ({
    id: idOf(s),
    title: `scene ${s}`,
    basename: null,
    date: null,
    duration: null,
    rating100: rng() < 0.3 ? null : randInt(rng, 0, 100),
    organized: rng() < 0.5,
    studio_id: rng() < 0.2 ? null : idOf(randInt(rng, 0, STUDIOS)),
  }));
  const performers = Array.from({ length: PERFORMERS }, (_, p) => ({
    id: idOf(p),
    name: `performer ${p}`,
    gender: null,
    favorite: rng() < 0.3,
    is_stale: rng() < STALE_SHARE,
  }));
  const markers = Array.from({ length: MARKERS }, (_, m) => ({
    id: idOf(m),
    title: `marker ${m}`,
    scene_id: idOf(randInt(rng, 0, SCENES - 1)),
    primary_tag_id: idOf(randInt(rng, 0, TAGS - 1)),
    seconds: m,
    end_seconds: rng() < 0.5 ? null : m + 10,
    stash_updated_at: '2024-01-01T00:00:00Z',
  }));
  return {
    tags,
    performers,
    studios,
    scenes,
    markers,
    markerTags: markers.flatMap((m) => some(rng, TAGS, 3).map((tag_id) => ({ marker_id: m.id, tag_id }))),
    sceneTags: scenes.flatMap((s) => some(rng, TAGS, 3).map((tag_id) => ({ scene_id: s.id, tag_id }))),
    scenePerformers: scenes.flatMap((s) => some(rng, PERFORMERS, 3).map((performer_id) => ({ scene_id: s.id, performer_id }))),
    performerTags: performers.flatMap((p) => some(rng, TAGS, 3).map((tag_id) => ({ performer_id: p.id, tag_id }))),
    closure,
  };
}

function randomHits(rng: Rng): WordHits {
  return { marker: some(rng, MARKERS, 60), scene: some(rng, SCENES, 4), tag: some(rng, TAGS, 2), performer: some(rng, PERFORMERS, 2) };
}

function randomQuery(rng: Rng): MarkerQueryInput {
  const refs = () => some(rng, TAGS, 2).map((id) => ({ id, withSubtags: rng() < 0.5 }));
  const ofSet = <T>(make: () => T[]) => {
    const which = pick(rng, ['any', 'all', 'none', 'any+none'] as const);
    return which === 'any+none' ? { any: make(), none: make() } : { [which]: make() };
  };
  const query: MarkerQueryInput = { perPage: 500, facetLimit: randInt(rng, 0, 6), sort: pick(rng, ['relevance', 'position', 'sceneTitle'] as const) };
  if (rng() < 0.6) query.markerTags = { ...ofSet(refs), on: pick(rng, ['primary', 'primaryOrSecondary'] as const) };
  if (rng() < 0.4) query.sceneTags = ofSet(refs);
  if (rng() < 0.5) query.performers = ofSet(() => some(rng, PERFORMERS, 2));
  if (rng() < 0.2) query.hasEnd = rng() < 0.5;
  if (rng() < 0.3) {
    const studioRefs = () => some(rng, STUDIOS, 2).map((id) => ({ id, withChildren: rng() < 0.5 }));
    query.studios = rng() < 0.5 ? { any: studioRefs() } : rng() < 0.5 ? { none: studioRefs() } : { any: studioRefs(), none: studioRefs() };
  }
  if (rng() < 0.3) query.performerTags = ofSet(refs);
  if (rng() < 0.15) query.favoritePerformersOnly = rng() < 0.7;
  if (rng() < 0.15) query.performerCount = rng() < 0.5 ? { min: randInt(rng, 0, 2) } : { min: randInt(rng, 0, 1), max: randInt(rng, 0, 2) };
  if (rng() < 0.15) query.sceneRating = rng() < 0.5 ? { min: randInt(rng, 0, 60) } : { max: randInt(rng, 20, 100) };
  if (rng() < 0.15) query.sceneOrganized = rng() < 0.5;
  return query;
}

/** The live tags and performers of a library, by id. */
function liveIds(lib: MarkerIndexSource) {
  const live = (rows: { id: number; is_stale: boolean | number }[]) => new Set(rows.filter((r) => !r.is_stale).map((r) => r.id));
  return { tags: live(lib.tags), performers: live(lib.performers), studios: live(lib.studios) };
}

/** Which markers a query and its words match, computed the plain way from the library's rows; stale tags and performers match nothing. */
function reference(lib: MarkerIndexSource, input: MarkerQueryInput, words: WordHits[]): number[] {
  const q = parseMarkerQuery(input);
  const live = liveIds(lib);
  const below = (ref: { id: number; withSubtags: boolean }) =>
    (ref.withSubtags ? lib.closure.filter((c) => c.ancestor_id === ref.id).map((c) => c.descendant_id) : [ref.id]).filter((t) => live.tags.has(t));
  const anyOf = (have: number[], refs: { id: number; withSubtags: boolean }[]) => refs.some((ref) => below(ref).some((t) => have.includes(t)));
  const passes = <R>(have: number[], set: { any?: R[]; all?: R[]; none?: R[] } | undefined, matches: (have: number[], refs: R[]) => boolean) =>
    (!set?.any?.length || matches(have, set.any)) &&
    (set?.all ?? []).every((ref) => matches(have, [ref])) &&
    (!set?.none?.length || !matches(have, set.none));
  const samePerformer = (have: number[], ids: number[]) => ids.some((id) => live.performers.has(id) && have.includes(id));
  // A studio and its live ancestors up to the first stale one (a cycle ends when it comes round).
  const studioLine = (id: number | null): number[] => {
    const line: number[] = [];
    for (let at = id; at !== null && live.studios.has(at) && !line.includes(at); at = lib.studios.find((st) => st.id === at)!.parent_id)
      line.push(at);
    return line;
  };
  const studioIn = (studio: number | null, refs: { id: number; withChildren: boolean }[]) => {
    const line = studioLine(studio);
    return refs.some((ref) => (ref.withChildren ? line.includes(ref.id) : line[0] === ref.id));
  };
  const within = (value: number | null, range: { min?: number; max?: number } | undefined) =>
    !range || (value !== null && value >= (range.min ?? -Infinity) && value <= (range.max ?? Infinity));
  return lib.markers
    .filter((m) => {
      const secondary = lib.markerTags.filter((r) => r.marker_id === m.id).map((r) => r.tag_id);
      const markerTags = q.markerTags?.on === 'primary' ? [m.primary_tag_id] : [m.primary_tag_id, ...secondary];
      const sceneTags = lib.sceneTags.filter((r) => r.scene_id === m.scene_id).map((r) => r.tag_id);
      const performers = lib.scenePerformers.filter((r) => r.scene_id === m.scene_id).map((r) => r.performer_id);
      const livePerformers = performers.filter((p) => live.performers.has(p));
      const performerTags = lib.performerTags.filter((r) => livePerformers.includes(r.performer_id)).map((r) => r.tag_id);
      const scene = lib.scenes.find((s) => s.id === m.scene_id)!;
      const hasWord = (w: WordHits) =>
        w.marker.includes(m.id) ||
        [m.primary_tag_id, ...secondary].some((t) => live.tags.has(t) && w.tag.includes(t)) ||
        w.scene.includes(m.scene_id) ||
        performers.some((p) => live.performers.has(p) && w.performer.includes(p));
      return (
        passes(markerTags, q.markerTags, anyOf) &&
        passes(sceneTags, q.sceneTags, anyOf) &&
        passes(performers, q.performers, samePerformer) &&
        (q.hasEnd === undefined || (m.end_seconds !== null) === q.hasEnd) &&
        (!q.studios?.any?.length || studioIn(scene.studio_id, q.studios.any)) &&
        (!q.studios?.none?.length || !studioIn(scene.studio_id, q.studios.none)) &&
        passes(performerTags, q.performerTags, anyOf) &&
        (!q.favoritePerformersOnly || livePerformers.some((p) => lib.performers.find((r) => r.id === p)!.favorite)) &&
        within(livePerformers.length, q.performerCount) &&
        within(scene.rating100, q.sceneRating) &&
        (q.sceneOrganized === undefined || Boolean(scene.organized) === q.sceneOrganized) &&
        words.every(hasWord)
      );
    })
    .map((m) => m.id);
}

/** Facets of a set of markers the plain way: counts per live primary tag, scene performer and scene tag, most first, then by name. */
function referenceFacets(lib: MarkerIndexSource, markerIds: number[], limit: number) {
  const live = liveIds(lib);
  const count = (keys: number[], names: { id: number; name: string }[], alive: Set<number>) => {
    const counts = new Map<number, number>();
    for (const key of keys) if (alive.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
    const name = (id: number) => names.find((n) => n.id === id)!.name;
    return [...counts]
      .map(([id, n]) => ({ id, name: name(id), count: n }))
      .sort((a, b) => b.count - a.count || compareCodePoints(a.name, b.name) || a.id - b.id)
      .slice(0, limit);
  };
  const markers = lib.markers.filter((m) => markerIds.includes(m.id));
  const ofScene = <R extends { scene_id: number }, K extends keyof R>(rows: R[], key: K, sceneId: number) =>
    rows.filter((r) => r.scene_id === sceneId).map((r) => r[key] as number);
  return {
    primaryTags: count(
      markers.map((m) => m.primary_tag_id),
      lib.tags,
      live.tags,
    ),
    performers: count(
      markers.flatMap((m) => ofScene(lib.scenePerformers, 'performer_id', m.scene_id)),
      lib.performers,
      live.performers,
    ),
    sceneTags: count(
      markers.flatMap((m) => ofScene(lib.sceneTags, 'tag_id', m.scene_id)),
      lib.tags,
      live.tags,
    ),
    studios: count(
      markers.flatMap((m) => lib.scenes.find((s) => s.id === m.scene_id)!.studio_id ?? []),
      lib.studios,
      live.studios,
    ),
  };
}

/** What a hit lists of a marker the plain way: its live secondary tags and its scene's live performers, by name. */
function referenceHitNames(lib: MarkerIndexSource, markerId: number) {
  const live = liveIds(lib);
  const marker = lib.markers.find((m) => m.id === markerId)!;
  const named = (ids: number[], rows: { id: number; name: string }[], alive: Set<number>) =>
    rows
      .filter((r) => ids.includes(r.id) && alive.has(r.id))
      .sort((a, b) => compareCodePoints(a.name, b.name) || a.id - b.id)
      .map((r) => ({ id: r.id, name: r.name }));
  const studio = lib.studios.find((st) => st.id === lib.scenes.find((s) => s.id === marker.scene_id)!.studio_id);
  return {
    studio: studio && live.studios.has(studio.id) ? { id: studio.id, name: studio.name } : null,
    tags: named(
      lib.markerTags.filter((r) => r.marker_id === markerId).map((r) => r.tag_id),
      lib.tags,
      live.tags,
    ),
    performers: named(
      lib.scenePerformers.filter((r) => r.scene_id === marker.scene_id).map((r) => r.performer_id),
      lib.performers,
      live.performers,
    ),
  };
}

const among = (hits: WordHits, scope: TextRows): WordHits =>
  Object.fromEntries(TEXT_KINDS.map((kind) => [kind, hits[kind].filter((id) => scope[kind].includes(id))])) as WordHits;

describe('the in-memory marker index', () => {
  it('matches what a plain filter of the rows matches, for every mix of conditions and words', () => {
    let nonEmpty = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const rng = createRng(seed);
      const lib = randomLibrary(rng);
      const index = new MarkerIndex(lib);
      for (let n = 0; n < 60; n++) {
        const input = randomQuery(rng);
        const words = Array.from({ length: randInt(rng, 0, 2) }, () => randomHits(rng));
        const found = index.search(parseMarkerQuery(input), words.length ? words : undefined);
        const expected = reference(lib, input, words);
        expect(
          found.hits.map((h) => h.id).sort((a, b) => a - b),
          `seed ${seed} query ${n}`,
        ).toEqual(expected);
        expect(found.total).toBe(expected.length);
        expect(found.facets, `facets, seed ${seed} query ${n}`).toEqual(referenceFacets(lib, expected, parseMarkerQuery(input).facetLimit));
        for (const hit of found.hits)
          expect({ studio: hit.scene.studio, tags: hit.tags, performers: hit.performers }).toEqual(referenceHitNames(lib, hit.id));
        if (expected.length) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(200);
  });

  it('answers alike with words looked up among the rows textScope names and in the whole library', () => {
    let scoped = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const rng = createRng(seed * 7919);
      const index = new MarkerIndex(randomLibrary(rng));
      for (let n = 0; n < 60; n++) {
        const q = parseMarkerQuery({ ...randomQuery(rng), facetLimit: 5 });
        const words = Array.from({ length: randInt(rng, 1, 2) }, () => randomHits(rng));
        const scope = index.textScope(q, words.length, 300);
        if (!scope) continue;
        scoped++;
        expect(
          index.search(
            q,
            words.map((w) => among(w, scope)),
          ),
          `seed ${seed} query ${n}`,
        ).toEqual(index.search(q, words));
      }
    }
    expect(scoped).toBeGreaterThan(200);
  });

  it('names no rows for relevance over several words, whose weights need the whole library', () => {
    // Marker 5 has "alpha" in its title and "beta" in its scene, marker 8 the other way round.
    // Alpha reaches 4 markers of the library, beta 2: beta is rarer, so marker 8 (beta in its title)
    // ranks first. Among those two markers only, both words are equally common, and marker 5 would
    // win the tie by id.
    const lib: MarkerIndexSource = {
      tags: [{ id: 1, name: 'tag', is_stale: false }],
      performers: [{ id: 1, name: 'p', gender: null, favorite: false, is_stale: false }],
      studios: [],
      scenes: [1, 2, 3, 4].map((id) => bareScene(id)),
      markers: [5, 8, 11, 14].map((id, k) => bareMarker(id, k + 1)),
      markerTags: [],
      sceneTags: [],
      scenePerformers: [1, 2].map((scene_id) => ({ scene_id, performer_id: 1 })),
      performerTags: [],
      closure: [{ ancestor_id: 1, descendant_id: 1 }],
    };
    const index = new MarkerIndex(lib);
    const alpha = { marker: [5, 11, 14], scene: [2], tag: [], performer: [] };
    const beta = { marker: [8], scene: [1], tag: [], performer: [] };
    const q = parseMarkerQuery({ text: 'alpha beta', performers: { any: [1] } });
    expect(index.search(q, [alpha, beta]).hits.map((h) => h.id)).toEqual([8, 5]);
    expect(index.textScope(q, 2, 100)).toBeUndefined();
    const scope = index.textScope({ ...q, sort: 'position' }, 2, 100)!;
    expect(index.search(q, [among(alpha, scope), among(beta, scope)]).hits.map((h) => h.id)).toEqual([5, 8]);
    // One word: its weight scales every score alike, so the rows are named.
    expect(index.textScope(q, 1, 100)).toEqual({ marker: [5, 8], scene: [1, 2], tag: [1], performer: [1] });
  });
});

describe('orders that need no database', () => {
  /** One marker per scene: marker id = scene id + 100. */
  function library(scenes: { title: string | null; updated: string }[]): MarkerIndex {
    return new MarkerIndex({
      tags: [{ id: 1, name: 'tag', is_stale: false }],
      performers: [],
      studios: [],
      scenes: scenes.map((s, k) => bareScene(k + 1, s.title)),
      markers: scenes.map((s, k) => bareMarker(k + 101, k + 1, s.updated)),
      markerTags: [],
      sceneTags: [],
      scenePerformers: [],
      performerTags: [],
      closure: [{ ancestor_id: 1, descendant_id: 1 }],
    });
  }
  const order = (index: MarkerIndex, input: MarkerQueryInput) =>
    index.search(parseMarkerQuery({ perPage: 500, facetLimit: 0, ...input })).hits.map((h) => h.id);

  it('scene titles ignore case, accents and punctuation; equal ones go by marker id; untitled last either way', () => {
    const index = library(['Zebra', 'éclair', null, 'apple', '"Apple"', 'Eclair', '¿Ñu?'].map((title) => ({ title, updated: '' })));
    expect(order(index, { sort: 'sceneTitle' })).toEqual([104, 105, 102, 106, 107, 101, 103]);
    expect(order(index, { sort: 'sceneTitle', direction: 'desc' })).toEqual([101, 107, 102, 106, 104, 105, 103]);
  });

  it('update times compare as instants whatever their offset; an unreadable one goes last either way', () => {
    const index = library(
      ['2025-10-26T02:10:00+01:00', '2025-10-26T02:30:00+02:00', 'garbage', '2025-10-26T00:50:00Z', '2025-10-26T01:10:00.5Z'].map((updated) => ({
        title: null,
        updated,
      })),
    );
    // Instants: 01:10Z, 00:30Z, -, 00:50Z, 01:10:00.5Z.
    expect(order(index, { sort: 'updated', direction: 'asc' })).toEqual([102, 104, 101, 105, 103]);
    expect(order(index, { sort: 'updated' })).toEqual([105, 101, 104, 102, 103]);
  });
});

describe('scene sorts keep each scene together', () => {
  // Two scenes share a date and a title; their markers' ids interleave and run against their seconds.
  const lib: MarkerIndexSource = {
    tags: [{ id: 1, name: 'tag', is_stale: false }],
    performers: [],
    studios: [],
    scenes: [
      { id: 7, title: 'Same', basename: null, date: '2024-05-01', duration: null, rating100: null, organized: false, studio_id: null },
      { id: 3, title: 'Same', basename: null, date: '2024-05-01', duration: null, rating100: null, organized: false, studio_id: null },
      { id: 9, title: 'Other', basename: null, date: '2023-01-01', duration: null, rating100: null, organized: false, studio_id: null },
    ],
    markers: [
      { id: 10, scene: 7, seconds: 50 },
      { id: 11, scene: 3, seconds: 20 },
      { id: 12, scene: 7, seconds: 5 },
      { id: 13, scene: 9, seconds: 0 },
      { id: 14, scene: 3, seconds: 20 },
      { id: 15, scene: 3, seconds: 1 },
    ].map((m) => ({ id: m.id, title: '', scene_id: m.scene, primary_tag_id: 1, seconds: m.seconds, end_seconds: null, stash_updated_at: '' })),
    markerTags: [],
    sceneTags: [],
    scenePerformers: [],
    performerTags: [],
    closure: [{ ancestor_id: 1, descendant_id: 1 }],
  };
  const index = new MarkerIndex(lib);
  const order = (input: MarkerQueryInput) => index.search(parseMarkerQuery({ facetLimit: 0, ...input })).hits.map((h) => h.id);

  it('orders equal scenes by scene id, then their markers by seconds, then id, in either direction', () => {
    expect(order({ sort: 'sceneDate' })).toEqual([15, 11, 14, 12, 10, 13]);
    expect(order({ sort: 'sceneDate', direction: 'asc' })).toEqual([13, 15, 11, 14, 12, 10]);
    expect(order({ sort: 'sceneTitle' })).toEqual([13, 15, 11, 14, 12, 10]);
    expect(order({ sort: 'sceneTitle', direction: 'desc' })).toEqual([15, 11, 14, 12, 10, 13]);
  });

  it('pages through the same grouped order', () => {
    const pages = [1, 2, 3].flatMap((page) => order({ sort: 'sceneDate', perPage: 2, page }));
    expect(pages).toEqual(order({ sort: 'sceneDate' }));
  });
});

describe('facet limit', () => {
  it('lists up to 500 tags per facet, for panels that show every tag', () => {
    // 600 live tags, each the primary tag of one marker of one scene that carries it as a scene tag.
    const TAG_COUNT = 600;
    const ids = Array.from({ length: TAG_COUNT }, (_, k) => k + 1);
    const index = new MarkerIndex({
      tags: ids.map((id) => ({ id, name: `tag ${String(id).padStart(3, '0')}`, is_stale: false })),
      performers: [],
      studios: [],
      scenes: ids.map((id) => ({ id, title: null, basename: null, date: null, duration: null, rating100: null, organized: false, studio_id: null })),
      markers: ids.map((id) => ({ id, title: '', scene_id: id, primary_tag_id: id, seconds: 0, end_seconds: null, stash_updated_at: '' })),
      markerTags: [],
      sceneTags: ids.map((id) => ({ scene_id: id, tag_id: id })),
      scenePerformers: [],
      performerTags: [],
      closure: ids.map((id) => ({ ancestor_id: id, descendant_id: id })),
    });
    const { facets } = index.search(parseMarkerQuery({ facetLimit: 500 }));
    expect(facets.primaryTags).toHaveLength(500);
    expect(facets.sceneTags).toHaveLength(500);
    // Equal counts go by name: the first 500 names.
    expect(facets.primaryTags.map((f) => f.id)).toEqual(ids.slice(0, 500));
    expect(index.search(parseMarkerQuery({ facetLimit: 1000 })).facets.primaryTags).toHaveLength(TAG_COUNT);
    expect(() => parseMarkerQuery({ facetLimit: 1001 })).toThrow();
  });
});

describe('scratch buffers', () => {
  /** The random library with scene dates and durations, so their filters and sorts have something to do. */
  function datedLibrary(seed: number): MarkerIndexSource {
    const rng = createRng(seed);
    const lib = randomLibrary(rng);
    const scenes = lib.scenes.map((s) => ({
      ...s,
      date: rng() < 0.2 ? null : `20${randInt(rng, 10, 24)}-0${randInt(rng, 1, 9)}-1${randInt(rng, 0, 9)}`,
      duration: rng() < 0.2 ? null : randInt(rng, 60, 3600),
    }));
    return { ...lib, scenes };
  }

  const sub = (id: number) => ({ id: idOf(id), withSubtags: true });
  const SHAPES: MarkerQueryInput[] = [
    {},
    { facetLimit: 0 },
    { facetLimit: 500 },
    { markerTags: { any: [sub(1), sub(2)] } },
    { markerTags: { all: [{ id: idOf(1) }, { id: idOf(2) }] } },
    { markerTags: { none: [sub(3)] } },
    { markerTags: { on: 'primary', any: [sub(4)] } },
    { sceneTags: { any: [sub(5)], none: [{ id: idOf(6) }] } },
    { performers: { any: [idOf(1), idOf(2)] } },
    { performers: { all: [idOf(1), idOf(2)] } },
    { performers: { none: [idOf(3)] } },
    { performerGenders: ['FEMALE'] },
    { sceneDate: { from: '2012', to: '2018-06' } },
    { sceneDuration: { min: 600, max: 1800 } },
    { markerLength: { min: 5, max: 20 } },
    { hasEnd: true },
    { hasEnd: false, markerTags: { any: [sub(1)] }, performers: { any: [idOf(2)] } },
    ...(['relevance', 'sceneDate', 'sceneTitle', 'position', 'length', 'updated', 'random'] as const).flatMap((sort) =>
      (['asc', 'desc'] as const).map((direction): MarkerQueryInput => ({ sort, direction, seed: 7, perPage: 25, page: 2 })),
    ),
    { sort: 'sceneDate', page: 3, perPage: 50 },
    { sort: 'random', seed: 3, page: 1, perPage: 1 },
    { page: 1000, perPage: 10 },
    { sort: 'position', page: 1000, perPage: 10 },
  ];

  it('are as clean after every kind of query as before it: each filter, facet, sort, random order and page, with and without words', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const rng = createRng(seed * 31);
      const index = new MarkerIndex(datedLibrary(seed));
      expect(index.dirtyScratch()).toEqual([]);
      for (const [n, input] of SHAPES.entries()) {
        for (let words = 0; words <= 3; words++) {
          const q = parseMarkerQuery(input);
          const hits = Array.from({ length: words }, () => randomHits(rng));
          index.search(q, words ? hits : undefined);
          expect(index.dirtyScratch(), `seed ${seed} shape ${n} with ${words} words`).toEqual([]);
          index.textScope(q, Math.max(words, 1), 300);
          expect(index.dirtyScratch(), `textScope, seed ${seed} shape ${n}`).toEqual([]);
        }
      }
    }
  });

  it('are reset when a search stops midway, so the next search answers as on a fresh index', () => {
    const lib = datedLibrary(9);
    const index = new MarkerIndex(lib);
    const q = (input: MarkerQueryInput) => parseMarkerQuery(input);
    const everything: WordHits = { marker: lib.markers.map((m) => m.id), scene: [], tag: [], performer: [] };
    // A word list broken after the first word marked every marker, in words found and in fields.
    const broken = { marker: everything.marker, tag: [], scene: undefined, performer: [] } as unknown as WordHits;
    const failures: [string, () => unknown][] = [
      ['in the words', () => index.search(q({}), [everything, broken])],
      // A page size no valid query has, failing once the sorted page marked its matches as wanted.
      ['in a sorted page', () => index.search({ ...q({ sort: 'sceneDate' }), perPage: -1 })],
      // A facet limit that fails when the facets read it, after the tallies counted every match.
      ['in the facets', () => index.search({ ...q({}), facetLimit: throwingOnSecondRead(5) })],
    ];
    for (const [where, fail] of failures) {
      expect(fail, where).toThrow();
      expect(index.dirtyScratch(), where).toEqual([]);
    }
    const fresh = new MarkerIndex(lib);
    for (const input of SHAPES) expect(index.search(q(input), [everything])).toEqual(fresh.search(q(input), [everything]));
  });

  it('name what is dirty and clean it on reset', () => {
    const scratch = new ScratchBuffers({ markers: 4, scenes: 2, tags: 3, performers: 1, studios: 1 });
    expect(scratch.dirtyParts()).toEqual([]);
    scratch.wordsFound[1] = 1;
    scratch.fields[3] = 2;
    scratch.wanted[0] = 1;
    scratch.tallies.sceneTags.add(2, 1);
    // A count whose slot was never listed, as when a tally's size was lost midway.
    scratch.tallies.performers.counts[0] = 4;
    expect(scratch.dirtyParts()).toEqual(['wordsFound', 'fields', 'wanted', 'tallies.performers', 'tallies.sceneTags']);
    expect(scratch.isClean()).toBe(false);
    scratch.reset();
    expect(scratch.isClean()).toBe(true);
  });
});

/** A number that reads as `value` once and throws after: a failure at the second place a query's field is read. */
function throwingOnSecondRead(value: number): number {
  let reads = 0;
  return {
    valueOf() {
      if (reads++ > 0) throw new Error('read twice');
      return value;
    },
  } as unknown as number;
}
