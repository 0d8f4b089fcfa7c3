/**
 * The marker search's working set: every live marker with the few columns filters, sorts, facets
 * and result lists need, held as flat arrays in memory and rebuilt from the mirror after each sync
 * that changed it. Counting facets or walking a sorted order over 200,000 markers takes a few
 * milliseconds here, where the same work in SQL costs hundreds (see docs/benchmarks.md); the
 * databases still do what they do best — the full-text match and the tag closure.
 *
 * Pure data and arithmetic: no SQL, no dialect. Both databases load it with the same statements,
 * so a query gives the same answer on either.
 */
import { DEFAULT_DIRECTION, type FacetCount, type MarkerHit, type MarkerQuery, type MarkerSearchResult, type MarkerTagFilter, type NamedRef, type TagFilter } from './query';
import { compareCodePoints, titleSortKey } from './text';

/** Rows as the loader reads them from the mirror (ids are Stash ids). */
export interface MarkerIndexSource {
  /** Every tag, stale ones included (a marker may still point at one). */
  tags: { id: number; name: string; is_stale: boolean | number }[];
  performers: { id: number; name: string; gender: string | null; is_stale: boolean | number }[];
  /** Live scenes. */
  scenes: { id: number; title: string | null; date: string | null; duration: number | null }[];
  /** Live markers of live scenes, ascending by id. */
  markers: {
    id: number;
    title: string;
    scene_id: number;
    primary_tag_id: number;
    seconds: number;
    end_seconds: number | null;
    stash_updated_at: string;
  }[];
  markerTags: { marker_id: number; tag_id: number }[];
  sceneTags: { scene_id: number; tag_id: number }[];
  scenePerformers: { scene_id: number; performer_id: number }[];
  closure: { ancestor_id: number; descendant_id: number }[];
}

/** Which kind of row a full-text hit is: the index holds the words of each. */
export const TEXT_KINDS = ['marker', 'scene', 'tag', 'performer'] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

/** Indexed rows by kind, as Stash ids. */
export type TextRows = { [K in TextKind]: number[] };
/** The rows whose words start with one query word. */
export type WordHits = TextRows;

/** One number per indexed row, kind and id together: an FTS5 rowid, and what either database returns. */
export function textKey(kind: TextKind, id: number): number {
  return id * TEXT_KINDS.length + TEXT_KINDS.indexOf(kind);
}

/**
 * The rows of a word's text keys, given as the databases return them: one comma-separated text
 * (null for none), which costs the database connection one value instead of a row per key.
 */
export function wordHitsOf(keys: string | null): WordHits {
  const hits: WordHits = { marker: [], scene: [], tag: [], performer: [] };
  if (!keys) return hits;
  let key = 0;
  for (let i = 0; i <= keys.length; i++) {
    const code = i < keys.length ? keys.charCodeAt(i) : COMMA;
    if (code !== COMMA) {
      key = key * 10 + (code - ZERO);
      continue;
    }
    const kind = key % TEXT_KINDS.length;
    hits[TEXT_KINDS[kind]!].push((key - kind) / TEXT_KINDS.length);
    key = 0;
  }
  return hits;
}

const COMMA = 44;
const ZERO = 48;

/** The parts of a marker's text a word can be found in, as bits, and what each weighs in relevance. */
const TITLE = 1;
const TAG = 2;
const PERFORMER = 4;
const SCENE = 8;
const FIELD_WEIGHT: Record<number, number> = { [TITLE]: 10, [TAG]: 5, [PERFORMER]: 3, [SCENE]: 2 };
/** The summed weight of every combination of parts. */
const FIELD_WEIGHTS = Float64Array.from({ length: 16 }, (_, bits) =>
  [TITLE, TAG, PERFORMER, SCENE].reduce((sum, bit) => sum + (bits & bit ? FIELD_WEIGHT[bit]! : 0), 0),
);

/** Offsets into a flat list of members, one range per owner (compressed sparse rows). */
interface Relation {
  start: Int32Array;
  members: Int32Array;
}

/** A search's answer but its paging, which the caller echoes. */
export type IndexedResult = Omit<MarkerSearchResult, 'page' | 'perPage'>;

type SortKey = Exclude<MarkerQuery['sort'], 'relevance' | 'random'>;


export class MarkerIndex {
  readonly size: number;
  private readonly markerIds: Int32Array;
  private readonly markerTitles: string[];
  private readonly markerScene: Int32Array;
  private readonly markerPrimary: Int32Array;
  private readonly markerSeconds: Float64Array;
  /** NaN where the marker has no end. */
  private readonly markerEnd: Float64Array;
  /**
   * When Stash last updated the marker, as an instant (ms): Stash writes its server's local offset,
   * which changes with daylight saving, so the strings do not sort in time order. NaN if unreadable.
   */
  private readonly markerUpdated: Float64Array;
  private readonly markerTags: Relation;

