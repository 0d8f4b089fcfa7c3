/**
 * A query's filters as tests per marker, and matching: the markers that pass them all. A positive
 * condition on related rows also names the markers it can reach, so a narrow filter walks only
 * those instead of every marker.
 */
import { ascendingDistinct, filter, intersection } from './int-lists';
import type { MarkerData } from './marker-data';
import type { MarkerQuery, StudioFilter, StudioRef, TagFilter } from './query';
import { anyIn, distinctMembers, membersOf, type Relation } from './relation';
import type { ScratchBuffers } from './scratch';
import { compareCodePoints } from './text';

/** A condition of a query: a test per marker, and for a positive condition on related rows, the markers it can reach. */
export interface Condition {
  keep: (marker: number) => boolean;
  reach?: Reach;
}

/** Markers found through an inverted relation: at most `bound` of them, listed ascending by markers(). */
export interface Reach {
  bound: number;
  markers: () => Int32Array;
}

export function narrowestReach(conditions: Condition[]): Reach | undefined {
  let narrowest: Reach | undefined;
  for (const { reach } of conditions) if (reach && (!narrowest || reach.bound < narrowest.bound)) narrowest = reach;
  return narrowest;
}

/**
 * The markers of `candidates` (ascending; every marker if absent) that pass every condition,
 * ascending. The walk starts from the fewest markers a condition can reach when that is fewer.
 * The result may be scratch memory: it lasts until the next match.
 */
export function matchMarkers(data: MarkerData, scratch: ScratchBuffers, conditions: Condition[], candidates?: Int32Array): Int32Array {
  const [listA, listB] = scratch.lists;
  let matched = candidates ?? data.allMarkers;
  const narrowest = narrowestReach(conditions);
  if (narrowest && narrowest.bound < matched.length) {
    const reached = narrowest.markers();
    matched = candidates ? intersection(candidates, reached) : reached;
  }
  for (const { keep } of conditions) matched = filter(matched, keep, matched.buffer === listA.buffer ? listB : listA);
  return matched;
}

/** One test per condition of the query; a marker matches when it passes all. */
export function queryConditions(data: MarkerData, q: MarkerQuery): Condition[] {
  const {
    markerPrimary,
    markerTags,
    tagMarkers,
    sceneTags,
    tagScenes,
    scenePerformers,
    performerScenes,
    sceneDates,
    sceneDuration,
    markerEnd,
    markerSeconds,
  } = data;
  const tests: Condition[] = [];
  const on = q.markerTags?.on ?? 'primaryOrSecondary';
  for (const set of filterSets(q.markerTags)) {
    const mask = tagMask(data, set.members);
    const has = (i: number) => mask[markerPrimary[i]!] === 1 || (on === 'primaryOrSecondary' && anyIn(markerTags, i, mask) === 1);
    // tagMarkers holds primary and secondary tags: a superset of the markers of primary tags too.
    tests.push(set.negate ? { keep: (i) => !has(i) } : { keep: has, reach: reachThrough(tagMarkers, slotsOf(mask)) });
  }
  for (const set of filterSets(q.sceneTags)) {
    const mask = tagMask(data, set.members);
    const scenes = set.negate ? undefined : distinctMembers(tagScenes, slotsOf(mask));
    tests.push(sceneCondition(data, (s) => anyIn(sceneTags, s, mask) === 1, set.negate, scenes));
  }
  for (const set of filterSets(q.performers)) {
    const mask = performerMask(data, set.members);
    const scenes = set.negate ? undefined : distinctMembers(performerScenes, slotsOf(mask));
    tests.push(sceneCondition(data, (s) => anyIn(scenePerformers, s, mask) === 1, set.negate, scenes));
  }
  if (q.performerGenders?.length) {
    const genders = new Set(q.performerGenders);
    const mask = Uint8Array.from(data.performers, (p) => (p.live && p.gender !== null && genders.has(p.gender) ? 1 : 0));
    tests.push(sceneCondition(data, (s) => anyIn(scenePerformers, s, mask) === 1, false));
  }
  tests.push(...studioConditions(data, q.studios), ...performerConditions(data, q));
  if (q.sceneRating) {
    const within = inside(q.sceneRating);
    tests.push(sceneCondition(data, (s) => within(data.sceneRating[s]!), false));
  }
  if (q.sceneOrganized !== undefined) {
    const wanted = q.sceneOrganized ? 1 : 0;
    tests.push(sceneCondition(data, (s) => data.sceneOrganized[s] === wanted, false));
  }
  const { from, to } = q.sceneDate ?? {};
  if (from !== undefined || to !== undefined) {
    // A partial bound covers its whole period: to '2021-05' takes '2021-05-31' (and '2021' itself).
    // A partial date stands for its first day: from '2021-06-01' takes '2021-06'.
    const inRange = (date: string | null) =>
      date !== null &&
      (from === undefined || compareCodePoints(firstDayOf(date), from) >= 0) &&
      (to === undefined || compareCodePoints(date, to) <= 0 || date.startsWith(`${to}-`));
    tests.push(sceneCondition(data, (s) => inRange(sceneDates[s]!), false));
  }
  if (q.sceneDuration) {
    const within = inside(q.sceneDuration);
    tests.push(sceneCondition(data, (s) => within(sceneDuration[s]!), false));
  }
  if (q.markerLength) {
    const within = inside(q.markerLength);
    tests.push({ keep: (i) => within(markerEnd[i]! - markerSeconds[i]!) });
  }
  if (q.hasEnd !== undefined) {
    const wanted = q.hasEnd;
    tests.push({ keep: (i) => !Number.isNaN(markerEnd[i]!) === wanted });
  }
  return tests;
}

