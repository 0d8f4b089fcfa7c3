/**
 * The facets of a result: its markers counted by primary tag, and by their scenes' performers,
 * tags and studio (a scene counts once per matched marker of it).
 */
import type { MarkerData } from './marker-data';
import type { MarkerSearchResult } from './query';
import type { ScratchBuffers } from './scratch';

export type Facets = MarkerSearchResult['facets'];

/** For a query that asks for none; a new object each time, as the caller owns its result. */
export function noFacets(): Facets {
  return { primaryTags: [], performers: [], sceneTags: [], studios: [] };
}

/** The `limit` largest counts of each facet; the tallies are left empty. */
export function countFacets(data: MarkerData, scratch: ScratchBuffers, matched: Int32Array, limit: number): Facets {
  const { markerPrimary, markerScene, scenePerformers, sceneTags: tagsOfScene, sceneStudio } = data;
  const { primaryTags: primary, scenes: perScene, performers, sceneTags, studios } = scratch.tallies;
  for (const i of matched) {
    primary.add(markerPrimary[i]!, 1);
    perScene.add(markerScene[i]!, 1);
  }
  for (let k = 0; k < perScene.size; k++) {
    const s = perScene.slots[k]!;
    const n = perScene.counts[s]!;
    for (let j = scenePerformers.start[s]!, end = scenePerformers.start[s + 1]!; j < end; j++) performers.add(scenePerformers.members[j]!, n);
    for (let j = tagsOfScene.start[s]!, end = tagsOfScene.start[s + 1]!; j < end; j++) sceneTags.add(tagsOfScene.members[j]!, n);
    if (sceneStudio[s]! >= 0) studios.add(sceneStudio[s]!, n);
  }
  const facets = {
    primaryTags: primary.top(limit, data.tags, (tag) => tag.live),
    performers: performers.top(limit, data.performers, (performer) => performer.live),
    sceneTags: sceneTags.top(limit, data.tags, (tag) => tag.live),
    studios: studios.top(limit, data.studios, (studio) => studio.live),
  };
  for (const tally of [primary, perScene, performers, sceneTags, studios]) tally.clear();
  return facets;
}