  private readonly sceneIds: Int32Array;
  private readonly sceneDates: (string | null)[];
  private readonly sceneTitles: (string | null)[];
  /** NaN where the scene has no file. */
  private readonly sceneDuration: Float64Array;
  private readonly sceneTags: Relation;
  private readonly scenePerformers: Relation;
  private readonly sceneMarkers: Relation;
  /** Inverted: the markers of each tag (primary or secondary), the scenes of each performer. */
  private readonly tagMarkers: Relation;
  private readonly tagScenes: Relation;
  private readonly performerScenes: Relation;

  /**
   * Tags and performers in name order (byte order, then id): the index is the facet tiebreak. A
   * stale one (deleted in Stash) or one the mirror lacks is not live: it matches no filter or word
   * and is in no facet and no hit (but as a primary tag, see hit()), though rows not yet re-synced
   * may still point at it.
   */
  private readonly tags: { id: number; name: string; live: boolean }[];
  private readonly performers: { id: number; name: string; gender: string | null; live: boolean }[];
  private readonly tagIndex: Map<number, number>;
  private readonly performerIndex: Map<number, number>;
  private readonly sceneIndex: Map<number, number>;
  private readonly closure: Map<number, number[]>;

  /** Whole orders computed once, on first use: a sorted page is then a walk down the list. */
  private readonly orders = new Map<string, Int32Array>();
  /**
   * Working memory reused by every search instead of allocated per keystroke, so searching makes
   * little garbage (a search runs start to end without yielding, so none is shared). Per-marker
   * arrays are left zeroed after use.
   */
  private readonly work: {
    every: Int32Array;
    lists: [Int32Array, Int32Array];
    scores: Float64Array;
    /** Per marker: how many of the query's words were found in it so far (a query has at most 500). */
    wordsFound: Uint16Array;
    fields: Uint8Array;
    touched: Int32Array;
    /** The markers the first word of a query reached. */
    firstWord: Int32Array;
    tallies: { primaryTags: Tally; scenes: Tally; performers: Tally; sceneTags: Tally };
    wanted: Uint8Array;
    packed: Float64Array;
  };

  constructor(source: MarkerIndexSource) {
    const byName = <T extends { id: number; name: string }>(a: T, b: T) => compareCodePoints(a.name, b.name) || a.id - b.id;
    this.tags = source.tags.map((t) => ({ id: t.id, name: t.name, live: !t.is_stale })).sort(byName);
    this.performers = source.performers
      .map((p) => ({ id: p.id, name: p.name, gender: p.gender, live: !p.is_stale }))
      .sort(byName);
    this.tagIndex = new Map(this.tags.map((t, i) => [t.id, i]));
    this.performerIndex = new Map(this.performers.map((p, i) => [p.id, i]));

    const scenes = source.scenes;
    this.sceneIds = Int32Array.from(scenes, (s) => s.id);
    this.sceneIndex = new Map(scenes.map((s, i) => [s.id, i]));
    this.sceneDates = scenes.map((s) => s.date);
    this.sceneTitles = scenes.map((s) => s.title);
    this.sceneDuration = Float64Array.from(scenes, (s) => s.duration ?? NaN);

    const markers = source.markers.filter((m) => this.sceneIndex.has(m.scene_id));
    this.size = markers.length;
    this.markerIds = Int32Array.from(markers, (m) => m.id);
    this.markerTitles = markers.map((m) => m.title);
    this.markerScene = Int32Array.from(markers, (m) => this.sceneIndex.get(m.scene_id)!);
    this.markerPrimary = Int32Array.from(markers, (m) => this.tagSlot(m.primary_tag_id));
    this.markerSeconds = Float64Array.from(markers, (m) => m.seconds);
    this.markerEnd = Float64Array.from(markers, (m) => m.end_seconds ?? NaN);
    this.markerUpdated = Float64Array.from(markers, (m) => Date.parse(m.stash_updated_at));
    const markerIndex = new Map(markers.map((m, i) => [m.id, i]));

    this.markerTags = relation(this.size, source.markerTags, (r) => markerIndex.get(r.marker_id), (r) => this.tagSlot(r.tag_id));
    this.sceneTags = relation(scenes.length, source.sceneTags, (r) => this.sceneIndex.get(r.scene_id), (r) => this.tagSlot(r.tag_id));
    this.scenePerformers = relation(
      scenes.length,
      source.scenePerformers,
      (r) => this.sceneIndex.get(r.scene_id),
      (r) => this.performerIndex.get(r.performer_id),
    );
    const sceneMarkerPairs = Array.from(this.markerScene, (scene, marker) => ({ scene, marker }));
    this.sceneMarkers = relation(scenes.length, sceneMarkerPairs, (r) => r.scene, (r) => r.marker);

    const tagMarkerPairs: { tag: number; marker: number }[] = [];
    for (let i = 0; i < this.size; i++) {
      tagMarkerPairs.push({ tag: this.markerPrimary[i]!, marker: i });
      forEachIn(this.markerTags, i, (tag) => tagMarkerPairs.push({ tag, marker: i }));
    }
    this.tagMarkers = relation(this.tags.length, tagMarkerPairs, (r) => r.tag, (r) => r.marker);
    const tagScenePairs: { tag: number; scene: number }[] = [];
    for (let scene = 0; scene < scenes.length; scene++) forEachIn(this.sceneTags, scene, (tag) => tagScenePairs.push({ tag, scene }));
    this.tagScenes = relation(this.tags.length, tagScenePairs, (r) => r.tag, (r) => r.scene);
    const performerScenePairs: { performer: number; scene: number }[] = [];
    for (let scene = 0; scene < scenes.length; scene++) forEachIn(this.scenePerformers, scene, (performer) => performerScenePairs.push({ performer, scene }));
    this.performerScenes = relation(this.performers.length, performerScenePairs, (r) => r.performer, (r) => r.scene);

    this.work = {
      every: range(this.size),
      lists: [new Int32Array(this.size), new Int32Array(this.size)],
      scores: new Float64Array(this.size),
      wordsFound: new Uint16Array(this.size),
      fields: new Uint8Array(this.size),
      touched: new Int32Array(this.size),
      firstWord: new Int32Array(this.size),
      tallies: {
        primaryTags: new Tally(this.tags.length),
        scenes: new Tally(scenes.length),
        performers: new Tally(this.performers.length),
        sceneTags: new Tally(this.tags.length),
      },
      wanted: new Uint8Array(this.size),
      packed: new Float64Array(this.size),
    };

    this.closure = new Map();
    for (const { ancestor_id, descendant_id } of source.closure) {
      const list = this.closure.get(ancestor_id);
      if (list) list.push(descendant_id);
      else this.closure.set(ancestor_id, [descendant_id]);
    }
  }