type TagRefs = NonNullable<TagFilter['any']>;

/** The scene's studio is one of `any` and none of `none`; a scene without a (live) studio fails `any`. */
function studioConditions(data: MarkerData, filter: StudioFilter | undefined): Condition[] {
  const tests: Condition[] = [];
  for (const set of filterSets(filter)) {
    const mask = studioMask(data, set.members);
    const scenes = set.negate ? undefined : scenesWhere(data.sceneStudio, (studio) => studio >= 0 && mask[studio] === 1);
    tests.push(sceneCondition(data, (s) => data.sceneStudio[s]! >= 0 && mask[data.sceneStudio[s]!] === 1, set.negate, scenes));
  }
  return tests;
}

/**
 * The live studios a set of references stands for, children through the parent chain. The walk
 * stops at a stale studio, as the tag closure does, and after as many steps as there are studios,
 * so a cycle of parents ends.
 */
function studioMask(data: MarkerData, refs: StudioRef[]): Uint8Array {
  const { studios, studioIndex } = data;
  const mask = new Uint8Array(studios.length);
  const exact = new Uint8Array(studios.length);
  const withChildren = new Uint8Array(studios.length);
  for (const ref of refs) {
    const slot = studioIndex.get(ref.id);
    if (slot !== undefined) (ref.withChildren ? withChildren : exact)[slot] = 1;
  }
  for (let slot = 0; slot < studios.length; slot++) {
    if (!studios[slot]!.live) continue;
    if (exact[slot] || withChildren[slot]) mask[slot] = 1;
    for (let up = studios[slot]!.parent, steps = 0; !mask[slot] && up >= 0 && studios[up]!.live && steps < studios.length; steps++) {
      if (withChildren[up]) mask[slot] = 1;
      up = studios[up]!.parent;
    }
  }
  return mask;
}

