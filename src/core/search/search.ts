/**
 * Marker search, as the app, the CLI and the tests call it: validates the query, runs it on the
 * mirror (either database), and adds the Stash URLs a result list links to.
 */
import type { MirrorStore } from '../db/store';
import { normalizeStashUrl } from '../stash/client';
import { parseMarkerQuery, type MarkerHit, type MarkerQueryInput, type MarkerSearchResult } from './query';

export interface SearchOptions {
  /** The Stash server the mirror came from; without it hits carry no URLs. */
  stashUrl?: string;
}

export async function searchMarkers(store: MirrorStore, input: MarkerQueryInput, options: SearchOptions = {}): Promise<MarkerSearchResult> {
  const result = await store.searchMarkers(parseMarkerQuery(input));
  if (!options.stashUrl) return result;
  const origin = normalizeStashUrl(options.stashUrl).origin;
  return { ...result, hits: result.hits.map((hit) => ({ ...hit, urls: stashUrls(origin, hit) })) };
}

function stashUrls(origin: string, hit: MarkerHit): NonNullable<MarkerHit['urls']> {
  const marker = `${origin}/scene/${hit.scene.id}/scene_marker/${hit.id}`;
  return {
    stream: `${marker}/stream`,
    preview: `${marker}/preview`,
    screenshot: `${marker}/screenshot`,
    scene: `${origin}/scenes/${hit.scene.id}?t=${Math.floor(hit.seconds)}`,
  };
}