  /** A marker may name a tag the mirror lacks; it gets a slot of its own so nothing is lost. */
  private tagSlot(id: number): number {
    let slot = this.tagIndex.get(id);
    if (slot === undefined) {
      slot = this.tags.length;
      this.tags.push({ id, name: '', live: false });
      this.tagIndex.set(id, slot);
    }
    return slot;
  }

  /**
   * Runs a query. `text` holds, per query word, the rows whose words start with it (from the
   * full-text index, or only among the rows textScope named); absent when the query has no words.
   */
  search(q: MarkerQuery, text?: WordHits[]): IndexedResult {
    const words = text && this.textMatches(text);
    const matched = this.match(this.conditions(q), words?.markers);
    const start = (q.page - 1) * q.perPage;
    const page = this.page(matched, q, words?.scores, start, q.perPage);
    return {
      total: matched.length,
      hits: Array.from(page, (i) => this.hit(i)),
      facets: q.facetLimit > 0 ? this.facets(matched, q.facetLimit) : { primaryTags: [], performers: [], sceneTags: [] },
    };
  }

  /**
   * What a result list shows of a marker; deleted secondary tags and performers left out, the rest by
   * name. The primary tag is shown as the mirror has it even when stale: a marker always has one, and
   * Stash refuses to delete a tag that is a primary tag, so a stale one (from a merge) lasts only
   * until the markers are synced again.
   */
  private hit(i: number): MarkerHit {
    const scene = this.markerScene[i]!;
    const end = this.markerEnd[i]!;
    const named = (entries: { id: number; name: string; live: boolean }[], rel: Relation, owner: number): NamedRef[] => {
      const refs: NamedRef[] = [];
      // Slots are in name order already.
      const slots = rel.members.slice(rel.start[owner]!, rel.start[owner + 1]!).sort();
      for (const slot of slots) if (entries[slot]!.live) refs.push({ id: entries[slot]!.id, name: entries[slot]!.name });
      return refs;
    };
    const primary = this.tags[this.markerPrimary[i]!]!;
    return {
      id: this.markerIds[i]!,
      title: this.markerTitles[i]!,
      seconds: this.markerSeconds[i]!,
      endSeconds: Number.isNaN(end) ? null : end,
      primaryTag: { id: primary.id, name: primary.name },
      tags: named(this.tags, this.markerTags, i),
      scene: { id: this.sceneIds[scene]!, title: this.sceneTitles[scene]!, date: this.sceneDates[scene]! },
      performers: named(this.performers, this.scenePerformers, scene),
      urls: null,
    };
  }

  /**
   * When the query's other conditions leave at most `limit` rows to look at, the rows whose words
   * decide which of their markers the words match: the markers' titles, their tags, their scenes
   * and their scenes' performers. Looking the words up among these rows only gives search() the
   * same result as looking them up in the whole library. Undefined when the conditions leave more,
   * and for relevance over several words, which weighs each word by how many markers of the whole
   * library it reaches (one word's weight scales every score alike and leaves the order as it is).
   */
  textScope(q: MarkerQuery, words: number, limit: number): TextRows | undefined {
    if (words > 1 && q.sort === 'relevance') return undefined;
    const conditions = this.conditions(q);
    const narrowest = narrowestReach(conditions);
    if (!narrowest || narrowest.bound > limit) return undefined;
    const markers = this.match(conditions);
    const scenes = new Set<number>();
    const tags = new Set<number>();
    const performers = new Set<number>();
    for (const i of markers) {
      scenes.add(this.markerScene[i]!);
      tags.add(this.markerPrimary[i]!);
      forEachIn(this.markerTags, i, (tag) => tags.add(tag));
    }
    for (const scene of scenes) forEachIn(this.scenePerformers, scene, (performer) => performers.add(performer));
    if (markers.length + scenes.size + tags.size + performers.size > limit) return undefined;
    return {
      marker: Array.from(markers, (i) => this.markerIds[i]!),
      scene: Array.from(scenes, (s) => this.sceneIds[s]!),
      tag: Array.from(tags, (slot) => this.tags[slot]!.id),
      performer: Array.from(performers, (slot) => this.performers[slot]!.id),
    };
  }

