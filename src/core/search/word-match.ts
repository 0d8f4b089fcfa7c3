/**
 * The query's words against the markers: which markers have every word somewhere in their text,
 * with a relevance score, and which rows' words can decide that when the filters leave few markers.
 */
import { matchMarkers, narrowestReach, queryConditions } from './conditions';
import { binarySearch } from './int-lists';
import type { MarkerData } from './marker-data';
import type { MarkerQuery } from './query';
import { forEachIn, type Relation } from './relation';
import type { ScratchBuffers } from './scratch';
import type { TextRows, WordHits } from './text-keys';

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

/**
 * The markers with every word, ascending, and their relevance: each word must be found somewhere
 * in the marker's text (its title; its primary or secondary tags; its scene's performers; its
 * scene's title, details and file basename), and scores the weights of the parts it was found in, times how rare
 * it is. Work is proportional to the markers a word reaches, through the inverted relations;
 * scores are meaningful for the markers returned only. Both are scratch memory.
 */
export function textMatches(data: MarkerData, scratch: ScratchBuffers, words: WordHits[]): { markers: Int32Array; scores: Float64Array } {
  const { scores, wordsFound, fields, touched, firstWord } = scratch;
  const { tagMarkers, sceneMarkers, performerScenes, performerIndex } = data;
  let reachedByFirst = 0;
  for (let w = 0; w < words.length; w++) {
    const hits = words[w]!;
    let count = 0;
    for (const id of hits.marker) {
      const i = binarySearch(data.markerIds, id);
      if (i < 0) continue;
      if (fields[i] === 0) touched[count++] = i;
      fields[i]! |= TITLE;
    }
    // Stale tags and performers keep their words in the index, like their rows in the mirror.
    for (const id of hits.tag) {
      const slot = data.tagIndex.get(id);
      if (slot !== undefined && data.tags[slot]!.live) count = mark(tagMarkers, slot, TAG, fields, touched, count);
    }
    for (const id of hits.scene) {
      const slot = data.sceneIndex.get(id);
      if (slot !== undefined) count = mark(sceneMarkers, slot, SCENE, fields, touched, count);
    }
    for (const id of hits.performer) {
      const slot = performerIndex.get(id);
      if (slot === undefined || !data.performers[slot]!.live) continue;
      for (let k = performerScenes.start[slot]!, end = performerScenes.start[slot + 1]!; k < end; k++) {
        count = mark(sceneMarkers, performerScenes.members[k]!, PERFORMER, fields, touched, count);
      }
    }
    const rarity = Math.log(1 + data.size / Math.max(count, 1));
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
  if (reachedByFirst > data.size / 8) {
    for (let i = 0; i < data.size; i++) {
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

/** Marks the members of one owner as holding a word in `field`; returns the new count of touched markers. */
function mark(rel: Relation, owner: number, field: number, fields: Uint8Array, touched: Int32Array, count: number): number {
  for (let k = rel.start[owner]!, end = rel.start[owner + 1]!; k < end; k++) {
    const i = rel.members[k]!;
    if (fields[i] === 0) touched[count++] = i;
    fields[i]! |= field;
  }
  return count;
}

/**
 * When the query's other conditions leave at most `limit` rows to look at, the rows whose words
 * decide which of their markers the words match: the markers' titles, their tags, their scenes
 * and their scenes' performers. Looking the words up among these rows only gives the search the
 * same result as looking them up in the whole library. Undefined when the conditions leave more,
 * and for relevance over several words, which weighs each word by how many markers of the whole
 * library it reaches (one word's weight scales every score alike and leaves the order as it is).
 */
export function textScope(data: MarkerData, scratch: ScratchBuffers, q: MarkerQuery, words: number, limit: number): TextRows | undefined {
  if (words > 1 && q.sort === 'relevance') return undefined;
  const conditions = queryConditions(data, q);
  const narrowest = narrowestReach(conditions);
  if (!narrowest || narrowest.bound > limit) return undefined;
  const markers = matchMarkers(data, scratch, conditions);
  const scenes = new Set<number>();
  const tags = new Set<number>();
  const performers = new Set<number>();
  for (const i of markers) {
    scenes.add(data.markerScene[i]!);
    tags.add(data.markerPrimary[i]!);
    forEachIn(data.markerTags, i, (tag) => tags.add(tag));
  }
  for (const scene of scenes) forEachIn(data.scenePerformers, scene, (performer) => performers.add(performer));
  if (markers.length + scenes.size + tags.size + performers.size > limit) return undefined;
  return {
    marker: Array.from(markers, (i) => data.markerIds[i]!),
    scene: Array.from(scenes, (s) => data.sceneIds[s]!),
    tag: Array.from(tags, (slot) => data.tags[slot]!.id),
    performer: Array.from(performers, (slot) => data.performers[slot]!.id),
  };
}
