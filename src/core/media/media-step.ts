/** Stand-in for the media part's module: the interface only, replaced when it lands. */
import type { MirrorStore } from '../db/store';
import type { Logger } from '../log';
import type { MediaCache } from './media-cache';

export interface MediaStepOptions {
  stashUrl: string;
  apiKey?: string;
  cache: MediaCache;
  includePreviews: boolean;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: MediaProgress) => void;
  fetch?: typeof fetch;
  logger?: Logger;
}
export interface MediaProgress {
  total: number;
  done: number;
  downloaded: number;
  alreadyCached: number;
  placeholders: number;
  failed: number;
  bytes: number;
}
export interface MediaStepSummary extends MediaProgress {
  removed: number;
  evicted: number;
  cancelled: boolean;
}
export async function runMediaStep(_store: MirrorStore, _options: MediaStepOptions): Promise<MediaStepSummary> {
  return { total: 0, done: 0, downloaded: 0, alreadyCached: 0, placeholders: 0, failed: 0, bytes: 0, removed: 0, evicted: 0, cancelled: false };
}