  /**
   * The markers of `candidates` (ascending; every marker if absent) that pass every condition,
   * ascending. The walk starts from the fewest markers a condition can reach when that is fewer.
   */
  private match(conditions: Condition[], candidates?: Int32Array): Int32Array {
    const [listA, listB] = this.work.lists;
    let matched = candidates ?? this.work.every;
    const narrowest = narrowestReach(conditions);
    if (narrowest && narrowest.bound < matched.length) {
      const reached = narrowest.markers();
      matched = candidates ? intersection(candidates, reached) : reached;
    }
    for (const { keep } of conditions) matched = filter(matched, keep, matched.buffer === listA.buffer ? listB : listA);
    return matched;
  }

  // --- text -------------------------------------------------------------------------------------

  /**
   * The markers with every word, ascending, and their relevance: each word must be found somewhere
   * in the marker's text (its title; its primary or secondary tags; its scene's performers; its
   * scene's title and details), and scores the weights of the parts it was found in, times how rare
   * it is. Work is proportional to the markers a word reaches, through the inverted relations;
   * scores are meaningful for the markers returned only.
   */
  private textMatches(words: WordHits[]): { markers: Int32Array; scores: Float64Array } {
    const { scores, wordsFound, fields, touched, firstWord } = this.work;
    const { tagMarkers, sceneMarkers, performerScenes, performerIndex } = this;
    let reachedByFirst = 0;
    for (let w = 0; w < words.length; w++) {
      const hits = words[w]!;
      let count = 0;
      for (const id of hits.marker) {
        const i = binarySearch(this.markerIds, id);
        if (i < 0) continue;
        if (fields[i] === 0) touched[count++] = i;
        fields[i]! |= TITLE;
      }
      // Stale tags and performers keep their words in the index, like their rows in the mirror.
      for (const id of hits.tag) {
        const slot = this.tagIndex.get(id);
        if (slot !== undefined && this.tags[slot]!.live) count = mark(tagMarkers, slot, TAG, fields, touched, count);
      }
      for (const id of hits.scene) {
        const slot = this.sceneIndex.get(id);
        if (slot !== undefined) count = mark(sceneMarkers, slot, SCENE, fields, touched, count);
      }
      for (const id of hits.performer) {
        const slot = performerIndex.get(id);
        if (slot === undefined || !this.performers[slot]!.live) continue;
        for (let k = performerScenes.start[slot]!, end = performerScenes.start[slot + 1]!; k < end; k++) {
          count = mark(sceneMarkers, performerScenes.members[k]!, PERFORMER, fields, touched, count);
        }
      }
      const rarity = Math.log(1 + this.size / Math.max(count, 1));
      for (let k = 0; k < count; k++) {
        const i = touched[k]!;
        // Only a marker every earlier word was found in can still match.
        if (wordsFound[i] === w) {
          scores[i] = (w === 0 ? 0 : scores[i]!) + FIELD_WEIGHTS[fields[i]!]! * rarity;
          wordsFound[i] = w + 1;
        }
        fields[i] = 0;
      }
      if (w === 0) {
        firstWord.set(touched.subarray(0, count));
        reachedByFirst = count;
      }
    }
    // Keep the markers every word was found in, ascending, leaving wordsFound zeroed for the next
    // search. Many are collected in order by one pass over all markers, cheaper than sorting them.
    let n = 0;
    if (reachedByFirst > this.size / 8) {
      for (let i = 0; i < this.size; i++) {
        if (wordsFound[i] === 0) continue;
        if (wordsFound[i] === words.length) firstWord[n++] = i;
        wordsFound[i] = 0;
      }
      return { markers: firstWord.subarray(0, n), scores };
    }
    for (let k = 0; k < reachedByFirst; k++) {
      const i = firstWord[k]!;
      if (wordsFound[i] === words.length) firstWord[n++] = i;
      wordsFound[i] = 0;
    }
    return { markers: firstWord.subarray(0, n).sort(), scores };
  }

  /** The live performers of a set of ids, as a mask over performer slots. */
  private performerMask(ids: number[]): Uint8Array {
    const mask = new Uint8Array(this.performers.length);
    for (const id of ids) {
      const slot = this.performerIndex.get(id);
      if (slot !== undefined && this.performers[slot]!.live) mask[slot] = 1;
    }
    return mask;
  }

  // --- filters ----------------------------------------------------------------------------------

