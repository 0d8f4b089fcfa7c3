import type { MarkerData, NamedEntry } from './marker-data';
import type { MarkerHit, NamedRef } from './query';
import type { Relation } from './relation';

/**
 * What a result list shows of a marker; deleted secondary tags, performers and studio left out, the rest by
 * name. The primary tag is shown as the mirror has it even when stale: a marker always has one, and
 * Stash refuses to delete a tag that is a primary tag, so a stale one (from a merge) lasts only
 * until the markers are synced again.
 */
export function markerHit(data: MarkerData, i: number): MarkerHit {
  const scene = data.markerScene[i]!;
  const end = data.markerEnd[i]!;
  const primary = data.tags[data.markerPrimary[i]!]!;
  return {
    id: data.markerIds[i]!,
    title: data.markerTitles[i]!,
    seconds: data.markerSeconds[i]!,
    endSeconds: Number.isNaN(end) ? null : end,
    primaryTag: { id: primary.id, name: primary.name },
    tags: liveNames(data.tags, data.markerTags, i),
    scene: {
      id: data.sceneIds[scene]!,
      title: data.sceneTitles[scene]!,
      basename: data.sceneBasenames[scene]!,
      date: data.sceneDates[scene]!,
      studio: liveStudio(data, scene),
    },
    performers: liveNames(data.performers, data.scenePerformers, scene),
    urls: null,
  };
}

/** The scene's studio unless it is stale (deleted in Stash, the scene not re-synced yet). */
function liveStudio(data: MarkerData, scene: number): NamedRef | null {
  const studio = data.studios[data.sceneStudio[scene]!];
  return studio?.live ? { id: studio.id, name: studio.name } : null;
}

function liveNames(entries: NamedEntry[], rel: Relation, owner: number): NamedRef[] {
  const refs: NamedRef[] = [];
  // Slots are in name order already.
  const slots = rel.members.slice(rel.start[owner], rel.start[owner + 1]).sort();
  for (const slot of slots) if (entries[slot]!.live) refs.push({ id: entries[slot]!.id, name: entries[slot]!.name });
  return refs;
}