/** The conditions on the scene's performers: their tags, favourites and number. */
function performerConditions(data: MarkerData, q: MarkerQuery): Condition[] {
  const { performers, performerTags, performerScenes, scenePerformers, scenePerformerCount } = data;
  const tests: Condition[] = [];
  // A scene condition over its live performers that carry a tag of the set, reaching their scenes.
  for (const set of filterSets(q.performerTags)) {
    const tags = tagMask(data, set.members);
    const carriers = Uint8Array.from(performers, (p, slot) => (p.live ? anyIn(performerTags, slot, tags) : 0));
    const scenes = set.negate ? undefined : distinctMembers(performerScenes, slotsOf(carriers));
    tests.push(sceneCondition(data, (s) => anyIn(scenePerformers, s, carriers) === 1, set.negate, scenes));
  }
  if (q.favoritePerformersOnly) {
    const favorites = Uint8Array.from(performers, (p) => (p.live && p.favorite ? 1 : 0));
    const scenes = distinctMembers(performerScenes, slotsOf(favorites));
    tests.push(sceneCondition(data, (s) => anyIn(scenePerformers, s, favorites) === 1, false, scenes));
  }
  if (q.performerCount) {
    const within = inside(q.performerCount);
    tests.push(sceneCondition(data, (s) => within(scenePerformerCount[s]!), false));
  }
  return tests;
}

/** The scenes whose value passes, ascending. */
function scenesWhere(values: Int32Array, test: (value: number) => boolean): number[] {
  const scenes: number[] = [];
  for (let s = 0; s < values.length; s++) if (test(values[s]!)) scenes.push(s);
  return scenes;
}

/** any / all / none of a filter as separate sets to test: any is one, all is one per member. */
function filterSets<T>(filter: { any?: T[]; all?: T[]; none?: T[] } | undefined): { members: T[]; negate: boolean }[] {
  const sets: { members: T[]; negate: boolean }[] = [];
  if (filter?.any?.length) sets.push({ members: filter.any, negate: false });
  for (const member of filter?.all ?? []) sets.push({ members: [member], negate: false });
  if (filter?.none?.length) sets.push({ members: filter.none, negate: true });
  return sets;
}

/**
 * The live tags a set of references stands for, sub-tags through the closure (which holds live
 * tags only and stops at a stale one). A stale tag, or one the mirror lacks, matches nothing.
 */
function tagMask(data: MarkerData, refs: TagRefs): Uint8Array {
  const mask = new Uint8Array(data.tags.length);
  for (const ref of refs) {
    const ids = ref.withSubtags ? (data.closure.get(ref.id) ?? []) : [ref.id];
    for (const id of ids) {
      const slot = data.tagIndex.get(id);
      if (slot !== undefined && data.tags[slot]!.live) mask[slot] = 1;
    }
  }
  return mask;
}

/** The live performers of a set of ids, as a mask over performer slots. */
function performerMask(data: MarkerData, ids: number[]): Uint8Array {
  const mask = new Uint8Array(data.performers.length);
  for (const id of ids) {
    const slot = data.performerIndex.get(id);
    if (slot !== undefined && data.performers[slot]!.live) mask[slot] = 1;
  }
  return mask;
}

/**
 * A scene condition, decided once per scene when first asked and then read per marker; with the
 * scenes that can pass, when they are known, it reaches their markers.
 */
function sceneCondition(data: MarkerData, test: (scene: number) => boolean, negate: boolean, scenes?: number[]): Condition {
  const { markerScene } = data;
  const decided = new Uint8Array(data.sceneIds.length);
  const PASS = 1;
  const FAIL = 2;
  const keep = (i: number) => {
    const s = markerScene[i]!;
    if (decided[s] === 0) decided[s] = test(s) !== negate ? PASS : FAIL;
    return decided[s] === PASS;
  };
  return { keep, reach: scenes && reachThrough(data.sceneMarkers, scenes) };
}

/** The markers these owners reach: as many as their members at most, listed each once when asked. */
function reachThrough(rel: Relation, owners: number[]): Reach {
  let bound = 0;
  for (const o of owners) bound += rel.start[o + 1]! - rel.start[o]!;
  return { bound, markers: () => ascendingDistinct(membersOf(rel, owners)) };
}

function slotsOf(mask: Uint8Array): number[] {
  const slots: number[] = [];
  for (let slot = 0; slot < mask.length; slot++) if (mask[slot]) slots.push(slot);
  return slots;
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