  /** One test per condition of the query; a marker matches when it passes all. */
  private conditions(q: MarkerQuery): Condition[] {
    const tests: Condition[] = [];
    const on = q.markerTags?.on ?? 'primaryOrSecondary';
    for (const set of this.tagSets(q.markerTags)) {
      const mask = this.tagMask(set.refs);
      const has = (i: number) => mask[this.markerPrimary[i]!] === 1 || (on === 'primaryOrSecondary' && anyIn(this.markerTags, i, mask) === 1);
      // tagMarkers holds primary and secondary tags: a superset of the markers of primary tags too.
      tests.push(set.negate ? { keep: (i) => !has(i) } : { keep: has, reach: reachThrough(this.tagMarkers, slotsOf(mask)) });
    }
    for (const set of this.tagSets(q.sceneTags)) {
      const mask = this.tagMask(set.refs);
      const scenes = set.negate ? undefined : distinctMembers(this.tagScenes, slotsOf(mask));
      tests.push(this.sceneCondition((s) => anyIn(this.sceneTags, s, mask) === 1, set.negate, scenes));
    }
    for (const set of idSets(q.performers)) {
      const mask = this.performerMask(set.ids);
      const scenes = set.negate ? undefined : distinctMembers(this.performerScenes, slotsOf(mask));
      tests.push(this.sceneCondition((s) => anyIn(this.scenePerformers, s, mask) === 1, set.negate, scenes));
    }
    if (q.performerGenders?.length) {
      const genders = new Set(q.performerGenders);
      const mask = Uint8Array.from(this.performers, (p) => (p.live && p.gender !== null && genders.has(p.gender) ? 1 : 0));
      tests.push(this.sceneCondition((s) => anyIn(this.scenePerformers, s, mask) === 1, false));
    }
    const { from, to } = q.sceneDate ?? {};
    if (from !== undefined || to !== undefined) {
      // A partial bound covers its whole period: to '2021-05' takes '2021-05-31' (and '2021' itself).
      // A partial date stands for its first day: from '2021-06-01' takes '2021-06'.
      const inRange = (date: string | null) =>
        date !== null &&
        (from === undefined || compareCodePoints(firstDayOf(date), from) >= 0) &&
        (to === undefined || compareCodePoints(date, to) <= 0 || date.startsWith(`${to}-`));
      tests.push(this.sceneCondition((s) => inRange(this.sceneDates[s]!), false));
    }
    if (q.sceneDuration) {
      const within = inside(q.sceneDuration);
      tests.push(this.sceneCondition((s) => within(this.sceneDuration[s]!), false));
    }
    if (q.markerLength) {
      const within = inside(q.markerLength);
      tests.push({ keep: (i) => within(this.markerEnd[i]! - this.markerSeconds[i]!) });
    }
    if (q.hasEnd !== undefined) {
      const wanted = q.hasEnd;
      tests.push({ keep: (i) => !Number.isNaN(this.markerEnd[i]!) === wanted });
    }
    return tests;
  }

  /** any / all / none of a tag filter as separate sets: any is one, all is one per tag. */
  private tagSets(filter: TagFilter | MarkerTagFilter | undefined) {
    type Refs = NonNullable<TagFilter['any']>;
    const sets: { refs: Refs; negate: boolean }[] = [];
    if (filter?.any?.length) sets.push({ refs: filter.any, negate: false });
    for (const ref of filter?.all ?? []) sets.push({ refs: [ref], negate: false });
    if (filter?.none?.length) sets.push({ refs: filter.none, negate: true });
    return sets;
  }

  /**
   * The live tags a set of references stands for, sub-tags through the closure (which holds live
   * tags only and stops at a stale one). A stale tag, or one the mirror lacks, matches nothing.
   */
  private tagMask(refs: NonNullable<TagFilter['any']>): Uint8Array {
    const mask = new Uint8Array(this.tags.length);
    for (const ref of refs) {
      const ids = ref.withSubtags ? (this.closure.get(ref.id) ?? []) : [ref.id];
      for (const id of ids) {
        const slot = this.tagIndex.get(id);
        if (slot !== undefined && this.tags[slot]!.live) mask[slot] = 1;
      }
    }
    return mask;
  }

  /**
   * A scene condition, decided once per scene when first asked and then read per marker; with the
   * scenes that can pass, when they are known, it reaches their markers.
   */
  private sceneCondition(test: (scene: number) => boolean, negate: boolean, scenes?: number[]): Condition {
    const decided = new Uint8Array(this.sceneIds.length);
    const PASS = 1;
    const FAIL = 2;
    const keep = (i: number) => {
      const s = this.markerScene[i]!;
      if (decided[s] === 0) decided[s] = test(s) !== negate ? PASS : FAIL;
      return decided[s] === PASS;
    };
    return { keep, reach: scenes && reachThrough(this.sceneMarkers, scenes) };
  }

  // --- order and page ---------------------------------------------------------------------------

  private page(matched: Int32Array, q: MarkerQuery, scores: Float64Array | undefined, start: number, count: number): Int32Array {
    if (start >= matched.length) return new Int32Array(0);
    const direction = q.direction ?? DEFAULT_DIRECTION[q.sort];
    if (q.sort === 'relevance') {
      // Without words every marker is equally relevant: id order.
      if (!scores) return matched.subarray(start, start + count);
      return topByScore(matched, scores, start + count, direction).subarray(start);
    }
    if (q.sort === 'random') return this.randomPage(matched, q, start, count);
    const order = this.order(q.sort, direction);
    const wanted = this.work.wanted;
    for (const i of matched) wanted[i] = 1;
    const page = new Int32Array(Math.min(count, matched.length - start));
    let seen = 0;
    let taken = 0;
    for (let k = 0; k < order.length && taken < page.length; k++) {
      const i = order[k]!;
      if (wanted[i] && seen++ >= start) page[taken++] = i;
    }
    for (const i of matched) wanted[i] = 0;
    return page;
  }

