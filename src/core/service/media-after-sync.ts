/**
 * The media step as the service and the CLI run it after a metadata sync: the picture cache opened
 * with the settings' budget, the step over the mirror, and a cancel that keeps what was counted.
 */
import type { MirrorStore } from '../db/store';
import type { Logger } from '../log';
import { MediaCache } from '../media/media-cache';
import { runMediaStep, type MediaProgress, type MediaStepSummary } from '../media/media-step';
import type { MediaSettings } from '../../shared/contract';

const BYTES_PER_GB = 1024 ** 3;

export type MediaStepRunner = typeof runMediaStep;

/** nativeBinding: better-sqlite3's addon for this runtime, when not node_modules' own (the desktop app's). */
export function openMediaCache(dir: string, media: MediaSettings, nativeBinding?: string): MediaCache {
  return MediaCache.open(dir, { budgetBytes: Math.round(media.budgetGb * BYTES_PER_GB), nativeBinding });
}

export interface MediaAfterSyncOptions {
  cache: MediaCache;
  /** The sync run the step follows: History keeps its counts there. */
  runId: string;
  stashUrl: string;
  apiKey?: string;
  media: MediaSettings;
  signal?: AbortSignal;
  onProgress?: (progress: MediaProgress) => void;
  logger?: Logger;
  /** Tests pass their own step. */
  runStep?: MediaStepRunner;
}

export const NO_MEDIA_PROGRESS: MediaProgress = { total: 0, done: 0, downloaded: 0, alreadyCached: 0, placeholders: 0, failed: 0, bytes: 0 };

/**
 * Runs the step and records its counts in History on the sync's run; cancelled, it answers (and
 * records) the counts reached so far rather than throwing.
 */
export async function cacheMediaAfterSync(store: MirrorStore, options: MediaAfterSyncOptions): Promise<MediaStepSummary> {
  const summary = await runStepKeepingCounts(store, options);
  const { downloaded, alreadyCached, placeholders, failed, removed } = summary;
  // History is a record, not the outcome: the pictures stay cached whether or not it is written.
  await store
    .recordRunPictures(options.runId, { downloaded, alreadyCached, placeholders, failed, removed })
    .catch((error: unknown) => options.logger?.warn(`The picture counts were not recorded in History: ${(error as Error).message}`));
  return summary;
}

async function runStepKeepingCounts(store: MirrorStore, options: MediaAfterSyncOptions): Promise<MediaStepSummary> {
  let last = NO_MEDIA_PROGRESS;
  const runStep = options.runStep ?? runMediaStep;
  try {
    return await runStep(store, {
      stashUrl: options.stashUrl,
      apiKey: options.apiKey,
      cache: options.cache,
      includePreviews: options.media.includePreviews,
      signal: options.signal,
      onProgress: (progress) => {
        last = progress;
        options.onProgress?.(progress);
      },
      logger: options.logger,
    });
  } catch (error) {
    if (options.signal?.aborted) return { ...last, removed: 0, evicted: 0, overBudget: 0, cancelled: true };
    throw error;
  }
}