  /** Every marker in one sort's order; ties by marker id ascending, missing values last either way. */
  private order(sort: SortKey, direction: 'asc' | 'desc'): Int32Array {
    const name = `${sort}:${direction}`;
    let order = this.orders.get(name);
    if (order) return order;
    const missing = this.missing(sort);
    if (sort === 'sceneDate' || sort === 'sceneTitle') {
      order = this.orderByScene(sceneRanks(this.sceneSortKeys(sort)), direction, missing);
    } else {
      const sign = direction === 'asc' ? 1 : -1;
      const compare = this.comparator(sort);
      order = range(this.size).sort((a, b) => {
        const ma = missing(a);
        const mb = missing(b);
        if (ma !== mb) return ma ? 1 : -1;
        return (ma ? 0 : compare(a, b) * sign) || a - b;
      });
    }
    this.orders.set(name, order);
    return order;
  }

  /** What scenes sort by: the date as stored, the title as the search normalizes it ('' for none). */
  private sceneSortKeys(sort: 'sceneDate' | 'sceneTitle'): string[] {
    if (sort === 'sceneDate') return this.sceneDates.map((date) => date ?? '');
    return this.sceneTitles.map((title) => (title === null ? '' : titleSortKey(title)));
  }

  /**
   * Markers by their scene's rank, by a counting sort: one pass to count, one to place, instead of
   * a comparison sort's millions of calls. Markers are in id order, and a counting sort keeps it
   * among equal ranks; missing values go last.
   */
  private orderByScene(ranks: Int32Array, direction: 'asc' | 'desc', missing: (i: number) => boolean): Int32Array {
    const top = ranks.reduce((max, r) => Math.max(max, r), 0);
    const bucketOf = (i: number) => (missing(i) ? top + 1 : direction === 'asc' ? ranks[this.markerScene[i]!]! : top - ranks[this.markerScene[i]!]!);
    const starts = new Int32Array(top + 3);
    for (let i = 0; i < this.size; i++) starts[bucketOf(i) + 1]!++;
    for (let b = 1; b < starts.length; b++) starts[b]! += starts[b - 1]!;
    const order = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) order[starts[bucketOf(i)]!++] = i;
    return order;
  }

  private comparator(sort: Exclude<SortKey, 'sceneDate' | 'sceneTitle'>): (a: number, b: number) => number {
    const scene = (i: number) => this.markerScene[i]!;
    switch (sort) {
      case 'position':
        return (a, b) => this.sceneIds[scene(a)]! - this.sceneIds[scene(b)]! || this.markerSeconds[a]! - this.markerSeconds[b]!;
      case 'length':
        return (a, b) => this.length(a) - this.length(b);
      case 'updated':
        return (a, b) => this.markerUpdated[a]! - this.markerUpdated[b]!;
    }
  }

  private missing(sort: SortKey): (i: number) => boolean {
    switch (sort) {
      case 'sceneDate':
        return (i) => this.sceneDates[this.markerScene[i]!] === null;
      case 'sceneTitle':
        return (i) => this.sceneTitles[this.markerScene[i]!] === null;
      case 'length':
        return (i) => Number.isNaN(this.markerEnd[i]!);
      case 'updated':
        return (i) => Number.isNaN(this.markerUpdated[i]!);
      default:
        return () => false;
    }
  }

  private length(i: number): number {
    return this.markerEnd[i]! - this.markerSeconds[i]!;
  }

  private randomPage(matched: Int32Array, q: MarkerQuery, start: number, count: number): Int32Array {
    const mix = seedMix(q.seed);
    const descending = (q.direction ?? 'asc') === 'desc';
    if (this.size >= POSITION_SPACE) {
      const key = (i: number) => randomKey(this.markerIds[i]!, mix) * (descending ? -1 : 1);
      return matched.slice().sort((a, b) => key(a) - key(b) || a - b).subarray(start, start + count);
    }
    // Key and position packed in one number, so ordering is numeric comparison of doubles; and
    // only the page's range is put in order, not the whole result.
    const packed = this.work.packed.subarray(0, matched.length);
    for (let k = 0; k < matched.length; k++) {
      const i = matched[k]!;
      const key = randomKey(this.markerIds[i]!, mix);
      packed[k] = (descending ? KEY_SPACE - 1 - key : key) * POSITION_SPACE + i;
    }
    const end = Math.min(start + count, packed.length);
    orderRange(packed, start, end);
    return Int32Array.from(packed.subarray(start, end), (p) => p % POSITION_SPACE);
  }

  // --- facets -----------------------------------------------------------------------------------

  private facets(matched: Int32Array, limit: number): IndexedResult['facets'] {
    const { primaryTags: primary, scenes: perScene, performers, sceneTags } = this.work.tallies;
    for (const i of matched) {
      primary.add(this.markerPrimary[i]!, 1);
      perScene.add(this.markerScene[i]!, 1);
    }
    for (let k = 0; k < perScene.size; k++) {
      const s = perScene.slots[k]!;
      const n = perScene.counts[s]!;
      for (let j = this.scenePerformers.start[s]!, end = this.scenePerformers.start[s + 1]!; j < end; j++) performers.add(this.scenePerformers.members[j]!, n);
      for (let j = this.sceneTags.start[s]!, end = this.sceneTags.start[s + 1]!; j < end; j++) sceneTags.add(this.sceneTags.members[j]!, n);
    }
    const facets = {
      primaryTags: primary.top(limit, this.tags, (tag) => tag.live),
      performers: performers.top(limit, this.performers, (performer) => performer.live),
      sceneTags: sceneTags.top(limit, this.tags, (tag) => tag.live),
    };
    for (const tally of [primary, perScene, performers, sceneTags]) tally.clear();
    return facets;
  }
}

/**
 * Counts per slot, remembering which slots were counted so only those are read back and cleared:
 * one per facet, reused by every search.
 */
class Tally {
  readonly counts: Int32Array;
  readonly slots: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.counts = new Int32Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  add(slot: number, n: number): void {
    if (this.counts[slot] === 0) this.slots[this.size++] = slot;
    this.counts[slot]! += n;
  }

  clear(): void {
    for (let k = 0; k < this.size; k++) this.counts[this.slots[k]!] = 0;
    this.size = 0;
  }

  /** The `limit` largest counts, ties by name order (the slot order), among entries `visible` allows. */
  top<T extends NamedRef>(limit: number, entries: T[], visible: (entry: T) => boolean): FacetCount[] {
    const { counts } = this;
    const before = (a: number, b: number) => counts[b]! - counts[a]! || a - b;
    // A sorted window of the best so far: the slots are many, the limit is small.
    const best: number[] = [];
    for (let k = 0; k < this.size; k++) {
      const slot = this.slots[k]!;
      if ((best.length === limit && before(slot, best[limit - 1]!) > 0) || !visible(entries[slot]!)) continue;
      let at = best.length;
      while (at > 0 && before(slot, best[at - 1]!) < 0) at--;
      best.splice(at, 0, slot);
      if (best.length > limit) best.pop();
    }
    return best.map((slot) => ({ id: entries[slot]!.id, name: entries[slot]!.name, count: counts[slot]! }));
  }
}

// --- helpers ------------------------------------------------------------------------------------

/** Marks the members of one owner as holding a word in `field`; returns the new count of touched markers. */
function mark(rel: Relation, owner: number, field: number, fields: Uint8Array, touched: Int32Array, count: number): number {
  for (let k = rel.start[owner]!, end = rel.start[owner + 1]!; k < end; k++) {
    const i = rel.members[k]!;
    if (fields[i] === 0) touched[count++] = i;
    fields[i]! |= field;
  }
  return count;
}

/** A condition of a query: a test per marker, and for a positive condition on related rows, the markers it can reach. */
interface Condition {
  keep: (marker: number) => boolean;
  reach?: Reach;
}

/** Markers found through an inverted relation: at most `bound` of them, listed ascending by markers(). */
interface Reach {
  bound: number;
  markers: () => Int32Array;
}

function narrowestReach(conditions: Condition[]): Reach | undefined {
  let narrowest: Reach | undefined;
  for (const { reach } of conditions) if (reach && (!narrowest || reach.bound < narrowest.bound)) narrowest = reach;
  return narrowest;
}

/** The members of these owners, each once, ascending. */
function reachThrough(rel: Relation, owners: number[]): Reach {
  let bound = 0;
  for (const o of owners) bound += rel.start[o + 1]! - rel.start[o]!;
  return { bound, markers: () => ascendingDistinct(members(rel, owners)) };
}

function distinctMembers(rel: Relation, owners: number[]): number[] {
  return Array.from(ascendingDistinct(members(rel, owners)));
}

function members(rel: Relation, owners: number[]): number[] {
  const found: number[] = [];
  for (const o of owners) forEachIn(rel, o, (m) => found.push(m));
  return found;
}

function ascendingDistinct(values: number[]): Int32Array {
  const sorted = Int32Array.from(values).sort();
  let n = 0;
  for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[n++] = sorted[k]!;
  return sorted.subarray(0, n);
}

function slotsOf(mask: Uint8Array): number[] {
  const slots: number[] = [];
  for (let slot = 0; slot < mask.length; slot++) if (mask[slot]) slots.push(slot);
  return slots;
}

function relation<R>(owners: number, rows: R[], owner: (r: R) => number | undefined, member: (r: R) => number | undefined): Relation {
  const start = new Int32Array(owners + 1);
  const pairs: [number, number][] = [];
  for (const row of rows) {
    const o = owner(row);
    const m = member(row);
    if (o === undefined || m === undefined) continue;
    pairs.push([o, m]);
    start[o + 1]!++;
  }
  for (let o = 0; o < owners; o++) start[o + 1]! += start[o]!;
  const members = new Int32Array(pairs.length);
  const next = start.slice(0, owners);
  for (const [o, m] of pairs) members[next[o]!++] = m;
  return { start, members };
}

function forEachIn(rel: Relation, owner: number, visit: (member: number) => void): void {
  for (let k = rel.start[owner]!; k < rel.start[owner + 1]!; k++) visit(rel.members[k]!);
}

function anyIn(rel: Relation, owner: number, mask: Uint8Array): 0 | 1 {
  for (let k = rel.start[owner]!; k < rel.start[owner + 1]!; k++) if (mask[rel.members[k]!]) return 1;
  return 0;
}

/**
 * Each scene's place in the order of its text key, equal keys sharing one: markers are then ordered
 * by comparing integers, a tenth of the time of comparing their scenes' strings at every step.
 */
function sceneRanks(keys: string[]): Int32Array {
  const scenes = range(keys.length).sort((a, b) => compareCodePoints(keys[a]!, keys[b]!));
  const ranks = new Int32Array(keys.length);
  for (let k = 1; k < scenes.length; k++) {
    const same = keys[scenes[k]!] === keys[scenes[k - 1]!];
    ranks[scenes[k]!] = ranks[scenes[k - 1]!]! + (same ? 0 : 1);
  }
  return ranks;
}

function range(n: number): Int32Array {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return all;
}

/** The values in both ascending lists, ascending. */
function intersection(a: Int32Array, b: Int32Array): Int32Array {
  const both = new Int32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      both[n++] = a[i]!;
      i++;
      j++;
    }
  }
  return both.subarray(0, n);
}

/** The members of `list` that pass, written to `out` (which must not be `list`'s own memory). */
function filter(list: Int32Array, keep: (i: number) => boolean, out: Int32Array): Int32Array {
  let n = 0;
  for (const i of list) if (keep(i)) out[n++] = i;
  return out.subarray(0, n);
}

function binarySearch(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function idSets(filter: { any?: number[]; all?: number[]; none?: number[] } | undefined) {
  const sets: { ids: number[]; negate: boolean }[] = [];
  if (filter?.any?.length) sets.push({ ids: filter.any, negate: false });
  for (const id of filter?.all ?? []) sets.push({ ids: [id], negate: false });
  if (filter?.none?.length) sets.push({ ids: filter.none, negate: true });
  return sets;
}

/** The first day a partial date ('2021', '2021-05') stands for, as 'YYYY-MM-DD'; a whole date as it is. */
function firstDayOf(date: string): string {
  return date.length === 4 ? `${date}-01-01` : date.length === 7 ? `${date}-01` : date;
}

function inside(bounds: { min?: number; max?: number }): (value: number) => boolean {
  const min = bounds.min ?? -Infinity;
  const max = bounds.max ?? Infinity;
  // NaN (no value) fails both comparisons, as NULL does in SQL.
  return (value) => value >= min && value <= max;
}

/** The first `k` of the matched markers by score: highest first for 'desc', lowest for 'asc'; equal scores by id. */
function topByScore(matched: Int32Array, scores: Float64Array, k: number, direction: 'asc' | 'desc'): Int32Array {
  const sign = direction === 'desc' ? 1 : -1;
  const better = (a: number, b: number) => (scores[b]! - scores[a]!) * sign || a - b;
  if (k >= matched.length / 4) return matched.slice().sort(better).subarray(0, k);
  // A partial selection: keep a sorted window of the k best seen so far.
  const best: number[] = [];
  for (const i of matched) {
    if (best.length === k && better(i, best[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (better(best[mid]!, i) < 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, i);
    if (best.length > k) best.pop();
  }
  return Int32Array.from(best);
}

// --- seeded random order ------------------------------------------------------------------------

const KEY_SPACE = 2 ** 32;
/** Room for 2^21 positions beside a 32-bit key within a double's 53 exact bits. */
const POSITION_SPACE = 2 ** 21;

/** The seed as 32 bits to mix into each id: the same seed gives the same order. */
export function seedMix(seed: number): number {
  return fmix32((seed >>> 0) ^ fmix32(Math.floor(seed / KEY_SPACE) >>> 0));
}

/**
 * A marker's place in the seed's order: a 32-bit hash of its id mixed with the seed. The hash is a
 * bijection on 32-bit values, so two ids never share a key under one seed.
 */
export function randomKey(id: number, mix: number): number {
  return fmix32((id ^ mix) >>> 0);
}

/** MurmurHash3's finalizer: every input bit affects every output bit. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Puts values[start, end) in ascending order as a full sort would, in linear time on average. */
export function orderRange(values: Float64Array, start: number, end: number): void {
  if (start >= end) return;
  select(values, start, 0, values.length - 1);
  select(values, end - 1, start, values.length - 1);
  values.subarray(start, end).sort();
}

/** Quickselect: values[k] becomes the k-th smallest of values[lo..hi], smaller ones before it. */
function select(values: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const pivot = median(values[lo]!, values[(lo + hi) >> 1]!, values[hi]!);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function median(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}
